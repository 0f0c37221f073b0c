package org.batteryledger.web.api;

import jakarta.json.bind.annotation.JsonbNillable;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.valuation.certificate.CertificateInputs;
import org.batteryledger.core.valuation.certificate.EvidenceBundle;
import org.batteryledger.node.valuation.RecentValuations;
import org.batteryledger.node.valuation.ValuationEvidence;
import org.batteryledger.node.valuation.ValuationService;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Valuation certificates: issue ({@code recycler} or {@code admin}), fetch as JSON, CMS or PDF, and verify (anyone
 * authenticated). The JSON form is the exact signed document, so its SHA-256 is the hash registered on chain.
 */
@RequestScoped
@Path("/valuations")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "valuations")
public class ValuationResource {
    public static final String CMS = "application/pkcs7-mime";
    public static final String PDF = "application/pdf";

    @EJB
    private ValuationService valuations;
    @EJB
    private RecentValuations recent;
    @EJB
    private ValuationEvidence evidence;
    @EJB
    private org.batteryledger.node.fleet.FleetIndex fleet;
    @EJB
    private org.batteryledger.node.service.LedgerService ledger;
    @Context
    private UriInfo uri;

    /** What a valuation asks for: the battery, and whether a certificate may say its evidence was incomplete. */
    public record IssueRequest(@Schema(required = true, examples = "036VAL0B1A2C3D4E5F000001") String batteryCode, Boolean partial) {
    }

    /**
     * Where a certificate stands on chain: {@code registered} (with block, transaction, agency and what superseded it),
     * {@code submitted} (on its way), {@code refused} (with the chain's error) or {@code unknown}; absent fields are null.
     */
    @JsonbNillable
    public record Registration(String status, String certificateHash, Long blockHeight, String txHash, String agency, String supersededBy,
                               String error) {
        static Registration of(ValuationService.Registration r) {
            return new Registration(r.status(), r.certificateHash(), r.blockHeight(), r.txHash(), r.agency(), r.supersededBy(), r.error());
        }
    }

    /** A certificate just issued: its id and hash (what the chain registers), the registration, the signed document. */
    public record Issued(String certificateId, String batteryCode, String certificateHash, Registration registration,
                         @Schema(description = "the certificate's JSON document, as signed (GET /valuations/{id} gives its exact bytes)")
                         jakarta.json.JsonObject certificate) {
    }

    /** One of this node's certificates as listed: its headline figures (as the certificate states them) and registration. */
    public record Listed(String certificateId, String batteryCode, String issuedAt, JsonValue stateOfHealth, JsonValue status,
                         JsonValue residualValue, boolean current, Registration registration) {
    }

