package org.batteryledger.core.contract;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.util.List;

/** The payloads of the non-governance transaction types, with their canonical encodings. */
public final class Payloads {
    private Payloads() {
    }

    /** GOVERNANCE_APPROVE: the proposal is named by the hash of the transaction that proposed it. */
    public record Approve(Hash proposalId) {
        public byte[] encode() {
            return proposalRef(proposalId);
        }

        public static Approve decode(byte[] b) {
            return new Approve(proposalRef(b));
        }
    }

    /** GOVERNANCE_WITHDRAW: an open proposal of the sender's agency, by its id (the proposing transaction's hash). */
    public record Withdraw(Hash proposalId) {
        public byte[] encode() {
            return proposalRef(proposalId);
        }

        public static Withdraw decode(byte[] b) {
            return new Withdraw(proposalRef(b));
        }
    }

    /** A proposal named by the hash of the transaction that proposed it: the payload of an approval and of a withdrawal. */
    private static byte[] proposalRef(Hash proposalId) {
        return new CanonicalWriter(40).raw(proposalId.unsafeBytes()).toByteArray();
    }

    private static Hash proposalRef(byte[] b) {
        CanonicalReader r = new CanonicalReader(b);
        Hash id = ChainCodec.hash(r);
        r.end();
        return id;
    }

    /** REVOKE_OWN_NODE: a node of the sender's own agency, with its certificate serial if known. */
    public record RevokeOwnNode(NodeId nodeId, String serialOrEmpty) {
        public byte[] encode() {
            return new CanonicalWriter(96).str(nodeId.value()).str(serialOrEmpty).toByteArray();
        }

