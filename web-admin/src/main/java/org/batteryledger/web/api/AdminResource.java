package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonNumber;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import org.batteryledger.core.contract.GovernanceAction;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.contract.Proposal;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.service.NodeAdminService;
import org.batteryledger.node.service.ProposalView;
import org.batteryledger.node.service.Receipt;

import java.util.ArrayList;
import java.util.List;
import java.util.EnumSet;
import java.util.Set;
import java.util.Locale;

/**
 * Governance through the registry's system contracts: proposals (register, remove, set role, revoke, set parameter,
 * add agency) signed by this node for its agency, approvals, and transaction outcomes. Role {@code admin}.
 */
@jakarta.enterprise.context.RequestScoped
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "governance")
public class AdminResource {
    @EJB
    private NodeAdminService admin;
    @EJB
    private LedgerService ledger;

    /** A transaction this node signed and submitted: its hash, to follow with {@code GET /admin/transactions/{hash}}. */
    public record Submitted(String txHash, @Schema(enumeration = "accepted") String status) {
    }

    /**
     * A governance proposal, by {@code action}; each action reads the fields it names (the body is checked field by
     * field, with the field's name in the 400 when it is wrong).
     */
    public record ProposalRequest(
            @Schema(required = true, enumeration = {"register-node", "remove-node", "set-role", "revoke", "revoke-agency-ca", "set-parameter",
                    "add-agency", "set-member", "withdraw-valuation", "revoke-signer"}) String action,
            @Schema(description = "register-node, remove-node, set-role; revoke (or serial)") String nodeId,
            @Schema(description = "register-node, set-parameter (the parameter), add-agency (the agency)") String name,
            @Schema(description = "register-node, set-member") String agency,
            @Schema(description = "register-node: the node's public key, hex") String publicKey,
            @Schema(description = "register-node (optional), revoke-agency-ca") String caHash,
            @Schema(description = "register-node (default consensus), set-role", enumeration = {"consensus", "observer"}) String role,
            @Schema(description = "revoke: a certificate serial instead of a node id") String serial,
            @Schema(description = "set-parameter: a whole number") Long value,
            @Schema(description = "add-agency, set-member: manufacturer, charging, recycler, auditor") List<String> kinds,
            @Schema(description = "add-agency, set-member: the parties it answers for") List<String> parties,
            @Schema(description = "withdraw-valuation") String certificateId,
            @Schema(description = "withdraw-valuation (free text); revoke-signer (an RFC 5280 reason: keyCompromise, superseded, ...)") String reason,
            @Schema(description = "revoke-signer: the signer certificate's SHA-256 fingerprint, hex") String fingerprint) {
    }

    /** A proposal with its approvals so far and, once decided, its outcome. */
    public record ProposalSummary(String id, String action, String proposerAgency, List<String> approvals,
                                  @Schema(enumeration = {"open", "executed", "failed"}) String status,
                                  @JsonbNillable String outcome, long createdHeight) {
    }

    /** A committed transaction's outcome; {@code error} only when it failed. */
    public record TransactionOutcome(String hash, long height, boolean ok, String error) {
    }