    /**
     * A verification: {@code valid} when the signature (or the signed copy this node holds) and the chain agree, with the
     * reason either way; what the certificate is, once it could be read; where the chain registered it. Absent fields are null.
     */
    @JsonbNillable
    public record Verification(boolean valid, String reason, String certificateId, String batteryCode, String signer, Boolean current,
                               String supersededBy, Registration registration) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({"recycler", "admin"})
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IssueRequest.class)))
    @APIResponse(responseCode = "201", description = "issued, and registered on chain",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Issued.class)))
    @APIResponse(responseCode = "202", description = "issued; its registration is on its way to a block (see registration.status)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Issued.class)))
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "issueValuation", summary = "Value a battery and issue a signed certificate (as the WSDL's issueValuation)")
    public Response issue(JsonObject body) {
        if (!(body.get("batteryCode") instanceof JsonString code) || code.getString().isBlank()) {
            throw Problem.badRequest("field 'batteryCode' is required and must be a non-empty string");
        }
        JsonValue partial = body.getOrDefault("partial", JsonValue.FALSE);
        if (partial != JsonValue.TRUE && partial != JsonValue.FALSE) {
            throw Problem.badRequest("field 'partial' must be true or false");
        }
        // refusals (incomplete evidence without partial among them): ProblemMapper
        ValuationService.Issued issued = valuations.issue(code.getString(), partial == JsonValue.TRUE);
        FleetRowOfIssued.keep(fleet, issued);
        Issued out = new Issued(issued.certificate().id(), issued.certificate().batteryCode(), issued.hash().hex(),
                Registration.of(issued.registration()), document(issued.certificate().content()));
        URI location = uri.getBaseUriBuilder().path("valuations").path(issued.certificate().id()).build();
        // 201 once the registration is in a block; 202 while it is still on its way (the registration says so).
        int status = "registered".equals(issued.registration().status()) ? 201 : 202;
        return Response.status(status).location(location).type(MediaType.APPLICATION_JSON).entity(out).build();
    }

    /**
     * This node's certificates, newest first, with their headline figures and where the chain has them: of one battery
     * ({@code batteryCode}), or the latest {@code limit} (default 50, at most 200), narrowed by {@code q} (the beginning
     * of a battery code or certificate id).
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY, implementation = Listed.class)))
    public Response list(@QueryParam("batteryCode") String batteryCode, @QueryParam("q") String q,
                         @QueryParam("limit") @jakarta.ws.rs.DefaultValue("50") int limit) {
        if (limit < 1 || limit > RecentValuations.MAX_LIMIT) {
            throw Problem.badRequest("limit must be 1 to " + RecentValuations.MAX_LIMIT + ", not " + limit);
        }
        java.util.List<ValuationService.Stored> found = batteryCode == null || batteryCode.isBlank() ? recent.issuedHere(q, limit)
                : valuations.ofBattery(batteryCode);
        java.util.List<Listed> out = new java.util.ArrayList<>();
        for (ValuationService.Stored s : found) {
            jakarta.json.JsonObject results = document(s.certificate().content()).getJsonObject("results");
            out.add(new Listed(s.certificate().id(), s.certificate().batteryCode(), s.certificate().issuedAt().toString(),
                    results.get("stateOfHealth"), results.get("status"), results.get("residualValue"), s.registration().current(),
                    Registration.of(s.registration())));
        }
        return Response.ok(out, MediaType.APPLICATION_JSON).build();
    }

    /**
     * The latest registrations on chain by any agency, newest first ({@code limit} default 50, at most 200), narrowed by
     * {@code q}; read back from the head over the last 2,000 blocks at most ({@code fromHeight}..{@code toHeight}).
     */
    @GET
    @Path("registrations")
    @Produces(MediaType.APPLICATION_JSON)
    public RecentValuations.Registrations registrations(@QueryParam("q") String q, @QueryParam("limit") @jakarta.ws.rs.DefaultValue("50") int limit) {
        if (limit < 1 || limit > RecentValuations.MAX_LIMIT) {
            throw Problem.badRequest("limit must be 1 to " + RecentValuations.MAX_LIMIT + ", not " + limit);
        }
        return recent.onChain(q, limit);
    }

    /**
     * The certificate as its signed JSON document (the default), as CMS ({@code Accept: application/pkcs7-mime}) or as
     * PDF ({@code Accept: application/pdf}); {@code ?format=json|cms|pdf} overrides Accept, for links in a browser.
     */
    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response json(@PathParam("id") String id, @QueryParam("format") String format) {
        return serve(id, format == null ? "json" : format);
    }

    @GET
    @Path("{id}")
    @Produces(CMS + ";qs=0.5")
    public Response cms(@PathParam("id") String id, @QueryParam("format") String format) {
        return serve(id, format == null ? "cms" : format);
    }

    @GET
    @Path("{id}")
    @Produces(PDF + ";qs=0.5")
    public Response pdf(@PathParam("id") String id, @QueryParam("format") String format) {
        return serve(id, format == null ? "pdf" : format);
    }

    private Response serve(String id, String format) {
        ValuationService.Stored s = stored(id);
        return switch (format) {
            case "json" -> Response.ok(s.certificate().content(), MediaType.APPLICATION_JSON)
                    .header("X-Registration", registrationHeader(s.registration())).build();
            case "cms" -> Response.ok(s.cms(), CMS + "; smime-type=signed-data")
                    .header("Content-Disposition", "attachment; filename=\"" + id + ".p7m\"").build();
            case "pdf" -> Response.ok(CertificateRendering.pdf(s, uri.getBaseUri().toString()), PDF)
                    .header("Content-Disposition", "inline; filename=\"" + id + ".pdf\"").build();
            default -> throw Problem.badRequest("format must be json, cms or pdf, not '" + format + "'");
        };
    }

    /**
     * The inputs of a certificate this node issued, in the order its evidence root is taken over (the battery record,
     * then the sessions by record id), each with the block, transaction and batch that anchor it.
     */
    @GET
    @Path("{id}/evidence")
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "{certificateId, evidenceRoot, records, inputs: [{recordId, hash, blockHeight, txHash, "
            + "batchRoot, leafIndex, treeSize}]}")
    @APIResponse(responseCode = "404", description = "this node did not issue the certificate")
    public Response evidence(@PathParam("id") String id) {
        CertificateInputs inputs = evidence.inputs(id);
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("certificateId", id);
        out.put("evidenceRoot", inputs.root(ledger.suite()).hex());
        out.put("records", inputs.records().size());
        out.put("inputs", inputs.toJson());
        return Response.ok(Json.write(out), MediaType.APPLICATION_JSON).build();
    }

    /**
     * The certificate's evidence bundle: the signed certificate, its inputs with their audit paths and the anchoring
     * blocks' evidence, to check offline or with {@code POST /valuations/verify}. Inputs held by other members need
     * their holders to answer: 503 with {@code Retry-After} when one does not.
     */
    @GET
    @Path("{id}/bundle")
    @Produces(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "the evidence bundle (type battery-valuation-evidence)")
    @APIResponse(responseCode = "404", description = "this node did not issue the certificate")
    @APIResponse(responseCode = "503", description = "a holder of some input does not answer now")
    public Response bundle(@PathParam("id") String id) {
        EvidenceBundle b = evidence.bundle(id);
        return Response.ok(Json.write(b.toJson()), MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"" + id + ".evidence.json\"").build();
    }

    /** A certificate to check: its JSON document, or the CMS as DER or PEM, or its evidence bundle. */
    @POST
    @Path("verify")
    @Consumes({MediaType.APPLICATION_JSON, CMS, MediaType.APPLICATION_OCTET_STREAM, MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "verifyValuation", summary = "Verify a certificate (as the WSDL's verifyValuation)")
    @RequestBody(required = true, description = "the certificate: its CMS (DER as application/pkcs7-mime or application/octet-stream, "
            + "or PEM as text/plain), its JSON document (application/json), or its evidence bundle (application/json, "
            + "type battery-valuation-evidence: the inputs and their anchors are checked too)")
    @APIResponse(responseCode = "200", description = "the verdict, valid or not", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Verification.class)))
    public Response verify(byte[] body, @jakarta.ws.rs.HeaderParam("Content-Type") String contentType) {
        if (body == null || body.length == 0) {
            throw Problem.badRequest("the body must be a valuation certificate: its JSON document or its CMS (DER or PEM)");
        }
        boolean json = contentType != null && contentType.startsWith(MediaType.APPLICATION_JSON);
        byte[] input = body;
        if (!json) {
            String text = new String(body, StandardCharsets.ISO_8859_1).trim();
            if (text.startsWith("-----BEGIN")) {
                input = pem(text);
            }
        }
        if (json) {
            Object tree;
            try {
                tree = Json.parse(new String(body, StandardCharsets.UTF_8));
            } catch (org.batteryledger.core.json.JsonException e) {
                throw Problem.badRequest("the body is not a certificate's JSON document: malformed JSON: " + e.getMessage());
            }
            if (tree instanceof java.util.Map<?, ?> m && EvidenceBundle.TYPE.equals(m.get("type"))) {
                EvidenceBundle bundle;
                try {
                    bundle = EvidenceBundle.fromJson(tree);
                } catch (IllegalArgumentException e) {
                    throw Problem.badRequest("the evidence bundle is malformed: " + e.getMessage());
                }
                if (!org.batteryledger.core.valuation.certificate.CertificateVerifier.isSignedData(bundle.cms())) {
                    throw Problem.badRequest("the evidence bundle's certificate is not a CMS SignedData");
                }
                return verdict(evidence.verify(bundle));
            }
        } else if (!org.batteryledger.core.valuation.certificate.CertificateVerifier.isSignedData(input)) {
            throw Problem.badRequest("the body is not a CMS SignedData (DER, or PEM between -----BEGIN and -----END lines); "
                    + "a certificate's JSON document goes with Content-Type application/json");
        }
        return verdict(valuations.verify(input, !json));
    }

    private static Response verdict(ValuationService.Verdict v) {
        ValuationService.Registration r = v.registration();
        return Response.ok(new Verification(v.valid(), v.reason(), v.certificateId(), v.batteryCode(), v.signer(),
                r == null ? null : r.current(), r == null ? null : r.supersededBy(), r == null ? null : Registration.of(r)),
                MediaType.APPLICATION_JSON).build();
    }

    /** A certificate's signed bytes read as JSON: numbers and nulls exactly as signed. */
    private static jakarta.json.JsonObject document(byte[] content) {
        try (jakarta.json.JsonReader reader = JsonBodyReader.JSON_P.createReader(new java.io.ByteArrayInputStream(content))) {
            return reader.readObject();
        }
    }

    private static byte[] pem(String text) {
        int start = text.indexOf('\n');
        int end = text.lastIndexOf("-----END");
        if (start < 0 || end < start) {
            throw Problem.badRequest("the PEM body has no -----END line");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(start + 1, end));
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest("the PEM body is not base64: " + e.getMessage());
        }
    }

    private ValuationService.Stored stored(String id) {
        return valuations.certificate(id).orElseThrow(() -> Problem.notFound("this node holds no valuation certificate " + id
                + " (a node serves the certificates it issued; the chain's registry names the issuing agency)"));
    }

    private static String registrationHeader(ValuationService.Registration r) {
        return r.status() + (r.blockHeight() != null ? "; block=" + r.blockHeight() : "")
                + (r.supersededBy() != null ? "; superseded-by=" + r.supersededBy() : "");
    }
}