        public static RevokeOwnNode decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            RevokeOwnNode p = new RevokeOwnNode(ChainCodec.nodeId(r), r.str(128));
            r.end();
            return p;
        }
    }

    /** ANCHOR_BATCH: the RFC 6962 root of a batch of record hashes. */
    public record AnchorBatch(String batchId, Hash batchRoot, long recordCount) {
        public byte[] encode() {
            return new CanonicalWriter(96).str(batchId).raw(batchRoot.unsafeBytes()).u64(recordCount).toByteArray();
        }

        public static AnchorBatch decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            AnchorBatch p = new AnchorBatch(r.str(Limits.MAX_NAME_BYTES), ChainCodec.hash(r), r.uint("recordCount"));
            r.end();
            return p;
        }

        /** Whether transactions of this type anchor a batch (ANCHOR_BATCH, and ANCHOR_RECORDS since the battery registry). */
        public static boolean anchors(TxType type) {
            return type == TxType.ANCHOR_BATCH || type == TxType.ANCHOR_RECORDS;
        }

        /**
         * The batch an anchoring transaction anchors, whichever of the two anchoring types it is.
         *
         * @throws IllegalArgumentException for a transaction of another type
         * @throws org.batteryledger.core.codec.DecodeException for a malformed payload
         */
        public static AnchorBatch of(Transaction tx) {
            return switch (tx.type()) {
                case ANCHOR_BATCH -> decode(tx.payload());
                case ANCHOR_RECORDS -> AnchorRecords.decode(tx.payload()).anchor();
                default -> throw new IllegalArgumentException("a " + tx.type() + " transaction anchors no batch");
            };
        }
    }

    /**
     * ANCHOR_RECORDS: a batch's RFC 6962 root, as {@link AnchorBatch}, and the batteries whose master records the batch
     * holds, in leaf order (a later master record of the same code supersedes an earlier one).
     */
    public record AnchorRecords(String batchId, Hash batchRoot, long recordCount, java.util.List<BatteryRegistry.Request> registrations) {
        public AnchorRecords {
            registrations = java.util.List.copyOf(registrations);
        }

        public byte[] encode() {
            CanonicalWriter w = new CanonicalWriter(96 + 72 * registrations.size()).str(batchId).raw(batchRoot.unsafeBytes()).u64(recordCount);
            BatteryRegistry.writeRequests(w, registrations);
            return w.toByteArray();
        }

        public static AnchorRecords decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            AnchorRecords p = new AnchorRecords(r.str(Limits.MAX_NAME_BYTES), ChainCodec.hash(r), r.uint("recordCount"),
                    BatteryRegistry.readRequests(r));
            r.end();
            return p;
        }

        public AnchorBatch anchor() {
            return new AnchorBatch(batchId, batchRoot, recordCount);
        }
    }

    /** REGISTER_VALUATION: the hash of a signed valuation certificate for a battery. */
    public record RegisterValuation(String certificateId, String batteryCode, Hash certificateHash) {
        public byte[] encode() {
            return new CanonicalWriter(128).str(certificateId).str(batteryCode).raw(certificateHash.unsafeBytes()).toByteArray();
        }

        public static RegisterValuation decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            RegisterValuation p = new RegisterValuation(r.str(Limits.MAX_NAME_BYTES), r.str(64), ChainCodec.hash(r));
            r.end();
            return p;
        }
    }

    /** REGISTER_VALUATIONS: up to {@value #MAX_ENTRIES} registrations, applied in order, all or none. */
    public record RegisterValuations(List<RegisterValuation> entries) {
        public static final int MAX_ENTRIES = 256;

        public RegisterValuations {
            entries = List.copyOf(entries);
            if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
                throw new IllegalArgumentException("a batch registers 1 to " + MAX_ENTRIES + " certificates, not " + entries.size());
            }
        }

        public byte[] encode() {
            CanonicalWriter w = new CanonicalWriter(64 + 128 * entries.size());
            w.list(entries, (ww, e) -> ww.str(e.certificateId()).str(e.batteryCode()).raw(e.certificateHash().unsafeBytes()));
            return w.toByteArray();
        }

        public static RegisterValuations decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            List<RegisterValuation> entries = r.list(MAX_ENTRIES, rr -> new RegisterValuation(rr.str(Limits.MAX_NAME_BYTES), rr.str(64), ChainCodec.hash(rr)));
            r.end();
            if (entries.isEmpty()) {
                throw new DecodeException("a batch of valuation registrations is empty");
            }
            return new RegisterValuations(entries);
        }
    }

    /** REGISTER_SIGNER: a document signer's certificate and the agency CA certificate that issued it, both DER. */
    public record RegisterSigner(byte[] certificate, byte[] agencyCa) {
        public byte[] encode() {
            return new CanonicalWriter(certificate.length + agencyCa.length + 16).bytes(certificate).bytes(agencyCa).toByteArray();
        }

        public static RegisterSigner decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            RegisterSigner p = new RegisterSigner(r.bytes(Limits.MAX_CERT_BYTES), r.bytes(Limits.MAX_CERT_BYTES));
            r.end();
            return p;
        }
    }

    /** REVOKE_SIGNER: a document signer of the sender's agency, by fingerprint, and why (an RFC 5280 reason code). */
    public record RevokeSigner(String fingerprint, org.batteryledger.core.pki.RevocationReason reason) {
        public byte[] encode() {
            return new CanonicalWriter(96).str(fingerprint).u8(reason.code()).toByteArray();
        }

        public static RevokeSigner decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            RevokeSigner p = new RevokeSigner(r.str(128), reason(r.u8()));
            r.end();
            return p;
        }

        static org.batteryledger.core.pki.RevocationReason reason(int code) {
            try {
                return org.batteryledger.core.pki.RevocationReason.fromCode(code);
            } catch (IllegalArgumentException e) {
                throw new org.batteryledger.core.codec.DecodeException(e.getMessage());
            }
        }
    }

    /** Where an anchored batch landed: state table {@code anchor}, keyed by the batch root's hex. */
    public record Anchor(String batchId, long recordCount, long height, Hash txHash, String agency) {
        public byte[] encode() {
            return new CanonicalWriter(128).str(batchId).u64(recordCount).u64(height).raw(txHash.unsafeBytes()).str(agency).toByteArray();
        }

        public static Anchor decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            return new Anchor(r.str(Limits.MAX_NAME_BYTES), r.u64(), r.u64(), ChainCodec.hash(r), r.str(Limits.MAX_NAME_BYTES));
        }
    }

    /** A registered valuation: state table {@code valuation}, keyed by certificate id. */
    public record Valuation(String batteryCode, Hash certificateHash, long height, Hash txHash, String agency, String supersededBy) {
        public byte[] encode() {
            return new CanonicalWriter(160).str(batteryCode).raw(certificateHash.unsafeBytes()).u64(height)
                    .raw(txHash.unsafeBytes()).str(agency).str(supersededBy).toByteArray();
        }

        public static Valuation decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            return new Valuation(r.str(64), ChainCodec.hash(r), r.u64(), ChainCodec.hash(r), r.str(Limits.MAX_NAME_BYTES), r.str(Limits.MAX_NAME_BYTES));
        }
    }
}
