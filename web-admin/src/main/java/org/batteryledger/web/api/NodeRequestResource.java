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
import jakarta.json.bind.annotation.JsonbNillable;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.onboarding.NodeRequests;

import java.util.List;
import java.util.Locale;

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

    /** A node's certificate signing request, PEM. */
    public record CsrRequest(@Schema(required = true) String csrPem) {
    }

    /** A prepared node's CSR and the certificate its agency CA issued for it; {@code role} consensus (default) or observer. */
    public record RegistrationRequest(@Schema(required = true) String csrPem, @Schema(required = true) String certificatePem,
                                      @Schema(enumeration = {"consensus", "observer"}) String role) {
    }

    /** Who a CSR is for, and the command that has the agency CA sign it. */
    public record CsrView(String nodeId, String name, String agency, String publicKey, String signCommand) {
    }

    /** The registration proposed for this node's agency: the node, its CA's hash, the transaction. */
    public record Proposed(String nodeId, String name, String agency, String publicKey, String caHash, String txHash, String role) {
    }

    /** The registration proposal's state. */
    public record ProposalState(String id, @Schema(enumeration = {"open", "executed", "failed"}) String status, String proposerAgency,
                                List<String> approvals, @JsonbNillable String outcome) {
    }

    /** The registered node's part in consensus. */
    public record Registered(String name, long blockNumber, String role, double participation, double recentParticipation, String status) {
    }

    /** How far the add-node flow got: proposed, registered, linked to this node, signing commit certificates. */
    public record Progress(String nodeId, ProposalState proposal, Registered registered, boolean linked, boolean sealed) {
    }

    /** Body {csrPem}: who the CSR is for, and the command that has the agency CA sign it. */
    @POST
    @Path("csr")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CsrRequest.class)))
    public CsrView csr(JsonObject body) {
        NodeRequests.Request r = requests.read(text(body, "csrPem"));
        return new CsrView(r.nodeId().value(), r.name(), r.agency(), Hex.encode(r.publicKey()),
                "./consortium sign-csr --agency " + r.agency() + " --name " + r.name());
    }

    /** Body {csrPem, certificatePem, role}: checks both and proposes the registration for this node's agency. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RegistrationRequest.class)))
    @APIResponse(responseCode = "202", description = "the registration proposed for this node's agency",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Proposed.class)))
    public Response propose(JsonObject body) {
        Role role = switch (body.containsKey("role") ? text(body, "role") : "consensus") {
            case "consensus" -> Role.CONSENSUS;
            case "observer" -> Role.OBSERVER;
            default -> throw Problem.badRequest("role must be consensus or observer");
        };
        NodeRequests.Proposed p = requests.propose(text(body, "csrPem"), text(body, "certificatePem"), role);
        NodeRequests.Request r = p.request();
        return Response.accepted(new Proposed(r.nodeId().value(), r.name(), r.agency(), Hex.encode(r.publicKey()), p.caHash(), p.txHash(),
                role.label())).build();
    }

    @GET
    @Path("{nodeId}")
    public Progress progress(@PathParam("nodeId") String id) {
        NodeId nodeId;
        try {
            nodeId = new NodeId(id);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        }
        NodeRequests.Progress p = requests.progress(nodeId);
        ProposalState proposal = p.proposal().map(v -> new ProposalState(v.id(), v.proposal().status().name().toLowerCase(Locale.ROOT),
                v.proposal().proposerAgency(), List.copyOf(v.proposal().approvals()), v.proposal().outcome())).orElse(null);
        Registered registered = p.registered().map(v -> new Registered(v.node().name(), v.node().blockNumber(), v.node().role().label(),
                v.participation(), v.recentParticipation(), v.status().label())).orElse(null);
        return new Progress(nodeId.value(), proposal, registered, p.link().map(l -> l.connected()).orElse(false),
                p.registered().map(v -> v.recentParticipation() > 0).orElse(false));
    }

    private static String text(JsonObject o, String field) {
        if (!(o.get(field) instanceof JsonString s) || s.getString().isBlank()) {
            throw Problem.badRequest("field '" + field + "' is required and must be a non-empty string");
        }
        return s.getString();
    }
}
