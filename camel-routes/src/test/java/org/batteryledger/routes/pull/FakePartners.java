package org.batteryledger.routes.pull;

import org.apache.camel.Exchange;
import org.batteryledger.core.json.Json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-ins for a manufacturer ERP and a charging platform, answering as their APIs do (SOAP pages after a record
 * id, JSON pages after a record id) from lists the test controls. Wired in place of the HTTP calls by AdviceWith.
 */
final class FakePartners {
    final List<Map<String, Object>> batteries = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> sessions = new CopyOnWriteArrayList<>();
    /** The {@code after} of every request, in order: what the routes asked for. */
    final List<String> erpAsked = new CopyOnWriteArrayList<>();
    final List<String> chargingAsked = new CopyOnWriteArrayList<>();

    static String code(int i) {
        return String.format("036PE0B1A2C3D4E5F6%06d", i);
    }

    Map<String, Object> battery(int i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordId", "MFR-B-" + code(i));
        m.put("type", "battery");
        m.put("batteryCode", code(i));
        m.put("manufacturer", "Cell Works");
        m.put("chemistry", i % 2 == 0 ? "LFP" : "NMC");
        m.put("ratedCapacityAh", new BigDecimal("150"));
        m.put("nominalVoltageV", new BigDecimal("350.4"));
        m.put("ratedCycleLife", new BigDecimal(i % 2 == 0 ? 4000 : 1500));
        m.put("ratedCycleDod", new BigDecimal("1"));
        m.put("ratedCycleTempC", new BigDecimal("25"));
        m.put("manufacturedAt", "2024-01-0" + (1 + i % 9) + "T00:00:00Z");
        return m;
    }

    Map<String, Object> session(int n, int battery) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordId", String.format("CPO-S-%08d", n));
        m.put("type", "session");
        m.put("batteryCode", code(battery));
        m.put("operator", "Volt Stations");
        m.put("startedAt", String.format("2024-06-%02dT08:00:00Z", 1 + n % 28));
        m.put("endedAt", String.format("2024-06-%02dT09:00:00Z", 1 + n % 28));
        m.put("socStart", new BigDecimal("0.2"));
        m.put("socEnd", new BigDecimal("0.8"));
        m.put("energyKWh", new BigDecimal("31.5"));
        m.put("avgTempC", new BigDecimal("24"));
        m.put("maxTempC", new BigDecimal("29"));
        return m;
    }

    FakePartners fleet(int batteryCount, int sessionCount) {
        for (int i = 0; i < batteryCount; i++) {
            batteries.add(battery(i));
        }
        for (int n = 0; n < sessionCount; n++) {
            sessions.add(session(n, n % batteryCount));
        }
        return this;
    }

    // Whatever prefix the client's JAXB gives the ERP namespace (the simulators' test reads the envelope properly).
    private static final Pattern AFTER = Pattern.compile("<(?:\\w+:)?after>([^<]*)</(?:\\w+:)?after>");
    private static final Pattern MAX = Pattern.compile("<(?:\\w+:)?maxResults>(\\d+)</(?:\\w+:)?maxResults>");

    /** Answers a GetBatteryMasterData envelope. */
    void erp(Exchange e) {
        String request = e.getMessage().getBody(String.class);
        Matcher a = AFTER.matcher(request);
        Matcher m = MAX.matcher(request);
        m.find();
        String after = a.find() ? a.group(1) : null;
        erpAsked.add(String.valueOf(after));
        List<Map<String, Object>> page = page(batteries, after, Integer.parseInt(m.group(1)));
        StringBuilder b = new StringBuilder("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<erp:GetBatteryMasterDataResponse xmlns:erp=\"urn:batteryledger:partner:erp:1\">");
        for (Map<String, Object> r : page) {
            b.append("<erp:battery>");
            r.forEach((k, v) -> {
                if (!k.equals("type")) {
                    b.append("<erp:").append(k).append('>').append(v instanceof BigDecimal d ? d.toPlainString() : v).append("</erp:").append(k).append('>');
                }
            });
            b.append("</erp:battery>");
        }
        b.append("<erp:more>").append(more(batteries, page)).append("</erp:more></erp:GetBatteryMasterDataResponse></soap:Body></soap:Envelope>");
        e.getMessage().setBody(b.toString());
    }

    /** Answers GET /sessions?after=&limit=. */
    void charging(Exchange e) {
        String query = e.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        String after = null;
        int limit = 500;
        for (String kv : query.split("&")) {
            String[] p = kv.split("=", 2);
            if (p[0].equals("after")) {
                after = java.net.URLDecoder.decode(p[1], java.nio.charset.StandardCharsets.UTF_8);
            } else if (p[0].equals("limit")) {
                limit = Integer.parseInt(p[1]);
            }
        }
        chargingAsked.add(String.valueOf(after));
        List<Map<String, Object>> page = page(sessions, after, limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("sessions", new ArrayList<Object>(page));
        answer.put("more", more(sessions, page));
        e.getMessage().setBody(Json.write(answer));
    }

    private static List<Map<String, Object>> page(List<Map<String, Object>> all, String after, int limit) {
        int from = 0;
        if (after != null) {
            while (from < all.size() && !all.get(from).get("recordId").equals(after)) {
                from++;
            }
            if (from == all.size()) {
                throw new IllegalStateException("unknown after " + after);
            }
            from++;
        }
        return new ArrayList<>(all.subList(from, Math.min(all.size(), from + limit)));
    }

    private static boolean more(List<Map<String, Object>> all, List<Map<String, Object>> page) {
        return !page.isEmpty() && all.indexOf(page.get(page.size() - 1)) < all.size() - 1;
    }
}
