package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.merkle.InclusionProof;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordVerifier;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A valuation certificate with everything needed to check its evidence offline: the signed certificate (CMS), its
 * inputs in evidence-root order, each with its RFC 6962 audit path to its batch root, and per anchoring transaction
 * the {@link AnchorEvidence} (block header, the transaction and its path to the header, the commit certificate).
 * Records themselves are not in it: they stay with their holders under the data-sharing policy; the bundle proves
 * which records were valued (by hash) and that the chain anchored every one.
 *
 * <p>JSON, so that it travels as a file: {@code {type, formatVersion, certificateId, certificate (base64 DER),
 * inputs: [{recordId, hash, blockHeight, txHash, batchRoot, leafIndex, treeSize, auditPath: [hex]}], anchors:
 * [{blockHeight, txHash, evidence (base64 of AnchorEvidence's encoding)}]}}.
 */
public record EvidenceBundle(String certificateId, byte[] cms, CertificateInputs inputs, List<InclusionProof> paths, List<AnchorEvidence> anchors) {
    public static final String TYPE = "battery-valuation-evidence";
    public static final int FORMAT_VERSION = 1;

    public EvidenceBundle {
        paths = List.copyOf(paths);
        anchors = List.copyOf(anchors);
        if (paths.size() != inputs.records().size()) {
            throw new IllegalArgumentException(paths.size() + " audit paths for " + inputs.records().size() + " inputs");
        }
    }

    /**
     * The outcome: valid, or the first check that failed, in words; the certificate's verdict when it was read; and, when
     * valid, what was shown of the inputs ({@code evidence}, the part of the reason after the certificate's).
     */
    public record Verdict(boolean valid, String reason, CertificateVerifier.Verdict certificate, String evidence) {
        Verdict(boolean valid, String reason, CertificateVerifier.Verdict certificate) {
            this(valid, reason, certificate, null);
        }
    }

    /**
     * Checks the certificate's signature ({@code certificates}, with {@code revocations}), that the inputs are the
     * ones it commits to (count, battery record, evidence root), that every input's path leads to its batch root, and
     * that every batch root is anchored in a block committed by a quorum of the validators {@code anchors} trusts.
     */
    public Verdict verify(CryptoSuite suite, CertificateVerifier certificates, RevocationView revocations, RecordVerifier anchorVerifier) {
        return verify(suite, certificates.verify(cms, revocations), anchorVerifier);
    }

    /** As above, for a caller that has checked this bundle's CMS already: {@code signed} is that check's verdict. */
    public Verdict verify(CryptoSuite suite, CertificateVerifier.Verdict signed, RecordVerifier anchorVerifier) {
        if (!signed.valid()) {
            return new Verdict(false, signed.reason(), signed);
        }
        ValuationCertificate certificate = signed.certificate();
        Hash root = inputs.root(suite);
        String mismatch = inputsMismatch(root, certificate);
        if (mismatch != null) {
            return new Verdict(false, mismatch, signed);
        }
        // Exactly the anchoring transactions the inputs name, each once: every anchor costs a quorum of signature
        // checks, so a bundle padded with repeated or unrelated anchors is refused before any is checked.
        java.util.Set<Hash> named = new java.util.HashSet<>();
        inputs.records().forEach(r -> named.add(r.txHash()));
        java.util.Set<Hash> carried = new java.util.HashSet<>();
        for (AnchorEvidence e : anchors) {
            if (!carried.add(e.proof().txHash()) || !named.contains(e.proof().txHash())) {
                return new Verdict(false, "the bundle carries anchoring transaction " + e.proof().txHash().hex()
                        + (named.contains(e.proof().txHash()) ? " twice" : ", which none of its inputs names"), signed);
            }
        }
        Map<Hash, AnchorEvidence> byTx = new HashMap<>();
        int seals = Integer.MAX_VALUE;
        for (AnchorEvidence e : anchors) {
            RecordVerifier.Verdict v = anchorVerifier.verifyAnchored(e);
            if (!v.valid()) {
                return new Verdict(false, "anchoring transaction " + e.proof().txHash().hex() + ": " + v.reason(), signed);
            }
            byTx.put(e.proof().txHash(), e);
            seals = Math.min(seals, e.certificate().seals().size());
        }
        List<AnchoredRecord> records = inputs.records();
        for (int i = 0; i < records.size(); i++) {
            AnchoredRecord r = records.get(i);
            AnchorEvidence a = byTx.get(r.txHash());
            if (a == null) {
                return new Verdict(false, "input " + r.recordId() + " names anchoring transaction " + r.txHash().hex()
                        + ", which the bundle does not carry", signed);
            }
            if (a.proof().blockHeight() != r.blockHeight() || !a.proof().batchRoot().equals(r.batchRoot())
                    || a.proof().path().treeSize() != r.treeSize()) {
                return new Verdict(false, "input " + r.recordId() + " names batch " + r.batchRoot().hex() + " of " + r.treeSize()
                        + " in block " + r.blockHeight() + ", but transaction " + r.txHash().hex() + " anchors batch "
                        + a.proof().batchRoot().hex() + " of " + a.proof().path().treeSize() + " in block " + a.proof().blockHeight(), signed);
            }
            InclusionProof path = paths.get(i);
            if (path.leafIndex() != r.leafIndex() || path.treeSize() != r.treeSize() || !path.verify(suite, r.hash(), r.batchRoot())) {
                return new Verdict(false, "input " + r.recordId() + ": its audit path does not lead from leaf " + r.leafIndex() + " of "
                        + r.treeSize() + " to batch root " + r.batchRoot().hex(), signed);
            }
        }
        CertificateInputs.Anchoring anchoring = inputs.anchoring();
        String shown = String.format(Locale.ROOT, "its %,d inputs are the ones of evidence root %s, anchored by %d %s in blocks %d to %d,"
                        + " each block committed by at least %d validators", records.size(), root.shortHex(),
                anchors.size(), anchors.size() == 1 ? "transaction" : "transactions", anchoring.fromHeight(), anchoring.toHeight(), seals);
        return new Verdict(true, signed.reason() + "; " + shown, signed, shown);
    }

    /** Null when the inputs are the certificate's (count, sessions, battery record, evidence root); else why not. */
    private String inputsMismatch(Hash root, ValuationCertificate certificate) {
        Map<String, Object> doc = certificate.document();
        if (!certificate.id().equals(certificateId)) {
            return "the bundle names certificate " + certificateId + " but carries " + certificate.id();
        }
        Map<?, ?> evidence = (Map<?, ?>) doc.get("evidence");
        Map<?, ?> battery = (Map<?, ?>) doc.get("battery");
        if (evidence == null || battery == null) {
            return "the certificate has no evidence or battery section";
        }
        if (!(evidence.get("records") instanceof BigDecimal n) || n.intValue() != inputs.records().size()) {
            return "the certificate values " + evidence.get("records") + " records, the bundle lists " + inputs.records().size();
        }
        AnchoredRecord first = inputs.battery();
        if (!first.recordId().equals(battery.get("recordId")) || !first.hash().hex().equals(battery.get("recordHash"))) {
            return "the bundle's first input " + first.recordId() + " is not the battery record the certificate names ("
                    + battery.get("recordId") + ")";
        }
        if (!root.hex().equals(evidence.get("evidenceRoot"))) {
            return "the bundle's inputs have root " + root.hex() + ", the certificate commits to " + evidence.get("evidenceRoot")
                    + ": they are not the inputs it valued";
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------- JSON form

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE);
        m.put("formatVersion", FORMAT_VERSION);
        m.put("certificateId", certificateId);
        m.put("certificate", Base64.getEncoder().encodeToString(cms));
        List<Object> in = inputs.toJson();
        for (int i = 0; i < in.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) in.get(i);
            entry.put("auditPath", paths.get(i).auditPath().stream().map(Hash::hex).toList());
        }
        m.put("inputs", in);
        List<Object> as = new ArrayList<>();
        for (AnchorEvidence e : anchors) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("blockHeight", e.proof().blockHeight());
            a.put("txHash", e.proof().txHash().hex());
            a.put("evidence", Base64.getEncoder().encodeToString(e.encode()));
            as.add(a);
        }
        m.put("anchors", as);
        return m;
    }

    /**
     * Reads a bundle from its JSON tree, hostile until checked: at most {@link CertificateInputs#MAX_INPUTS} inputs
     * and as many anchors, hashes of the right length, paths of at most 64 hashes.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static EvidenceBundle fromJson(Object tree) {
        if (!(tree instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("an evidence bundle is a JSON object");
        }
        if (!TYPE.equals(m.get("type"))) {
            throw new IllegalArgumentException("not an evidence bundle: type is " + m.get("type") + ", not " + TYPE);
        }
        if (!(m.get("formatVersion") instanceof BigDecimal v) || v.compareTo(BigDecimal.valueOf(FORMAT_VERSION)) != 0) {
            throw new IllegalArgumentException("unsupported evidence bundle formatVersion " + m.get("formatVersion"));
        }
        String id = text(m, "certificateId");
        byte[] cms = base64(text(m, "certificate"), "certificate");
        List<?> in = list(m, "inputs", CertificateInputs.MAX_INPUTS);
        List<AnchoredRecord> records = new ArrayList<>(in.size());
        List<InclusionProof> paths = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            if (!(in.get(i) instanceof Map<?, ?> r)) {
                throw new IllegalArgumentException("inputs[" + i + "] is not an object");
            }
            String where = "inputs[" + i + "].";
            long leaf = number(r, "leafIndex", where);
            long size = number(r, "treeSize", where);
            records.add(new AnchoredRecord(text(r, "recordId"), hash(r, "hash", where), leaf, size, hash(r, "batchRoot", where),
                    number(r, "blockHeight", where), hash(r, "txHash", where)));
            List<?> path = list(r, "auditPath", InclusionProof.MAX_PATH_LENGTH);
            List<Hash> hashes = new ArrayList<>(path.size());
            for (Object h : path) {
                hashes.add(hashOf(h, where + "auditPath"));
            }
            paths.add(new InclusionProof(leaf, size, hashes));
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException("an evidence bundle lists at least the battery record as input");
        }
        List<?> as = list(m, "anchors", in.size());
        List<AnchorEvidence> anchors = new ArrayList<>(as.size());
        for (int i = 0; i < as.size(); i++) {
            if (!(as.get(i) instanceof Map<?, ?> a)) {
                throw new IllegalArgumentException("anchors[" + i + "] is not an object");
            }
            try {
                anchors.add(AnchorEvidence.decode(base64(text(a, "evidence"), "anchors[" + i + "].evidence")));
            } catch (RuntimeException e) { // DecodeException, or a part whose own checks refuse it: hostile bytes either way
                throw new IllegalArgumentException("anchors[" + i + "].evidence is not anchor evidence: " + e.getMessage());
            }
        }
        return new EvidenceBundle(id, cms, new CertificateInputs(records), paths, anchors);
    }

    private static String text(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("the evidence bundle has no " + key);
        }
        return s;
    }

    private static List<?> list(Map<?, ?> m, String key, int max) {
        if (!(m.get(key) instanceof List<?> l)) {
            throw new IllegalArgumentException("the evidence bundle has no list " + key);
        }
        if (l.size() > max) {
            throw new IllegalArgumentException(key + " has " + l.size() + " entries, at most " + max);
        }
        return l;
    }

    private static long number(Map<?, ?> m, String key, String where) {
        if (!(m.get(key) instanceof BigDecimal d) || d.precision() > 19 || d.scale() != 0 || d.signum() < 0
                || d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(where + key + " is not a whole number of at least 0");
        }
        return d.longValue();
    }

    private static Hash hash(Map<?, ?> m, String key, String where) {
        return hashOf(m.get(key), where + key);
    }

    private static Hash hashOf(Object value, String where) {
        if (!(value instanceof String s) || s.length() != 2 * Hash.LENGTH) {
            throw new IllegalArgumentException(where + " is not a hash of " + Hash.LENGTH + " bytes in hex");
        }
        try {
            return Hash.fromHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not a hash in hex");
        }
    }

    private static byte[] base64(String s, String where) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " is not base64");
        }
    }
}
