package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.availability.WriteGate;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every exception into problem+json with a specific detail about the request, never an exception's class or a
 * stack trace. The node's own answers to the caller keep their words; what the JAX-RS runtime raises is described by
 * {@link ProblemText#ofServer}; anything unexpected is a 500 whose detail gives a reference under which the node
 * logged the failure with its stack trace (never the request body). A write refused while the store cannot keep it,
 * and a read that failed while the database does not answer, are 503 with {@code Retry-After}: the node's condition,
 * which passes, not a fault in the request.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());
    @Context
    private UriInfo uri;
    @Context
    private Request request;
    @Context
    private HttpHeaders headers;
    @EJB
    private WriteGate gate;

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException w) {
            Response r = w.getResponse();
            if (Problem.MEDIA_TYPE.isCompatible(r.getMediaType())) {
                return r; // a resource's own problem (Problem.badRequest ...): its detail was made safe when it was built
            }
            if (r.getStatus() >= 500) {
                ProblemText.Text t = unexpected(w, method(), path());
                return Problem.response(t.status(), t.title(), t.detail());
            }
            ProblemText.Text t = ProblemText.ofServer(r.getStatus(), r.getStatusInfo().getReasonPhrase(), w.getMessage(), w.getCause(),
                    method(), path(), r.getHeaderString("Allow"), header(HttpHeaders.CONTENT_TYPE), header(HttpHeaders.ACCEPT));
            return Problem.response(t.status(), t.title(), t.detail());
        }
        if (e instanceof Unavailable u) {
            return unavailable(u.getMessage());
        }
        ProblemText.Text t = known(e, method(), path());
        if (t == null && gate != null && fromTheStore(e) && databaseDown()) {
            // Not a fault of the node's code: no stack trace per failed read while the database is away (the gate logs it once).
            LOG.log(Level.FINE, e, () -> method() + " " + path() + " failed while the database was away");
            return unavailable("the node cannot answer " + method() + " " + path() + " now: " + gate.last().database());
        }
        t = t != null ? t : unexpected(e, method(), path());
        return Problem.response(t.status(), t.title(), t.detail());
    }

    /** Whether the failure came out of the database layer (JDBC, the pool, JPA or Hibernate, a transaction). */
    static boolean fromTheStore(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String n = c.getClass().getName();
            if (c instanceof java.sql.SQLException || n.startsWith("jakarta.persistence.") || n.startsWith("org.hibernate.")
                    || n.startsWith("jakarta.resource.") || n.startsWith("jakarta.transaction.") || n.startsWith("jakarta.ejb.EJBTransaction")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the failure came with the database gone: what the gate saw last, or (a first sign) a fresh look. */
    private boolean databaseDown() {
        return gate.last().database() != null || gate.look().database() != null;
    }

    private static Response unavailable(String detail) {
        return Response.fromResponse(Problem.response(503, "Service Unavailable", detail))
                .header("Retry-After", Unavailable.RETRY_AFTER_SECONDS).build();
    }

    /** Any other exception: the node's answers to the caller as they are, anything unexpected a 500 with a reference. */
    static ProblemText.Text describe(Throwable e, String method, String path) {
        ProblemText.Text t = known(e, method, path);
        return t != null ? t : unexpected(e, method, path);
    }

    /** The node's answers that are the caller's to act on (EJB application exceptions arrive as thrown); else null. */
    private static ProblemText.Text known(Throwable e, String method, String path) {
        if (e instanceof org.batteryledger.node.records.InvalidInput) {
            return new ProblemText.Text(400, "Bad Request", e.getMessage());
        }
        if (e instanceof org.batteryledger.node.records.NotHeld) {
            return new ProblemText.Text(404, "Not Found", e.getMessage());
        }
        if (e instanceof org.batteryledger.node.valuation.CannotValue) {
            return new ProblemText.Text(409, "Conflict", e.getMessage());
        }
        if (e instanceof jakarta.ejb.EJBAccessException) {
            return new ProblemText.Text(403, "Forbidden", "the user's roles do not allow " + method + " " + path);
        }
        if (e instanceof jakarta.json.JsonException || e instanceof jakarta.json.bind.JsonbException) {
            return new ProblemText.Text(400, "Bad Request", ProblemText.malformedJson(e));
        }
        return null;
    }

    /** A failure of the node's own: logged with its stack trace under a reference the answer gives, nothing else said. */
    static ProblemText.Text unexpected(Throwable e, String method, String path) {
        String reference = Problem.reference();
        LOG.log(Level.SEVERE, "request " + reference + " failed: " + method + " " + path, e);
        return new ProblemText.Text(500, "Internal Server Error", "the node could not answer " + method + " " + path
                + ": an unexpected failure, logged on the node as " + reference);
    }

    private String method() {
        return request == null ? "the request" : request.getMethod();
    }

    private String path() {
        return uri == null ? "" : uri.getRequestUri().getRawPath();
    }

    private String header(String name) {
        return headers == null ? null : headers.getHeaderString(name);
    }
}