    @POST
    @Path("proposals")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProposalRequest.class)))
    @APIResponse(responseCode = "202", description = "signed and submitted for this node's agency",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Submitted.class)))
    public Response propose(JsonObject body) {
        GovernanceAction action = action(body);
        return submitted(admin.propose(action));
    }

    @POST
    @Path("proposals/{id}/approvals")
    @APIResponse(responseCode = "202", description = "this node's agency's approval, signed and submitted",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Submitted.class)))
    public Response approve(@PathParam("id") String id) {
        return submitted(admin.approve(hash(id, "proposal id")));
    }

    /**
     * Withdraws an open proposal of this node's agency: it leaves the state (the chain keeps its history), and the agency
     * has room for another under {@code maxOpenProposalsPerAgency}. Checked against this node's state first, so that a
     * proposal that is not there, not open or another agency's is a 404 or 409 at once rather than a failed receipt.
     */
    @DELETE
    @Path("proposals/{id}")
    @APIResponse(responseCode = "202", description = "the withdrawal, signed for this node's agency and submitted",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Submitted.class)))
    @APIResponse(responseCode = "404", description = "no such proposal in this node's state",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "409", description = "the proposal is decided or another agency's, or the chain has no bound on open proposals yet",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "Problem")))
    public Response withdraw(@PathParam("id") String id) {
        Hash proposalId = hash(id, "proposal id");
        NodeAdminService.ProposalOfAgency found = admin.proposal(proposalId)
                .orElseThrow(() -> Problem.notFound("no proposal " + proposalId.hex() + " on node " + ledger.nodeName()));
        // A chain without the bound may still have validators of a version that knows no withdrawal and would refuse
        // every block carrying one: setting the parameter is the consortium's word that they are all upgraded.
        if (found.openBound() == 0) {
            throw Problem.conflict("this chain has no maxOpenProposalsPerAgency yet: withdrawals need every validator on a version that"
                    + " knows them, which the consortium declares by setting that parameter (set-parameter) first");
        }
        Proposal p = found.view().proposal();
        if (p.status() != Proposal.Status.OPEN) {
            throw Problem.conflict("proposal " + proposalId.hex() + " is already " + p.status().name().toLowerCase(Locale.ROOT) + ": only an open one can be withdrawn");
        }
        if (found.ownAgency() == null) {
            throw Problem.conflict("node " + ledger.nodeName() + " is not in the registry: it signs for no agency");
        }
        if (!p.proposerAgency().equals(found.ownAgency())) {
            throw Problem.conflict("proposal " + proposalId.hex() + " is agency " + p.proposerAgency() + "'s: only a node of that agency can withdraw it");
        }
        return submitted(admin.withdraw(proposalId));
    }

    /** Read access for auditors too: governance is what they audit. */
    @GET
    @Path("proposals")
    @RolesAllowed({"admin", "auditor"})
    public List<ProposalSummary> proposals() {
        List<ProposalSummary> out = new ArrayList<>();
        for (ProposalView v : admin.proposals()) {
            Proposal p = v.proposal();
            out.add(new ProposalSummary(v.id(), p.decodedAction().describe(), p.proposerAgency(), List.copyOf(p.approvals()),
                    p.status().name().toLowerCase(Locale.ROOT), p.outcome(), p.createdHeight()));
        }
        return out;
    }

    /** A transaction's outcome once committed: 404 while it is pending. */
    @GET
    @Path("transactions/{hash}")
    public TransactionOutcome transaction(@PathParam("hash") String txHash) {
        Receipt receipt = ledger.receipt(hash(txHash, "transaction hash").hex())
                .orElseThrow(() -> Problem.notFound("transaction " + txHash + " is not committed (yet) on node " + ledger.nodeName()));
        return new TransactionOutcome(txHash, receipt.height(), receipt.ok(), receipt.ok() ? null : receipt.error());
    }

    private static Response submitted(SubmitResult r) {
        if (!r.accepted()) {
            throw Problem.unprocessable(r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + r.reason());
        }
        return Response.accepted(new Submitted(r.txHash().hex(), "accepted")).build();
    }

    private static GovernanceAction action(JsonObject body) {
        String kind = text(body, "action");
        return switch (kind) {
            case "register-node" -> {
                byte[] key = hex(text(body, "publicKey"), "publicKey");
                yield new GovernanceAction.RegisterNode(nodeId(text(body, "nodeId")), text(body, "name"), text(body, "agency"), key,
                        optionalText(body, "caHash", ""), role(optionalText(body, "role", "consensus")));
            }
            case "remove-node" -> new GovernanceAction.RemoveNode(nodeId(text(body, "nodeId")));
            case "set-role" -> new GovernanceAction.SetRole(nodeId(text(body, "nodeId")), role(text(body, "role")));
            case "revoke" -> new GovernanceAction.Revoke(optionalText(body, "nodeId", ""), optionalText(body, "serial", ""));
            case "revoke-agency-ca" -> new GovernanceAction.RevokeAgencyCa(text(body, "caHash"));
            case "set-parameter" -> new GovernanceAction.SetParameter(text(body, "name"), number(body, "value"));
            case "add-agency" -> new GovernanceAction.AddAgency(text(body, "name"), member(body));
            case "set-member" -> new GovernanceAction.SetMember(text(body, "agency"), member(body));
            case "withdraw-valuation" -> new GovernanceAction.WithdrawValuation(text(body, "certificateId"), text(body, "reason"));
            case "revoke-signer" -> new GovernanceAction.RevokeSigner(text(body, "fingerprint"), reason(optionalText(body, "reason", "unspecified")));
            default -> throw Problem.badRequest("unknown action '" + kind + "': one of register-node, remove-node, set-role, revoke, "
                    + "revoke-agency-ca, set-parameter, add-agency, set-member, withdraw-valuation, revoke-signer");
        };
    }

    /** {@code kinds} (manufacturer, charging, recycler, auditor) and {@code parties}: both optional string arrays. */
    private static Member member(JsonObject body) {
        Set<MemberKind> kinds = EnumSet.noneOf(MemberKind.class);
        for (String k : strings(body, "kinds")) {
            try {
                kinds.add(MemberKind.fromLabel(k));
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("kinds: " + e.getMessage());
            }
        }
        Member m = new Member(kinds, strings(body, "parties"));
        if (m.problem() != null) {
            throw Problem.badRequest("parties: " + m.problem());
        }
        return m;
    }

    private static List<String> strings(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof JsonArray a) || a.size() > Member.MAX_PARTIES || a.stream().anyMatch(x -> !(x instanceof JsonString))) {
            throw Problem.badRequest("field '" + field + "' must be an array of at most " + Member.MAX_PARTIES + " strings");
        }
        return a.stream().map(x -> ((JsonString) x).getString()).toList();
    }

    private static String text(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (!(v instanceof JsonString s) || s.getString().isBlank()) {
            throw Problem.badRequest("field '" + field + "' is required and must be a non-empty string");
        }
        return s.getString();
    }

    private static String optionalText(JsonObject o, String field, String fallback) {
        return o.containsKey(field) ? text(o, field) : fallback;
    }

    private static long number(JsonObject o, String field) {
        JsonValue v = o.get(field);
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw Problem.badRequest("field '" + field + "' is required and must be a whole number");
        }
        return n.longValueExact();
    }

    private static org.batteryledger.core.pki.RevocationReason reason(String s) {
        try {
            return org.batteryledger.core.pki.RevocationReason.fromLabel(s);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("reason: " + e.getMessage());
        }
    }

    private static Role role(String s) {
        return switch (s) {
            case "consensus" -> Role.CONSENSUS;
            case "observer" -> Role.OBSERVER;
            default -> throw Problem.badRequest("role must be consensus or observer, not '" + s + "'");
        };
    }

    private static NodeId nodeId(String s) {
        try {
            return new NodeId(s);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        }
    }

    private static Hash hash(String s, String what) {
        try {
            return Hash.fromHex(s);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(what + " must be 64 hex characters: " + e.getMessage());
        }
    }

    private static byte[] hex(String s, String what) {
        try {
            return Hex.decode(s);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(what + " must be hex: " + e.getMessage());
        }
    }
}
