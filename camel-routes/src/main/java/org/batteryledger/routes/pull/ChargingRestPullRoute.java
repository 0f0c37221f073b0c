package org.batteryledger.routes.pull;

import org.apache.camel.Exchange;
import org.batteryledger.routes.intake.OffchainStore;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Charge and discharge sessions pulled from a charging platform's REST API ({@code GET /sessions?after=&limit=}). */
public class ChargingRestPullRoute extends PartnerPullRoute {
    public ChargingRestPullRoute(Partner partner, PullSettings settings, OffchainStore store, PullStatus status) {
        super(partner, settings, store, status);
    }

    @Override
    protected String endpointUri() {
        return partner.url() + "/sessions?httpMethod=GET";
    }

    @Override
    protected void ask(Exchange exchange, String position, int pageSize) {
        exchange.getMessage().setHeader("Accept", "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_QUERY,
                (position == null ? "" : "after=" + URLEncoder.encode(position, StandardCharsets.UTF_8) + "&") + "limit=" + pageSize);
        exchange.getMessage().setBody(null);
    }

    @Override
    protected PullPage read(String answer) {
        return ChargingPage.read(answer);
    }
}
