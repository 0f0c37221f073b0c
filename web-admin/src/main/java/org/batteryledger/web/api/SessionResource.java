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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    @GET
    public Map<String, Object> session() {
        List<String> roles = new ArrayList<>();
        for (String role : ROLES) {
            if (request.isUserInRole(role)) {
                roles.add(role);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", request.getUserPrincipal().getName());
        m.put("roles", roles);
        m.put("node", ledger.nodeName());
        m.put("nodeId", ledger.nodeId().value());
        m.put("suite", ledger.suite().id());
        if ("FORM".equals(request.getAuthType())) {
            m.put("csrfToken", ConsoleSecurity.csrfToken(request.getSession()));
        }
        return m;
    }
}
