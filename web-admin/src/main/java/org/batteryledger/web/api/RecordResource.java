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
import jakarta.json.bind.annotation.JsonbNillable;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

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
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "records")
public class RecordResource {
    @EJB
    private RecordIntake intake;
    @EJB
    private ProofService proofs;
    @EJB
    private RecordVerification verification;
    @Context
    private SecurityContext security;

    /**
     * A record taken, by its position in the submitted array: its id and canonical hash; {@code duplicate} when this very
     * record was taken before.
     */
    public record Accepted(int index, String recordId, String hash, Boolean duplicate) {
    }

    /** A record refused, by its position in the submitted array, with the reason ({@code recordId} null when it had none). */
    @JsonbNillable
    public record Rejected(int index, String recordId, String reason) {
    }

    /** Every record of a submission answered: the ones taken, the ones refused (kept in the dead-letter store). */
    public record Submission(List<Accepted> accepted, List<Rejected> rejected) {
    }

    /**
     * An inclusion proof in CONTRACT.md's shape (RFC 6962 audit path up to the batch root the chain anchored at
     * {@code blockHeight}), plus {@code evidence}: the same with the block's commit certificate, hex, for offline checks.
     */
    public record Proof(String recordHash, long leafIndex, long treeSize, List<String> auditPath, String batchRoot, long blockHeight,
                        String txHash, String evidence) {
    }

    /** A record's verification: whether the record is one a member anchored, why, and its proof when it is. */
    @JsonbNillable
    public record RecordVerdict(boolean valid, String reason, Proof proof) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"manufacturer", "charging", "admin"})
    @RequestBody(required = true, description = "a JSON array of at most " + Intake.MAX_RECORDS_PER_SUBMISSION + " records: battery master "
            + "records (type battery, from manufacturers) and charging sessions (type session, from charging companies); see CONTRACT.md",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY,
                    implementation = SubmittedRecord.class, maxItems = Intake.MAX_RECORDS_PER_SUBMISSION, minItems = 1)))
    @APIResponse(responseCode = "202", description = "every record answered: taken or refused, nothing half-applied",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Submission.class)))
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "submitRecords", summary = "Submit battery records (as the WSDL's submitRecords)")
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
        List<Accepted> accepted = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (Outcome o : intake.submit(list, "rest:" + security.getUserPrincipal().getName(), allowed)) {
            if (o instanceof Outcome.Accepted a) {
                accepted.add(new Accepted(a.index(), a.recordId(), a.hash(), a.duplicate() ? Boolean.TRUE : null));
            } else if (o instanceof Outcome.Rejected r) {
                rejected.add(new Rejected(r.index(), r.recordId(), r.reason()));
            } else {
                throw new AssertionError(o);
            }
        }
        return Response.accepted(new Submission(accepted, rejected)).build();
    }

    /** The record as this node stores it, and whether it still matches what the chain anchored. */
    @GET
    @Path("{recordId}")
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "getRecord", summary = "A record as this node stores it")
    @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", description = "the record and its check",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StoredRecord.class)))
    public Response record(@PathParam("recordId") String recordId) {
        ProofService.StoredRecord s;
        try {
            s = proofs.stored(recordId);
        } catch (ProofService.NoProof e) {
            throw Problem.notFound(e.getMessage());
        }
        Object record;
        try {
            record = Json.parse(s.canonicalJson());
        } catch (JsonException e) {
            record = s.canonicalJson();
        }
        StoredRecord view = new StoredRecord(s.recordId(), record, s.source(), s.verification().valid(), s.verification().reason());
        // The core's writer: the record's numbers and nulls exactly as stored (what its anchored hash covers).
        return Response.ok(Json.write(ResponseTrees.tree(view)), MediaType.APPLICATION_JSON).build();
    }

    /** A record as this node stores it ({@code source}: pushed or pulled, from whom) and whether it still matches its anchor. */
    public record StoredRecord(String recordId,
                               @Schema(description = "the record's canonical JSON (BatteryRecord or SessionRecord)") Object record,
                               String source, boolean valid, @JsonbNillable String reason) {
    }

    @GET
    @Path("{recordId}/proof")
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "getProof", summary = "A record's inclusion proof")
    public Proof proof(@PathParam("recordId") String recordId) {
        try {
            return view(proofs.evidence(recordId));
        } catch (ProofService.NoProof e) {
            throw Problem.notFound(e.getMessage());
        }
    }

    @POST
    @Path("verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, description = "one record, as it was submitted (any JSON formatting)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SubmittedRecord.class)))
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "verifyRecord", summary = "Verify a record (as the WSDL's verifyRecord)")
    public RecordVerdict verify(String body) {
        ProofService.Verification v;
        try {
            v = verification.verify(body == null ? "" : body);
        } catch (InvalidInput e) {
            throw Problem.badRequest(e.getMessage());
        }
        return new RecordVerdict(v.valid(), v.reason(), v.evidence() == null ? null : view(v.evidence()));
    }

    /** The proof in CONTRACT.md's shape, plus {@code evidence}: the hex encoding for offline verification. */
    static Proof view(AnchorEvidence e) {
        RecordProof p = e.proof();
        return new Proof(p.recordHash().hex(), p.path().leafIndex(), p.path().treeSize(), p.path().auditPath().stream().map(Hash::hex).toList(),
                p.batchRoot().hex(), p.blockHeight(), p.txHash().hex(), Hex.encode(e.encode()));
    }
}
