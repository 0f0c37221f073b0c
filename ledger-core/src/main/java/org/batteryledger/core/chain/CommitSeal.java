package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.NodeId;

/** One validator's COMMIT signature, as kept in a commit certificate. */
public record CommitSeal(NodeId nodeId, byte[] signature) {
    public void write(CanonicalWriter w) {
        w.str(nodeId.value()).bytes(signature);
    }

    public static CommitSeal read(CanonicalReader r) {
        return new CommitSeal(ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
    }
}
