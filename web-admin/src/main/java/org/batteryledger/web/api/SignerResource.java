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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.batteryledger.core.contract.SignerRecord;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.core.pki.RevocationReason;
import org.batteryledger.node.valuation.SignerRegistration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The document signers the chain knows (the keys valuation certificates are signed with): each with its node, serial
 * and standing, its certificate (DER), and the revocation of one of this node's agency (role admin), with an RFC 5280
 * reason. A rotation needs no call: a node registers its new signer before it signs with it.
 */
@jakarta.enterprise.context.RequestScoped
@Path("/signers")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "signers")
public class SignerResource {
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    @EJB
    private SignerRegistration signers;

    /**
     * A signer as listed: {@code status} is current (its node's newest), retired (a newer one replaced it at block
     * {@code retiredHeight}, made at {@code retiredAt}) or revoked (at {@code revokedHeight}/{@code revokedAt}, for
     * {@code reason}, an RFC 5280 reason name): the times a CRL entry and a validator need.
     */
    public record Signer(String fingerprint, String nodeId, String agency, String serial, String status, long registeredHeight,
                         Long retiredHeight, String retiredAt, String retiredBy, Long revokedHeight, String revokedAt, String reason) {
    }

    private Signer signer(String fingerprint, SignerRecord r) {
        String status = r.revoked() ? "revoked" : r.retired() ? "retired" : "current";
        return new Signer(fingerprint, r.node().value(), r.agency(), r.serial(), status, r.registeredHeight(),
                r.retired() ? r.retiredHeight() : null, r.retired() ? signers.blockTime(r.retiredHeight()).toString() : null,
                r.retired() ? r.retiredBy() : null, r.revoked() ? r.revokedHeight() : null,
                r.revoked() ? signers.blockTime(r.revokedHeight()).toString() : null, r.revoked() ? r.reason().label() : null);
    }

    @GET
    public List<Signer> list(@QueryParam("nodeId") String nodeId, @QueryParam("agency") String agency) {
        List<Signer> out = new ArrayList<>();
        signers.all().forEach((fp, r) -> {
            if ((nodeId == null || nodeId.equals(r.node().value())) && (agency == null || agency.equals(r.agency()))) {
                out.add(signer(fp, r));
            }
        });
        return out;
    }

    @GET
    @Path("{fingerprint}")
    public Signer one(@PathParam("fingerprint") String fingerprint) {
        return signer(checked(fingerprint), record(fingerprint));
    }

    /** The signer's X.509 certificate as registered (DER), for validators that build their own chain. */
    @GET
    @Path("{fingerprint}/certificate")
    @Produces("application/pkix-cert")
    public byte[] certificate(@PathParam("fingerprint") String fingerprint) {
        return record(checked(fingerprint)).certificate();
    }

    /** Body {@code {"reason":"keyCompromise"}} (an RFC 5280 reason name; unspecified when absent): 202 with the transaction. */
    @POST
    @Path("{fingerprint}/revocation")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed("admin")
    public Response revoke(@PathParam("fingerprint") String fingerprint, JsonObject body) {
        SignerRecord r = record(checked(fingerprint));
        RevocationReason reason = RevocationReason.UNSPECIFIED;
        if (body != null && body.containsKey("reason")) {
            if (!(body.get("reason") instanceof JsonString s)) {
                throw Problem.badRequest("field 'reason' must be one of " + RevocationReason.labels());
            }
            try {
                reason = RevocationReason.fromLabel(s.getString());
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest(e.getMessage());
            }
        }
        if (r.revoked()) {
            throw Problem.conflict("document signer " + fingerprint + " is already revoked (" + r.reason().label() + ")");
        }
        SubmitResult submitted = signers.revoke(fingerprint, reason);
        if (!submitted.accepted()) {
            throw Problem.unprocessable(submitted.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + submitted.reason());
        }
        return Response.accepted(new AdminResource.Submitted(submitted.txHash().hex(), "accepted")).build();
    }

    private static String checked(String fingerprint) {
        if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw Problem.badRequest("a signer's fingerprint is 64 lowercase hex characters (the hash of its certificate)");
        }
        return fingerprint;
    }

    private SignerRecord record(String fingerprint) {
        return signers.find(fingerprint).orElseThrow(() -> Problem.notFound("no document signer " + fingerprint + " on chain"));
    }
}
