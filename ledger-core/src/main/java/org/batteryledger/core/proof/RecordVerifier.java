package org.batteryledger.core.proof;

import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.Quorum;
import org.batteryledger.core.pki.CertificateChecker;
import org.batteryledger.core.pki.CheckResult;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.RevocationView;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a record against the chain without a node: the record's hash, its path to the batch root, the anchoring
 * transaction and its path to the block's transaction root, and the block's commit certificate, which must carry a
 * quorum (2f+1 of n) of valid seals from the validator set.
 *
 * <p>What the verifier must trust: the chain id and the validator set at the block's height. A proof cannot bring
 * its own validators (a member could otherwise certify a block alone), so the verifier takes them from a source it
 * trusts — the consortium's published node list — and {@link #fromCertificates} checks that each one is a node
 * certificate of the chain's PKI.
 */
public final class RecordVerifier {
    private final CryptoSuite suite;
    private final Hash chainId;
    private final Map<NodeId, byte[]> validators;

    /** The outcome: valid, or the first check that failed, in words. */
    public record Verdict(boolean valid, String reason) {
        static Verdict ok(String what) {
            return new Verdict(true, what);
        }

        static Verdict fail(String why) {
            return new Verdict(false, why);
        }
    }

    /** @param validators node id → public key (SubjectPublicKeyInfo DER) of the validators at the block's height */
    public RecordVerifier(CryptoSuite suite, Hash chainId, Map<NodeId, byte[]> validators) {
        if (validators.isEmpty()) {
            throw new IllegalArgumentException("a validator set has at least one node");
        }
        this.suite = suite;
        this.chainId = chainId;
        this.validators = Map.copyOf(validators);
    }

    /**
     * The validator set from node certificates, each given as {@code [node certificate, agency CA certificate]} and
     * checked against the chain CA at {@code at} (the verifier's clock or the block's time).
     *
     * @throws IllegalArgumentException naming the first certificate that is not a node of this chain's PKI
     */
    public static RecordVerifier fromCertificates(EcSuite suite, Hash chainId, X509Certificate chainCa, List<List<X509Certificate>> validatorChains,
                                                  Instant at) {
        CertificateChecker checker = new CertificateChecker(suite, chainCa);
        Map<NodeId, byte[]> keys = new LinkedHashMap<>();
        for (List<X509Certificate> chain : validatorChains) {
            CheckResult r = checker.check(chain, at, RevocationView.NONE, id -> true);
            if (!r.ok()) {
                throw new IllegalArgumentException("validator certificate " + chain.get(0).getSubjectX500Principal().getName() + ": " + r.reason());
            }
            keys.put(r.nodeId(), NodeIds.publicKey(chain.get(0)));
        }
        return new RecordVerifier(suite, chainId, keys);
    }

    /** @param canonicalRecord the record's canonical JSON bytes (RFC 8785), as {@code ParsedRecord.canonicalBytes()} */
    public Verdict verify(byte[] canonicalRecord, AnchorEvidence e) {
        RecordProof p = e.proof();
        Hash recordHash = suite.hash(canonicalRecord);
        if (!recordHash.equals(p.recordHash())) {
            return Verdict.fail("the record does not match the anchored hash: it hashes to " + recordHash.hex() + ", the proof anchors "
                    + p.recordHash().hex() + " (the record was changed, or this is another record's proof)");
        }
        return verifyAnchored(e);
    }

    /**
     * That the record hash the evidence names is anchored: everything {@link #verify} checks but the record's own
     * bytes, for a verifier that holds only the hash (a valuation's evidence bundle lists its inputs by hash).
     */
    public Verdict verifyAnchored(AnchorEvidence e) {
        RecordProof p = e.proof();
        Hash recordHash = p.recordHash();
        if (!p.path().verify(suite, recordHash, p.batchRoot())) {
            return Verdict.fail("the audit path of leaf " + p.path().leafIndex() + " of " + p.path().treeSize() + " does not lead to batch root " + p.batchRoot().hex());
        }
        if (!e.anchorTx().hash(suite).equals(p.txHash())) {
            return Verdict.fail("the evidence carries transaction " + e.anchorTx().hash(suite).hex() + ", not the anchoring transaction " + p.txHash().hex());
        }
        if (!Payloads.AnchorBatch.anchors(e.anchorTx().type())) {
            return Verdict.fail("transaction " + p.txHash().hex() + " is a " + e.anchorTx().type() + ", not an anchoring transaction");
        }
        Payloads.AnchorBatch anchor;
        try {
            anchor = Payloads.AnchorBatch.of(e.anchorTx());
        } catch (DecodeException | IllegalArgumentException ex) {
            return Verdict.fail("the anchoring transaction's payload is malformed: " + ex.getMessage());
        }
        if (!anchor.batchRoot().equals(p.batchRoot()) || anchor.recordCount() != p.path().treeSize()) {
            return Verdict.fail("transaction " + p.txHash().hex() + " anchors root " + anchor.batchRoot().hex() + " of " + anchor.recordCount()
                    + " records, not root " + p.batchRoot().hex() + " of " + p.path().treeSize());
        }
        if (e.header().height() != p.blockHeight()) {
            return Verdict.fail("the evidence carries block " + e.header().height() + ", the proof names block " + p.blockHeight());
        }
        if (!e.txPath().verify(suite, p.txHash(), e.header().txRoot())) {
            return Verdict.fail("transaction " + p.txHash().hex() + " is not in block " + p.blockHeight() + " (its path does not lead to the transaction root)");
        }
        Hash blockHash = e.header().hash(suite);
        if (e.certificate().height() != e.header().height() || !e.certificate().blockHash().equals(blockHash)) {
            return Verdict.fail("the commit certificate is for block " + e.certificate().height() + " " + e.certificate().blockHash().shortHex()
                    + ", not for block " + e.header().height() + " " + blockHash.shortHex());
        }
        String certificateProblem = e.certificate().verify(suite, chainId, validators, Quorum.size(validators.size()));
        if (certificateProblem != null) {
            return Verdict.fail("block " + p.blockHeight() + " is not final for this validator set: " + certificateProblem);
        }
        return Verdict.ok("record " + recordHash.hex() + " is leaf " + p.path().leafIndex() + " of batch " + p.batchRoot().shortHex()
                + ", anchored by transaction " + p.txHash().shortHex() + " in block " + p.blockHeight() + ", committed by "
                + e.certificate().seals().size() + " of " + validators.size() + " validators");
    }
}
