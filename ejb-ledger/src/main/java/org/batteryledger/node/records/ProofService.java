package org.batteryledger.node.records;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;
import org.batteryledger.core.merkle.InclusionProof;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordProof;
import org.batteryledger.core.proof.RecordVerifier;
import org.batteryledger.node.service.LedgerService;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Inclusion proofs of stored records, and their verification against this node's chain. */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ProofService {
    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;

    /** Why there is no proof (yet). */
    @jakarta.ejb.ApplicationException
    public static final class NoProof extends RuntimeException {
        NoProof(String message) {
            super(message);
        }
    }

    /** The proof of a stored, anchored record, with the evidence to check it offline. */
    public AnchorEvidence evidence(String recordId) {
        RecordEntity r = store.record(recordId).orElseThrow(() -> new NoProof("this node holds no record " + recordId));
        BatchEntity b = r.batchId() == null ? null : store.batch(r.batchId()).orElse(null);
        if (b == null || b.status() != BatchEntity.Status.ANCHORED) {
            throw new NoProof("record " + recordId + " is stored but not anchored yet" + (b == null ? " (waiting for its batch)"
                    : " (batch " + b.batchId() + " is " + b.status().name().toLowerCase(java.util.Locale.ROOT) + ")"));
        }
        byte[] kept = r.auditPath();
        InclusionProof path = kept != null ? InclusionProof.decode(kept)
                : MerkleTree.of(ledger.suite(), store.leaves(b.batchId())).inclusionProof(r.leafIndex());
        return evidence(new RecordProof(Hash.fromHex(r.recordHash()), path, Hash.fromHex(b.root()), b.height(), Hash.fromHex(b.txHash())));
    }

    /**
     * The offline evidence for a record's place in an anchored batch (this node's or another member's): the block
     * that anchored the batch, the anchoring transaction with its path to the block's transaction root, and the
     * block's commit certificate, all from this node's chain.
     */
    public AnchorEvidence evidence(RecordProof proof) {
        CryptoSuite suite = ledger.suite();
        CommittedBlock block = ledger.block(proof.blockHeight())
                .orElseThrow(() -> new IllegalStateException("block " + proof.blockHeight() + " is missing from this node"));
        List<Transaction> txs = block.block().transactions();
        List<Hash> txHashes = txs.stream().map(t -> t.hash(suite)).toList();
        int txIndex = txHashes.indexOf(proof.txHash());
        if (txIndex < 0) {
            throw new IllegalStateException("transaction " + proof.txHash().hex() + " is not in block " + proof.blockHeight());
        }
        return new AnchorEvidence(proof, block.block().header(), txs.get(txIndex), MerkleTree.of(suite, txHashes).inclusionProof(txIndex),
                block.certificate());
    }

    /** The verdict on a record's canonical bytes against its evidence, with this node's current validator set. */
    public RecordVerifier.Verdict verdict(byte[] canonical, AnchorEvidence evidence) {
        return verifier().verify(canonical, evidence);
    }

    /** The verdict on a record someone holds: its content against the anchored hash, and the anchor against the chain. */
    public Verification verify(String recordJson) {
        Object tree;
        try {
            tree = Json.parse(recordJson);
        } catch (JsonException e) {
            throw new InvalidInput("the record is not valid JSON: " + e.getMessage());
        }
        if (!(tree instanceof Map<?, ?> m) || !(m.get("recordId") instanceof String recordId)) {
            throw new InvalidInput("a record is a JSON object with a string field 'recordId'");
        }
        AnchorEvidence e;
        try {
            e = evidence(recordId);
        } catch (NoProof np) {
            return new Verification(false, np.getMessage(), null);
        }
        byte[] canonical = Jcs.canonicalize(tree).getBytes(StandardCharsets.UTF_8);
        RecordVerifier.Verdict v = verifier().verify(canonical, e);
        return new Verification(v.valid(), v.reason(), e);
    }

    /**
     * A verifier for this node's current validator set. A block certified by an earlier set (before a membership
     * change) may name validators that have left; this node checked that block when it committed it.
     */
    private RecordVerifier verifier() {
        LedgerService.Validators v = ledger.validators();
        return new RecordVerifier(ledger.suite(), v.chainId(), v.keys());
    }

    /**
     * A record as this node stores it, checked against the chain: a row changed in the database (its content, its
     * hash, or both) fails here with the broken link named, because the chain, not the database, holds the truth.
     */
    public StoredRecord stored(String recordId) {
        RecordEntity r = store.record(recordId).orElseThrow(() -> new NoProof("this node holds no record " + recordId));
        Verification v;
        try {
            v = verify(r.canonicalJson());
        } catch (InvalidInput e) {
            v = new Verification(false, "the stored record is no longer a record: " + e.getMessage(), null);
        }
        return new StoredRecord(recordId, r.canonicalJson(), r.source(), v);
    }

    public record StoredRecord(String recordId, String canonicalJson, String source, Verification verification) {
    }

    /** {@code evidence} is null when there was nothing to check against. */
    public record Verification(boolean valid, String reason, AnchorEvidence evidence) {
    }
}
