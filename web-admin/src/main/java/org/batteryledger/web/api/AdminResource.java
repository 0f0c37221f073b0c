package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.json.JsonNumber;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.EnumSet;
import java.util.Set;
import java.util.Locale;
import java.util.Map;

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

    @POST
    @Path("proposals")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response propose(JsonObject body) {
        GovernanceAction action = action(body);
        return submitted(admin.propose(action));
    }

    @POST
    @Path("proposals/{id}/approvals")
    public Response approve(@PathParam("id") String id) {
        return submitted(admin.approve(hash(id, "proposal id")));
    }

    /** Read access for auditors too: governance is what they audit. */
    @GET
    @Path("proposals")
    @RolesAllowed({"admin", "auditor"})
    public List<Map<String, Object>> proposals() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProposalView v : admin.proposals()) {
            Proposal p = v.proposal();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", v.id());
            m.put("action", p.decodedAction().describe());
            m.put("proposerAgency", p.proposerAgency());
            m.put("approvals", p.approvals());
            m.put("status", p.status().name().toLowerCase(Locale.ROOT));
            m.put("outcome", p.outcome());
            m.put("createdHeight", p.createdHeight());
            out.add(m);
        }
        return out;
    }

    /** A transaction's outcome once committed: 404 while it is pending. */
    @GET
    @Path("transactions/{hash}")
    public Map<String, Object> transaction(@PathParam("hash") String txHash) {
        Receipt receipt = ledger.receipt(hash(txHash, "transaction hash").hex())
                .orElseThrow(() -> Problem.notFound("transaction " + txHash + " is not committed (yet) on node " + ledger.nodeName()));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hash", txHash);
        m.put("height", receipt.height());
        m.put("ok", receipt.error() == null);
        if (!receipt.ok()) {
            m.put("error", receipt.error());
        }
        return m;
    }

    private static Response submitted(SubmitResult r) {
        if (!r.accepted()) {
            throw Problem.unprocessable(r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + r.reason());
        }
        return Response.accepted(Map.of("txHash", r.txHash().hex(), "status", "accepted")).build();
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
