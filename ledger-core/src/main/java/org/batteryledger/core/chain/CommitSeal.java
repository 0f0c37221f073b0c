package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.NodeId;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One validator's COMMIT signature, as kept in a commit certificate (and a CHECKPOINT's, in a checkpoint certificate). */
public record CommitSeal(NodeId nodeId, byte[] signature) {
    /**
     * How many distinct holders of {@code keys} signed {@code message} validly; signatures of others, and invalid ones,
     * are not counted. For a verifier whose trusted set may be older than the set that signed: it needs a quorum of
     * its own validators, whoever else signed too.
     */
    public static int validSigners(CryptoSuite suite, byte[] message, List<CommitSeal> seals, Map<NodeId, byte[]> keys) {
        Set<NodeId> valid = new HashSet<>();
        for (CommitSeal seal : seals) {
            byte[] key = keys.get(seal.nodeId());
            if (key != null && !valid.contains(seal.nodeId()) && suite.verify(key, message, seal.signature())) {
                valid.add(seal.nodeId());
            }
        }
        return valid.size();
    }

    public void write(CanonicalWriter w) {
        w.str(nodeId.value()).bytes(signature);
    }

    public static CommitSeal read(CanonicalReader r) {
        return new CommitSeal(ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
    }
}
