package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordProof;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.exchange.RecordVerification;
import org.batteryledger.node.records.ProofService;
import org.batteryledger.routes.intake.RecordIntake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Battery records pushed by enterprises, and their proofs. A submission is a JSON array; every record gets an answer
 * (accepted with its hash, or rejected with a specific reason and kept in the dead-letter store). Manufacturers send
 * battery records, charging companies sessions; {@code admin} may send both.
 */
@RequestScoped
@Path("/records")
@Produces(MediaType.APPLICATION_JSON)
public class RecordResource {
    @EJB
    private RecordIntake intake;
    @EJB
    private ProofService proofs;
    @EJB
    private RecordVerification verification;
    @Context
    private SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"manufacturer", "charging", "admin"})
    public Response submit(String body) {
        Object parsed;
        try {
            parsed = Json.parse(body == null ? "" : body);
        } catch (JsonException e) {
            throw Problem.badRequest("malformed JSON: " + e.getMessage());
        }
        if (!(parsed instanceof List<?> list)) {
            throw Problem.badRequest("the body is a JSON array of records, not a single value; wrap one record in [ ]");
        }
        if (list.isEmpty()) {
            throw Problem.badRequest("the array holds no records");
        }
        if (list.size() > Intake.MAX_RECORDS_PER_SUBMISSION) {
            throw new jakarta.ws.rs.WebApplicationException(Problem.response(413, "Content Too Large", "a submission holds at most "
                    + Intake.MAX_RECORDS_PER_SUBMISSION + " records, this one " + list.size() + "; nothing was stored, split it"));
        }
        Set<String> allowed = new TreeSet<>();
        if (security.isUserInRole("manufacturer") || security.isUserInRole("admin")) {
            allowed.add("battery");
        }
        if (security.isUserInRole("charging") || security.isUserInRole("admin")) {
            allowed.add("session");
        }
        List<Map<String, Object>> accepted = new ArrayList<>();
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (Outcome o : intake.submit(list, "rest:" + security.getUserPrincipal().getName(), allowed)) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (o instanceof Outcome.Accepted a) {
                m.put("recordId", a.recordId());
                m.put("hash", a.hash());
                if (a.duplicate()) {
                    m.put("duplicate", true);
                }
                accepted.add(m);
            } else if (o instanceof Outcome.Rejected r) {
                m.put("index", r.index());
                m.put("recordId", r.recordId());
                m.put("reason", r.reason());
                rejected.add(m);
            } else {
                throw new AssertionError(o);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", accepted);
        out.put("rejected", rejected);
        return Response.accepted(out).build();
    }

    /** The record as this node stores it, and whether it still matches what the chain anchored. */
    @GET
    @Path("{recordId}")
    public Map<String, Object> record(@PathParam("recordId") String recordId) {
        ProofService.StoredRecord s;
        try {
            s = proofs.stored(recordId);
        } catch (ProofService.NoProof e) {
            throw Problem.notFound(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recordId", s.recordId());
        Object record;
        try {
            record = Json.parse(s.canonicalJson());
        } catch (JsonException e) {
            record = s.canonicalJson();
        }
        out.put("record", record);
        out.put("source", s.source());
        out.put("valid", s.verification().valid());
        out.put("reason", s.verification().reason());
        return out;
    }

    @GET
    @Path("{recordId}/proof")
    public Map<String, Object> proof(@PathParam("recordId") String recordId) {
        try {
            return view(proofs.evidence(recordId));
        } catch (ProofService.NoProof e) {
            throw Problem.notFound(e.getMessage());
        }
    }

    @POST
    @Path("verify")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> verify(String body) {
        ProofService.Verification v;
        try {
            v = verification.verify(body == null ? "" : body);
        } catch (InvalidInput e) {
            throw Problem.badRequest(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", v.valid());
        out.put("reason", v.reason());
        out.put("proof", v.evidence() == null ? null : view(v.evidence()));
        return out;
    }

    /** The proof in CONTRACT.md's shape, plus {@code evidence}: the hex encoding for offline verification. */
    static Map<String, Object> view(AnchorEvidence e) {
        RecordProof p = e.proof();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordHash", p.recordHash().hex());
        m.put("leafIndex", p.path().leafIndex());
        m.put("treeSize", p.path().treeSize());
        m.put("auditPath", p.path().auditPath().stream().map(Hash::hex).toList());
        m.put("batchRoot", p.batchRoot().hex());
        m.put("blockHeight", p.blockHeight());
        m.put("txHash", p.txHash().hex());
        m.put("evidence", Hex.encode(e.encode()));
        return m;
    }
}
