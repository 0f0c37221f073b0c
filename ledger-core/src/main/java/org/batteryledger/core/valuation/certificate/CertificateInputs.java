package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.merkle.MerkleTree;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/**
 * The inputs of a valuation certificate, in the order its evidence root is taken over: the battery record first, then
 * the sessions by record id; each with where the chain anchors it. A certificate of format 2 carries only the root
 * (RFC 6962 over the inputs' record hashes), so its size does not grow with the session count; this list is what the
 * issuing node keeps and hands out ({@code GET /valuations/{id}/evidence}, and in an {@link EvidenceBundle}).
 */
public record CertificateInputs(List<AnchoredRecord> records) {
    /** More inputs than a valuation gathers (50,000 sessions) are refused when decoding. */
    public static final int MAX_INPUTS = 50_001;
    private static final int VERSION = 1;
    private static final int MAX_RECORD_ID_BYTES = 256;

    public CertificateInputs {
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a valuation has at least the battery record as input");
        }
    }

    /** The battery's record, then its sessions by record id. */
    public static CertificateInputs of(AnchoredRecord battery, List<AnchoredRecord> sessions) {
        List<AnchoredRecord> all = new ArrayList<>(sessions.size() + 1);
        all.add(battery);
        all.addAll(sessions.stream().sorted(Comparator.comparing(AnchoredRecord::recordId)).toList());
        return new CertificateInputs(all);
    }

    /** The inputs a certificate of format 1 lists inline (grouped by anchoring transaction), in evidence-root order. */
    public static CertificateInputs ofFirstFormat(ValuationCertificate certificate) {
        Map<String, Object> doc = certificate.document();
        if (((Number) doc.get("formatVersion")).intValue() != 1) {
            throw new IllegalArgumentException("certificate " + certificate.id() + " is of format " + doc.get("formatVersion")
                    + ": it lists no inputs inline");
        }
        Object batteryRecord = ((Map<?, ?>) doc.get("battery")).get("recordId");
        AnchoredRecord battery = null;
        List<AnchoredRecord> sessions = new ArrayList<>();
        for (Object o : (List<?>) ((Map<?, ?>) doc.get("evidence")).get("anchors")) {
            Map<?, ?> a = (Map<?, ?>) o;
            Hash tx = Hash.fromHex((String) a.get("txHash"));
            Hash root = Hash.fromHex((String) a.get("batchRoot"));
            long height = ((Number) a.get("blockHeight")).longValue();
            long treeSize = ((Number) a.get("treeSize")).longValue();
            for (Object ro : (List<?>) a.get("records")) {
                Map<?, ?> r = (Map<?, ?>) ro;
                AnchoredRecord in = new AnchoredRecord((String) r.get("recordId"), Hash.fromHex((String) r.get("hash")),
                        ((Number) r.get("leafIndex")).longValue(), treeSize, root, height, tx);
                if (in.recordId().equals(batteryRecord)) {
                    battery = in;
                } else {
                    sessions.add(in);
                }
            }
        }
        if (battery == null) {
            throw new IllegalArgumentException("certificate " + certificate.id() + " lists no anchor of its battery record");
        }
        return of(battery, sessions);
    }

    public AnchoredRecord battery() {
        return records.get(0);
    }

    public int sessions() {
        return records.size() - 1;
    }

    /** The evidence root: RFC 6962 over the record hashes in this order. */
    public Hash root(CryptoSuite suite) {
        return MerkleTree.root(suite, records.stream().map(AnchoredRecord::hash).toList());
    }

    /** The batches the inputs sit in, each once. */
    public List<Hash> batchRoots() {
        return records.stream().map(AnchoredRecord::batchRoot).distinct().toList();
    }

    /** How many transactions anchor the inputs, and the lowest and highest of their blocks. */
    public record Anchoring(long transactions, long fromHeight, long toHeight) {
    }

    public Anchoring anchoring() {
        java.util.Set<Hash> transactions = new java.util.HashSet<>();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (AnchoredRecord r : records) { // one pass: a certificate of 1,000 sessions asks this at every issue
            transactions.add(r.txHash());
            from = Math.min(from, r.blockHeight());
            to = Math.max(to, r.blockHeight());
        }
        return new Anchoring(transactions.size(), from, to); // records is never empty
    }

    /** The inputs grouped by the transaction that anchors them, in block order (ties by transaction hash). */
    public List<List<AnchoredRecord>> byAnchor() {
        Map<Hash, List<AnchoredRecord>> byTx = new HashMap<>();
        for (AnchoredRecord r : records) {
            byTx.computeIfAbsent(r.txHash(), k -> new ArrayList<>()).add(r);
        }
        List<List<AnchoredRecord>> groups = new ArrayList<>(byTx.values());
        groups.sort(Comparator.comparingLong((List<AnchoredRecord> g) -> g.get(0).blockHeight()).thenComparing(g -> g.get(0).txHash().hex()));
        return groups;
    }

    /** JSON for the API: {@code [{recordId, hash, blockHeight, txHash, batchRoot, leafIndex, treeSize}]} in root order. */
    public List<Object> toJson() {
        List<Object> out = new ArrayList<>(records.size());
        for (AnchoredRecord r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recordId", r.recordId());
            m.put("hash", r.hash().hex());
            m.put("blockHeight", r.blockHeight());
            m.put("txHash", r.txHash().hex());
            m.put("batchRoot", r.batchRoot().hex());
            m.put("leafIndex", r.leafIndex());
            m.put("treeSize", r.treeSize());
            out.add(m);
        }
        return out;
    }

    /**
     * What the node stores: the inputs grouped by anchor (height, transaction, batch root and tree size once per
     * group), then per input its position in the root order, record id, hash and leaf index. About 70 bytes an input.
     * Hand-written with the chain's canonical encoding rather than JSON: it is read back by this code only, and a
     * 1,000-session certificate's list stays near 70 KB instead of 300.
     */
    public byte[] encode() {
        List<List<AnchoredRecord>> groups = byAnchor();
        Map<AnchoredRecord, Integer> position = new java.util.IdentityHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            position.put(records.get(i), i);
        }
        CanonicalWriter w = new CanonicalWriter(64 + records.size() * 72);
        w.u8(VERSION).u32(records.size()).u32(groups.size());
        for (List<AnchoredRecord> group : groups) {
            AnchoredRecord first = group.get(0);
            w.u64(first.blockHeight()).raw(first.txHash().unsafeBytes()).raw(first.batchRoot().unsafeBytes()).u64(first.treeSize());
            w.u32(group.size());
            for (AnchoredRecord r : group) {
                w.u32(position.get(r)).str(r.recordId()).raw(r.hash().unsafeBytes()).u64(r.leafIndex());
            }
        }
        return w.toByteArray();
    }

    /** @throws DecodeException for anything but what {@link #encode} wrote */
    public static CertificateInputs decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new DecodeException("certificate inputs version " + version + " is not supported (expected " + VERSION + ")");
        }
        int count = r.u32();
        if (count <= 0 || count > MAX_INPUTS) {
            throw new DecodeException("certificate inputs: " + count + " inputs, at most " + MAX_INPUTS);
        }
        AnchoredRecord[] out = new AnchoredRecord[count];
        int groups = r.u32();
        int seen = 0;
        for (int g = 0; g < groups; g++) {
            long height = r.uint("blockHeight");
            Hash tx = Hash.of(r.raw(Hash.LENGTH));
            Hash root = Hash.of(r.raw(Hash.LENGTH));
            long treeSize = r.uint("treeSize");
            int size = r.u32();
            for (int i = 0; i < size; i++) {
                int at = r.u32();
                if (at < 0 || at >= count || out[at] != null) {
                    throw new DecodeException("certificate inputs: position " + at + " out of range or twice");
                }
                String id = r.str(MAX_RECORD_ID_BYTES);
                out[at] = new AnchoredRecord(id, Hash.of(r.raw(Hash.LENGTH)), r.uint("leafIndex"), treeSize, root, height, tx);
                seen++;
            }
        }
        r.end();
        if (seen != count) {
            throw new DecodeException("certificate inputs: " + seen + " inputs listed, " + count + " announced");
        }
        return new CertificateInputs(List.of(out));
    }
}
