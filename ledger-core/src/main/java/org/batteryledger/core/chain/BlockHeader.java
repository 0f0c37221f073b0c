package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

/**
 * What a block's hash commits to. {@code view} and {@code proposer} are those of the PRE-PREPARE that first
 * proposed the block: a block re-proposed after a view change keeps them, and so keeps its hash.
 * {@code timestamp} is the proposer's wall clock in milliseconds, never less than the parent's.
 */
public record BlockHeader(long height, Hash parentHash, Hash txRoot, Hash stateRoot, NodeId proposer, int view, long timestamp) {
    private static final int DOMAIN = 0x42; // 'B'
    private static final int VERSION = 1;

    public void write(CanonicalWriter w) {
        w.u8(VERSION).u64(height).raw(parentHash.unsafeBytes()).raw(txRoot.unsafeBytes()).raw(stateRoot.unsafeBytes())
                .str(proposer.value()).u32(view).u64(timestamp);
    }

    public static BlockHeader read(CanonicalReader r) {
        int version = r.u8();
        if (version != VERSION) {
            throw new org.batteryledger.core.codec.DecodeException("unsupported block header version " + version);
        }
        return new BlockHeader(r.uint("height"), ChainCodec.hash(r), ChainCodec.hash(r), ChainCodec.hash(r),
                ChainCodec.nodeId(r), r.u32(), r.u64());
    }

    public Hash hash(CryptoSuite suite) {
        CanonicalWriter w = new CanonicalWriter(200).u8(DOMAIN);
        write(w);
        return suite.hash(w.toByteArray());
    }
}
