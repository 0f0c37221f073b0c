package org.batteryledger.routes.pull;

import org.apache.camel.RoutesBuilder;
import org.batteryledger.routes.intake.OffchainStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pull routes of a node's partners, their shared error handling, and their statuses by partner name. */
public record PartnerRoutes(List<RoutesBuilder> builders, Map<String, PullStatus> statuses) {
    public static PartnerRoutes of(List<Partner> partners, PullSettings settings, OffchainStore store) {
        Map<String, PullStatus> statuses = new LinkedHashMap<>();
        List<RoutesBuilder> builders = new ArrayList<>();
        if (!partners.isEmpty()) {
            builders.add(new PartnerPullConfiguration(settings, Collections.unmodifiableMap(statuses)));
        }
        for (Partner p : partners) {
            PullStatus s = new PullStatus(p);
            statuses.put(p.name(), s);
            builders.add(p.kind() == Partner.Kind.ERP_SOAP ? new ErpSoapPullRoute(p, settings, store, s) : new ChargingRestPullRoute(p, settings, store, s));
        }
        return new PartnerRoutes(List.copyOf(builders), Collections.unmodifiableMap(statuses));
    }
}
