package org.batteryledger.partners;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.batteryledger.core.json.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charging platform's REST API under {@code /charging/api}: {@code GET /sessions?after=<recordId>&limit=<n>} gives
 * {@code {"sessions": [...], "more": true|false}}, sessions in CONTRACT form after the cursor.
 */
final class ChargingApi implements HttpHandler {
    static final String PATH = "/charging/api";
    static final int DEFAULT_LIMIT = 500;
    static final int MAX_LIMIT = 1000;
    /** What the invalid-record fault puts into the first session of a page. */
    static final BigDecimal INVALID_SOC = new BigDecimal("1.7");

    private final Fleet fleet;
    private final FaultInjector faults;

    ChargingApi(Fleet fleet, FaultInjector faults) {
        this.fleet = fleet;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(PATH + "/sessions")) {
                Http.problem(exchange, 404, "Not Found", "no resource " + path + "; the sessions are at " + PATH + "/sessions");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                Http.problem(exchange, 405, "Method Not Allowed", exchange.getRequestMethod() + " is not allowed; use GET");
                return;
            }
            FaultInjector.Fault fault = faults.next(FaultInjector.Target.CHARGING);
            if (fault != null && fault.mode() == FaultInjector.Mode.ERROR) {
                Http.problem(exchange, 500, "Internal Server Error", "injected fault: the charging platform failed");
                return;
            }
            if (fault != null && fault.mode() == FaultInjector.Mode.TIMEOUT && !Http.delay(fault.delayMillis())) {
                return;
            }
            Map<String, String> query = Http.query(exchange);
            int limit;
            try {
                limit = Page.size("limit", query.get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
            } catch (IllegalArgumentException e) {
                Http.problem(exchange, 400, "Bad Request", e.getMessage());
                return;
            }
            String after = query.get("after");
            int position = -1;
            if (after != null && !after.isEmpty()) {
                position = fleet.sessionPosition(after);
                if (position < 0) {
                    Http.problem(exchange, 400, "Bad Request", "unknown after: no session with recordId '" + after + "'");
                    return;
                }
            }
            Page<SessionRecord> page = Page.of(fleet.sessions(), position, limit);
            List<Object> sessions = new ArrayList<>(page.records().size());
            for (SessionRecord s : page.records()) {
                if (sessions.isEmpty() && fault != null && fault.mode() == FaultInjector.Mode.INVALID_RECORD) {
                    s = s.withSocEnd(INVALID_SOC);
                }
                sessions.add(s.toJson());
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("sessions", sessions);
            body.put("more", page.more());
            byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
            if (fault != null && fault.mode() == FaultInjector.Mode.MALFORMED) {
                bytes = Http.truncated(bytes);
            }
            Http.send(exchange, 200, Http.JSON, bytes);
        }
    }
}
