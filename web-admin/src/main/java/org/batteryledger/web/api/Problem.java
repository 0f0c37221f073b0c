package org.batteryledger.web.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * RFC 9457 problem details: every error the API returns says specifically what is wrong, and never names an
 * exception's class or carries a stack trace: a detail that would ({@link ProblemText#speaksJava}) keeps only what a
 * person wrote before it and a reference under which the node logged the whole text.
 */
public final class Problem {
    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");
    private static final Logger LOG = Logger.getLogger(Problem.class.getName());

    private Problem() {
    }

    public static Response response(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(body(status, title, detail)).build();
    }

    /** The problem document itself, for answers written outside JAX-RS (servlets and filters). */
    public static Map<String, Object> body(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", ProblemText.speaksJava(title) ? "HTTP " + status : title);
        body.put("status", status);
        body.put("detail", safeDetail(status, detail));
        return body;
    }

    /**
     * The detail as given, or its human part and a reference to the full text in the node's log.
     *
     * @param what the status or fault code, for the log
     */
    public static String safeDetail(Object what, String detail) {
        if (!ProblemText.speaksJava(detail)) {
            return detail;
        }
        String reference = reference();
        LOG.warning("problem " + reference + " (" + what + "), its detail in full: " + detail);
        String human = ProblemText.humanPart(detail);
        return (human != null ? human : "the request failed") + " (the node logged the details as " + reference + ")";
    }

    /** A correlation id for the node's log: random, short enough to read out. */
    public static String reference() {
        return "ref-" + UUID.randomUUID().toString().substring(0, 13).replace("-", "");
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
