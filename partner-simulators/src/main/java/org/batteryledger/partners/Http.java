package org.batteryledger.partners;

import com.sun.net.httpserver.HttpExchange;
import org.batteryledger.core.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The little HTTP the simulators need on top of {@link com.sun.net.httpserver.HttpServer}. */
final class Http {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";
    static final String XML = "text/xml; charset=utf-8";

    private Http() {
    }

    /** Query parameters, decoded; the first of a repeated name wins. */
    static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static void json(HttpExchange exchange, int status, Object tree) throws IOException {
        send(exchange, status, JSON, Json.write(tree).getBytes(StandardCharsets.UTF_8));
    }

    /** An RFC 9457 problem with a specific {@code detail}. */
    static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title);
        p.put("status", BigDecimal.valueOf(status));
        p.put("detail", detail);
        send(exchange, status, PROBLEM_JSON, Json.write(p).getBytes(StandardCharsets.UTF_8));
    }

    /** The first half of {@code body} (at least one byte short of it), as the malformed fault sends. */
    static byte[] truncated(byte[] body) {
        int n = Math.max(0, Math.min(body.length - 1, body.length / 2));
        byte[] half = new byte[n];
        System.arraycopy(body, 0, half, 0, n);
        return half;
    }

    /** Waits out a timeout fault; false if the server is closing. */
    static boolean delay(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
