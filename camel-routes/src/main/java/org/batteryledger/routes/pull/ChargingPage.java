package org.batteryledger.routes.pull;

import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A charging platform's page of sessions: {@code {"sessions": [...], "more": true|false}}. */
public final class ChargingPage {
    private ChargingPage() {
    }

    public static PullPage read(String json) {
        Object tree;
        try {
            tree = Json.parse(json);
        } catch (JsonException e) {
            throw new PartnerFormatException("the answer is not JSON: " + e.getMessage(), e);
        }
        if (!(tree instanceof Map<?, ?> m) || !(m.get("sessions") instanceof List<?> sessions) || !(m.get("more") instanceof Boolean more)) {
            throw new PartnerFormatException("the answer is not a page of sessions ({\"sessions\": [...], \"more\": true|false})");
        }
        return new PullPage(new ArrayList<>(sessions), more);
    }
}
