package org.batteryledger.web.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns every exception into problem+json; unexpected ones are logged (without request bodies) and answered 500. */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException w) {
            Response r = w.getResponse();
            if (Problem.MEDIA_TYPE.isCompatible(r.getMediaType())) {
                return r;
            }
            return Problem.response(r.getStatus(), r.getStatusInfo().getReasonPhrase(), w.getMessage());
        }
        // The node's answers that are the caller's to act on (EJB application exceptions arrive as thrown).
        if (e instanceof org.batteryledger.node.records.InvalidInput) {
            return Problem.response(400, "Bad Request", e.getMessage());
        }
        if (e instanceof org.batteryledger.node.records.NotHeld) {
            return Problem.response(404, "Not Found", e.getMessage());
        }
        if (e instanceof org.batteryledger.node.valuation.CannotValue) {
            return Problem.response(409, "Conflict", e.getMessage());
        }
        if (e instanceof jakarta.json.JsonException || e instanceof jakarta.json.bind.JsonbException) {
            return Problem.response(400, "Bad Request", "malformed JSON: " + e.getMessage());
        }
        LOG.log(Level.WARNING, "request failed", e);
        return Problem.response(500, "Internal Server Error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
