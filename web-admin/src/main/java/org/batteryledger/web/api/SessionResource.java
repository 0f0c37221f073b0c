package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.web.console.ConsoleSecurity;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is logged in, on which node, with which roles; for a console (FORM) session also the CSRF token its scripts send
 * with every change. The roles decide what the console offers; the server checks them again on every action.
 */
@jakarta.enterprise.context.RequestScoped
@Path("/session")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "session")
public class SessionResource {
    private static final List<String> ROLES = List.of("admin", "recycler", "auditor", "manufacturer", "charging");

    @EJB
    private LedgerService ledger;
    @Context
    private HttpServletRequest request;

    /** The user, roles and node; {@code csrfToken} only for a console (FORM) session. */
    public record Session(String user, List<String> roles, String node, String nodeId, String suite, String csrfToken) {
    }

    @GET
    public Session session() {
        List<String> roles = new ArrayList<>();
        for (String role : ROLES) {
            if (request.isUserInRole(role)) {
                roles.add(role);
            }
        }
        String csrf = "FORM".equals(request.getAuthType()) ? ConsoleSecurity.csrfToken(request.getSession()) : null;
        return new Session(request.getUserPrincipal().getName(), roles, ledger.nodeName(), ledger.nodeId().value(), ledger.suite().id(), csrf);
    }
}
