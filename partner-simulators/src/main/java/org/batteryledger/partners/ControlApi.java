package org.batteryledger.partners;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failure injection under {@code /control}: {@code POST /faults?target=erp|charging&mode=MODE&count=N[&delayMillis=D]},
 * {@code POST /reset}, {@code GET /stats}.
 */
final class ControlApi implements HttpHandler {
    static final String PATH = "/control";

    private final FaultInjector faults;

    ControlApi(FaultInjector faults) {
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case PATH + "/faults" -> {
                    if (allowed(exchange, method, "POST")) {
                        arm(exchange);
                    }
                }
                case PATH + "/reset" -> {
                    if (allowed(exchange, method, "POST")) {
                        faults.reset();
                        Http.json(exchange, 200, faults.stats());
                    }
                }
                case PATH + "/stats" -> {
                    if (allowed(exchange, method, "GET")) {
                        Http.json(exchange, 200, faults.stats());
                    }
                }
                default -> Http.problem(exchange, 404, "Not Found", "no resource " + path + "; control has /faults, /reset, /stats");
            }
        }
    }

    private static boolean allowed(HttpExchange exchange, String method, String expected) throws IOException {
        if (expected.equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", expected);
        Http.problem(exchange, 405, "Method Not Allowed", method + " is not allowed here; use " + expected);
        return false;
    }

    private void arm(HttpExchange exchange) throws IOException {
        Map<String, String> q = Http.query(exchange);
        FaultInjector.Target target;
        FaultInjector.Mode mode;
        int count;
        long delayMillis;
        try {
            target = FaultInjector.Target.parse(q.get("target"));
            mode = FaultInjector.Mode.parse(q.get("mode"));
            count = (int) number("count", q.get("count"), 1, 1_000_000);
            delayMillis = number("delayMillis", q.get("delayMillis"), FaultInjector.DEFAULT_DELAY_MILLIS, 600_000);
        } catch (IllegalArgumentException e) {
            Http.problem(exchange, 400, "Bad Request", e.getMessage());
            return;
        }
        faults.arm(target, mode, count, delayMillis);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("target", target.wireName());
        o.put("mode", mode.wireName());
        o.put("count", BigDecimal.valueOf(count));
        o.put("delayMillis", BigDecimal.valueOf(delayMillis));
        Http.json(exchange, 200, o);
    }

    private static long number(String name, String value, long defaultValue, long max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= (name.equals("count") ? 1 : 0) && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + (name.equals("count") ? 1 : 0) + " to " + max + ", was '" + value + "'");
    }
}
