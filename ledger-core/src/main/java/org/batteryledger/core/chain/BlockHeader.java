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
 * <p>
 * {@code sigRoot} (version 2) commits to the transactions' signatures, which {@code txRoot} leaves out (a transaction's
 * hash is its identity, see {@link Transaction}). With it, a commit certificate vouches for the signatures too: at
 * least f+1 honest validators checked them before they signed, so a node syncing certified blocks need not verify
 * every signature again, and a peer that alters one in transit is caught by the root. Version 1 headers (no
 * {@code sigRoot}, null here) are those of chains begun before it and of every genesis block; they encode and hash as
 * before, so those chains keep their hashes.
 */
public record BlockHeader(long height, Hash parentHash, Hash txRoot, Hash stateRoot, NodeId proposer, int view, long timestamp, Hash sigRoot) {
    private static final int DOMAIN = 0x42; // 'B'
    private static final int VERSION_WITHOUT_SIGNATURES = 1;
    private static final int VERSION = 2;

    /** A version 1 header, without {@code sigRoot}. */
    public BlockHeader(long height, Hash parentHash, Hash txRoot, Hash stateRoot, NodeId proposer, int view, long timestamp) {
        this(height, parentHash, txRoot, stateRoot, proposer, view, timestamp, null);
    }

    public int version() {
        return sigRoot == null ? VERSION_WITHOUT_SIGNATURES : VERSION;
    }

    /** This header with another timestamp, of the same version. */
    public BlockHeader withTimestamp(long otherTimestamp) {
        return new BlockHeader(height, parentHash, txRoot, stateRoot, proposer, view, otherTimestamp, sigRoot);
    }

    /** This header with another state root, of the same version. */
    public BlockHeader withStateRoot(Hash otherStateRoot) {
        return new BlockHeader(height, parentHash, txRoot, otherStateRoot, proposer, view, timestamp, sigRoot);
    }

    public void write(CanonicalWriter w) {
        w.u8(version()).u64(height).raw(parentHash.unsafeBytes()).raw(txRoot.unsafeBytes()).raw(stateRoot.unsafeBytes())
                .str(proposer.value()).u32(view).u64(timestamp);
        if (sigRoot != null) {
            w.raw(sigRoot.unsafeBytes());
        }
    }

    public static BlockHeader read(CanonicalReader r) {
        int version = r.u8();
        if (version != VERSION && version != VERSION_WITHOUT_SIGNATURES) {
            throw new org.batteryledger.core.codec.DecodeException("unsupported block header version " + version);
        }
        BlockHeader h = new BlockHeader(r.uint("height"), ChainCodec.hash(r), ChainCodec.hash(r), ChainCodec.hash(r),
                ChainCodec.nodeId(r), r.u32(), r.u64());
        return version == VERSION ? new BlockHeader(h.height, h.parentHash, h.txRoot, h.stateRoot, h.proposer, h.view, h.timestamp,
                ChainCodec.hash(r)) : h;
    }

    public Hash hash(CryptoSuite suite) {
        CanonicalWriter w = new CanonicalWriter(232).u8(DOMAIN);
        write(w);
        return suite.hash(w.toByteArray());
    }
}
