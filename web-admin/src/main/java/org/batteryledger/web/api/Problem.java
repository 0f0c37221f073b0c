package org.batteryledger.web.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details: every error the API returns says specifically what is wrong. */
public final class Problem {
    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    private Problem() {
    }

    public static Response response(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(body(status, title, detail)).build();
    }

    /** The problem document itself, for answers written outside JAX-RS (servlets and filters). */
    public static Map<String, Object> body(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        return body;
    }

    public static WebApplicationException badRequest(String detail) {
        return new WebApplicationException(response(400, "Bad Request", detail));
    }

    public static WebApplicationException notFound(String detail) {
        return new WebApplicationException(response(404, "Not Found", detail));
    }

    public static WebApplicationException conflict(String detail) {
        return new WebApplicationException(response(409, "Conflict", detail));
    }

    public static WebApplicationException unprocessable(String detail) {
        return new WebApplicationException(response(422, "Unprocessable Content", detail));
    }
}
