package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

/** Decoding helpers shared by the chain types, turning malformed values into {@link DecodeException}. */
public final class ChainCodec {
    private ChainCodec() {
    }

    public static NodeId nodeId(CanonicalReader r) {
        String s = r.str(64);
        try {
            return new NodeId(s);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("malformed node id");
        }
    }

    public static Hash hash(CanonicalReader r) {
        return Hash.of(r.raw(Hash.LENGTH));
    }
}
