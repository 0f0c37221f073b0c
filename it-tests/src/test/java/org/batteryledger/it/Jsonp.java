package org.batteryledger.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

import java.io.StringReader;

/**
 * A reply's body read by jakarta.json (Parsson), the binding the server writes with:
 * {@code node.get("auditor", "/chain").as(Jsonp::object)}.
 */
public final class Jsonp {
    private Jsonp() {
    }

    public static JsonStructure structure(String body) {
        try (var r = Json.createReader(new StringReader(body))) {
            return r.read();
        }
    }

    public static JsonObject object(String body) {
        return structure(body).asJsonObject();
    }
}
