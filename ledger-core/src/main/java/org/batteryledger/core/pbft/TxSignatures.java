package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Transaction signatures, each verified once per replica whether it came alone or inside a block. Both verdicts are
 * cached with a bound: a peer that sends the same junk-signed transaction again costs a map lookup, not an ECDSA
 * verification. The hash excludes the signature (by design, see {@link Transaction}), so the cache holds the
 * signature too: a known transaction with a forged signature is verified, and refused, afresh.
 */
final class TxSignatures {
    /** How many refused (hash, signature) pairs are remembered; the oldest go first. */
    static final int MAX_FAILED = 16_384;

    private final ReplicaState s;
    private final Map<Hash, byte[]> verified = new HashMap<>();
    private final Map<ByteBuffer, Boolean> failed = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
            return size() > MAX_FAILED;
        }
    };
    private final Map<NodeId, byte[]> senderKeys = new HashMap<>();
    private long keysOfHeight = -1;

    TxSignatures(ReplicaState s) {
        this.s = s;
    }

    /** Null when the transaction's sender is an active node and its signature holds. */
    Rejected verify(Transaction tx) {
        Hash h = tx.hash(s.suite);
        byte[] signature = tx.signature();
        byte[] known = verified.get(h);
        if (known != null && Arrays.equals(known, signature)) {
            return null;
        }
        byte[] key = senderKey(tx.sender());
        if (key == null) {
            return Rejected.of(Rejection.BLOCK_TX_SENDER, "transaction " + h.shortHex() + " from an unknown or revoked sender");
        }
        ByteBuffer failedKey = ByteBuffer.wrap(concat(h.unsafeBytes(), signature));
        if (failed.containsKey(failedKey)) {
            return Rejected.of(Rejection.BLOCK_TX_SIGNATURE, "transaction " + h.shortHex() + " (refused before)");
        }
        s.metrics.signaturesVerified++;
        if (!tx.verifySignature(s.suite, key)) {
            failed.put(failedKey, Boolean.TRUE);
            return Rejected.of(Rejection.BLOCK_TX_SIGNATURE, "transaction " + h.shortHex());
        }
        if (verified.size() > 4 * s.config.maxPoolTxs()) {
            verified.clear();
        }
        verified.put(h, signature);
        return null;
    }

    /**
     * Null when the transaction's sender is an active node, without verifying its signature: for a certified block
     * whose header commits to its signatures ({@link BlockValidator}).
     */
    Rejected sender(Transaction tx) {
        if (senderKey(tx.sender()) == null) {
            return Rejected.of(Rejection.BLOCK_TX_SENDER, "transaction " + tx.hash(s.suite).shortHex() + " from an unknown or revoked sender");
        }
        s.metrics.signaturesVouched++;
        return null;
    }

    /** A committed transaction is never verified again (the envelope check refuses it as a duplicate first). */
    void forget(Hash txHash) {
        verified.remove(txHash);
    }

    /** Keys of active senders as of the committed state; read again at every height (revocations, new nodes). */
    private byte[] senderKey(NodeId id) {
        if (keysOfHeight != s.height) {
            senderKeys.clear();
            keysOfHeight = s.height;
        }
        return senderKeys.computeIfAbsent(id, k -> {
            NodeRecord n = Registry.node(s.state, k);
            return n == null || Registry.isRevoked(s.state, k) ? null : n.publicKey();
        });
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
