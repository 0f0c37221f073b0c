package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.Proposal;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.onboarding.NodeRequests;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The console's add-node flow (role admin): read a CSR, propose the registration once the agency CA has issued the
 * certificate, and follow the request through proposal, approvals, registration, link and first seal.
 */
@jakarta.enterprise.context.RequestScoped
@Path("/admin/node-requests")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "onboarding")
public class NodeRequestResource {
    @EJB
    private NodeRequests requests;

    /** Body {csrPem}: who the CSR is for, and the command that has the agency CA sign it. */
    @POST
    @Path("csr")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> csr(JsonObject body) {
        NodeRequests.Request r = requests.read(text(body, "csrPem"));
        Map<String, Object> m = view(r);
        m.put("signCommand", "./consortium sign-csr --agency " + r.agency() + " --name " + r.name());
        return m;
    }

    /** Body {csrPem, certificatePem, role}: checks both and proposes the registration for this node's agency. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response propose(JsonObject body) {
        Role role = switch (body.containsKey("role") ? text(body, "role") : "consensus") {
            case "consensus" -> Role.CONSENSUS;
            case "observer" -> Role.OBSERVER;
            default -> throw Problem.badRequest("role must be consensus or observer");
        };
        NodeRequests.Proposed p = requests.propose(text(body, "csrPem"), text(body, "certificatePem"), role);
        Map<String, Object> m = view(p.request());
        m.put("caHash", p.caHash());
        m.put("txHash", p.txHash());
        m.put("role", role.label());
        return Response.accepted(m).build();
    }

    @GET
    @Path("{nodeId}")
    public Map<String, Object> progress(@PathParam("nodeId") String id) {
        NodeId nodeId;
        try {
            nodeId = new NodeId(id);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        }
        NodeRequests.Progress p = requests.progress(nodeId);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodeId", nodeId.value());
        p.proposal().ifPresent(v -> {
            Proposal pr = v.proposal();
            Map<String, Object> proposal = new LinkedHashMap<>();
            proposal.put("id", v.id());
            proposal.put("status", pr.status().name().toLowerCase(Locale.ROOT));
            proposal.put("proposerAgency", pr.proposerAgency());
            proposal.put("approvals", pr.approvals());
            proposal.put("outcome", pr.outcome());
            m.put("proposal", proposal);
        });
        p.registered().ifPresent(v -> {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("name", v.node().name());
            node.put("blockNumber", v.node().blockNumber());
            node.put("role", v.node().role().label());
            node.put("participation", v.participation());
            node.put("recentParticipation", v.recentParticipation());
            node.put("status", v.status().label());
            m.put("registered", node);
        });
        m.put("linked", p.link().map(l -> l.connected()).orElse(false));
        m.put("sealed", p.registered().map(v -> v.recentParticipation() > 0).orElse(false));
        return m;
    }

    private static Map<String, Object> view(NodeRequests.Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodeId", r.nodeId().value());
        m.put("name", r.name());
        m.put("agency", r.agency());
        m.put("publicKey", Hex.encode(r.publicKey()));
        return m;
    }

    private static String text(JsonObject o, String field) {
        if (!(o.get(field) instanceof JsonString s) || s.getString().isBlank()) {
            throw Problem.badRequest("field '" + field + "' is required and must be a non-empty string");
        }
        return s.getString();
    }
}
