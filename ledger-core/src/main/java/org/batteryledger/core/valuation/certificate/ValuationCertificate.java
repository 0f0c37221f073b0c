package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.ValuationParameters;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A valuation certificate's content: a JSON document naming the battery, the model with all its parameters, the
 * Merkle root of its input records' hashes with the range of blocks that anchor them, and the results. Its bytes are the document's RFC 8785
 * canonical form, so the certificate's hash (what the chain's valuation registry holds) does not depend on how the
 * JSON was formatted on the way. The id is {@code VC-} and the first 24 hex digits of the hash of the document
 * without its id. {@link CertificateSigner} wraps these bytes in CMS SignedData.
 */
public record ValuationCertificate(String id, String batteryCode, String issuerAgency, NodeId issuerNode, Instant issuedAt,
                                   String supersedes, byte[] content) {
    public static final String TYPE = "battery-valuation-certificate";
    /**
     * Format 2 commits to its inputs by their Merkle root ({@code evidence.evidenceRoot}) and says in which blocks they
     * are anchored; the list of inputs with their anchors is {@link CertificateInputs}, kept by the issuing node and
     * carried by an {@link EvidenceBundle}. Format 1 listed every input's anchor inline (23 KB for 100 sessions, 134 KB
     * for 1,000); certificates of it are still read and verified.
     */
    public static final int FORMAT_VERSION = 2;
    static final int FIRST_FORMAT_VERSION = 1;

    /** The agency and node that issue a certificate. */
    public record Issuer(String agency, String node, NodeId nodeId) {
    }

    /**
     * Builds the certificate of {@code assessment}.
     *
     * @param battery    the battery master record's anchor
     * @param sessions   the anchors of the sessions valued, in any order
     * @param supersedes the id of the battery's current certificate, or null
     * @param unanchored records of the battery left out because they were not anchored yet
     * @param issuedAt   taken to the second, as the signature's signing time (UTCTime) holds it
     */
    public static ValuationCertificate issue(CryptoSuite suite, Hash chainId, Issuer issuer, Instant issuedAt, String supersedes,
                                             BatteryRecord.Master master, AnchoredRecord battery, List<AnchoredRecord> sessions,
                                             int unanchored, ValuationParameters parameters, Assessment assessment) {
        return issue(suite, chainId, issuer, issuedAt, supersedes, master, CertificateInputs.of(battery, sessions), unanchored, parameters,
                assessment, null);
    }

    /**
     * As above, from the inputs in root order ({@link CertificateInputs#of}; the issuing node keeps the same list), with
     * their {@link Provenance} (null for a valuation from one node's own records): the certificate then names each
     * holder with the root of the inputs it held, and says whether the evidence was complete.
     */
    public static ValuationCertificate issue(CryptoSuite suite, Hash chainId, Issuer issuer, Instant issuedAt, String supersedes,
                                             BatteryRecord.Master master, CertificateInputs inputs, int unanchored,
                                             ValuationParameters parameters, Assessment assessment, Provenance provenance) {
        issuedAt = issuedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // what the CMS signing time can hold
        if (!assessment.batteryCode().equals(master.batteryCode())) {
            throw new IllegalArgumentException("the assessment is of " + assessment.batteryCode() + ", not " + master.batteryCode());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", TYPE);
        doc.put("formatVersion", FORMAT_VERSION);
        doc.put("chainId", chainId.hex());
        doc.put("issuedAt", issuedAt.toString());
        doc.put("valuedAt", assessment.asOf().toString());
        Map<String, Object> iss = new LinkedHashMap<>();
        iss.put("agency", issuer.agency());
        iss.put("node", issuer.node());
        iss.put("nodeId", issuer.nodeId().value());
        doc.put("issuer", iss);
        doc.put("supersedes", supersedes);

        Map<String, Object> b = new LinkedHashMap<>();
        b.put("batteryCode", master.batteryCode());
        b.put("recordId", master.recordId());
        b.put("recordHash", inputs.battery().hash().hex());
        b.put("manufacturer", master.manufacturer());
        b.put("chemistry", master.chemistry().name());
        b.put("ratedCapacityAh", BigDecimal.valueOf(master.ratedCapacityAh()));
        b.put("nominalVoltageV", BigDecimal.valueOf(master.nominalVoltageV()));
        b.put("ratedCycleLife", master.ratedCycleLife());
        b.put("ratedCycleDod", BigDecimal.valueOf(master.ratedCycleDod()));
        b.put("ratedCycleTempC", BigDecimal.valueOf(master.ratedCycleTempC()));
        b.put("manufacturedAt", master.manufacturedAt().toString());
        doc.put("battery", b);

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", ValuationParameters.MODEL);
        model.put("version", ValuationParameters.MODEL_VERSION);
        model.put("parameters", parameters.toJson());
        doc.put("model", model);

        CertificateInputs.Anchoring anchoring = inputs.anchoring();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("suite", suite.id());
        evidence.put("records", inputs.records().size());
        evidence.put("sessions", inputs.sessions());
        evidence.put("unanchoredRecordsLeftOut", unanchored);
        evidence.put("evidenceRoot", inputs.root(suite).hex());
        Map<String, Object> anchored = new LinkedHashMap<>();
        anchored.put("transactions", anchoring.transactions());
        anchored.put("fromHeight", anchoring.fromHeight());
        anchored.put("toHeight", anchoring.toHeight());
        evidence.put("anchoring", anchored);
        if (provenance != null) {
            evidence.put("holders", holders(suite, provenance));
            Map<String, Object> completeness = new LinkedHashMap<>();
            completeness.put("complete", provenance.complete());
            completeness.put("partial", provenance.partial());
            completeness.put("missingHolders", provenance.missing());
            completeness.put("failedRecordsLeftOut", provenance.failedRecords());
            completeness.put("policyRefusals", provenance.refusals());
            evidence.put("completeness", completeness);
        }
        doc.put("evidence", evidence);
        doc.put("results", assessment.toJson());

        TreeMap<String, String> members = members(doc);
        String id = idOf(suite, members);
        members.put(ID, Jcs.canonicalize(ID) + ":" + Jcs.canonicalize(id));
        byte[] content = object(members).getBytes(StandardCharsets.UTF_8);
        return new ValuationCertificate(id, master.batteryCode(), issuer.agency(), issuer.nodeId(), issuedAt, supersedes, content);
    }

    private static final String ID = "certificateId";

    /**
     * The document's members as RFC 8785 writes them ({@code "name":value}), in its member order (UTF-16 code units,
     * which is {@link String#compareTo}). The certificate is canonicalized without its id (to take the id) and with
     * it; each value is written once for both.
     */
    private static TreeMap<String, String> members(Map<?, ?> doc) {
        TreeMap<String, String> out = new TreeMap<>();
        doc.forEach((k, v) -> out.put((String) k, Jcs.canonicalize(k) + ":" + Jcs.canonicalize(v)));
        return out;
    }

    private static String object(TreeMap<String, String> members) {
        return "{" + String.join(",", members.values()) + "}";
    }

    /** {@code VC-} and the first 24 hex digits of the hash of the canonical document without its id. */
    private static String idOf(CryptoSuite suite, TreeMap<String, String> withoutId) {
        return "VC-" + suite.hash(object(withoutId).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 24);
    }

    /** Each holder with the count of inputs it held and the RFC 6962 root over their hashes (in record-hash order). */
    private static List<Object> holders(CryptoSuite suite, Provenance p) {
        List<Object> out = new ArrayList<>();
        for (Provenance.Holder h : p.holders()) {
            List<Hash> sorted = h.inputs().stream().sorted((x, y) -> x.hex().compareTo(y.hex())).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", h.node());
            m.put("agency", h.agency());
            m.put("records", sorted.size());
            m.put("root", MerkleTree.root(suite, sorted).hex());
            out.add(m);
        }
        return out;
    }

    /** The certificate's hash: the chain suite's hash of its canonical bytes. */
    public Hash hash(CryptoSuite suite) {
        return suite.hash(content);
    }

    /** 1: every input's anchor inline; 2: the inputs' Merkle root ({@link #FORMAT_VERSION}). */
    public int formatVersion() {
        return ((BigDecimal) document().get("formatVersion")).intValue();
    }

    /** The document as a JSON tree. */
    public Map<String, Object> document() {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(new String(content, StandardCharsets.UTF_8));
        return m;
    }

    /**
     * Reads a certificate document, in any JSON formatting: it is canonicalized first, and its id must be the one its
     * content gives.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static ValuationCertificate read(CryptoSuite suite, byte[] json) {
        Object tree;
        try {
            tree = Json.parse(new String(json, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            throw new IllegalArgumentException("the certificate is not JSON: " + e.getMessage());
        }
        if (!(tree instanceof Map<?, ?> doc)) {
            throw new IllegalArgumentException("the certificate is not a JSON object");
        }
        if (!TYPE.equals(doc.get("type"))) {
            throw new IllegalArgumentException("not a valuation certificate: type is " + doc.get("type") + ", not " + TYPE);
        }
        Object version = doc.get("formatVersion");
        if (!(version instanceof BigDecimal v) || v.scale() > 0 || v.precision() > 2 || v.intValue() < FIRST_FORMAT_VERSION
                || v.intValue() > FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported certificate formatVersion " + version);
        }
        String id = text(doc, ID);
        TreeMap<String, String> members = members(doc);
        String idMember = members.remove(ID);
        String expected = idOf(suite, members);
        members.put(ID, idMember);
        if (!expected.equals(id)) {
            throw new IllegalArgumentException("the certificate id " + id + " does not match its content (" + expected + "): it was changed");
        }
        Map<?, ?> battery = object(doc, "battery");
        Map<?, ?> issuer = object(doc, "issuer");
        Instant issuedAt;
        try {
            issuedAt = Instant.parse(text(doc, "issuedAt"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("issuedAt is not an ISO-8601 instant");
        }
        Object supersedes = doc.get("supersedes");
        NodeId node;
        try {
            node = new NodeId(text(issuer, "nodeId"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("issuer.nodeId is not a node id");
        }
        return new ValuationCertificate(id, text(battery, "batteryCode"), text(issuer, "agency"), node, issuedAt,
                supersedes instanceof String s ? s : null, object(members).getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("the certificate has no " + key);
        }
        return s;
    }

    private static Map<?, ?> object(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> o)) {
            throw new IllegalArgumentException("the certificate has no " + key + " object");
        }
        return o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValuationCertificate c && c.id.equals(id) && java.util.Arrays.equals(c.content, content);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "ValuationCertificate[" + id + " of " + batteryCode + "]";
    }
}
