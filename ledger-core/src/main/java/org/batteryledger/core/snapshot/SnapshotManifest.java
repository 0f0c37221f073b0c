package org.batteryledger.core.snapshot;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.util.List;

/**
 * The table of contents of the state after block {@code height}: how many entries, and the hash of each chunk in
 * order. Its {@link #digest} is what validators sign in a checkpoint, so a joining node checks each chunk on arrival
 * against a hash a quorum vouched for (the shape of CometBFT's state sync: a signed root, then verified chunks).
 */
public record SnapshotManifest(long height, Hash blockHash, long entryCount, List<Hash> chunkHashes) {
    private static final int VERSION = 1;
    private static final int DOMAIN = 0x4d; // 'M'
    /** 100,000 chunks of up to 1 MiB: a state of up to about 100 GB, in a manifest of 3.2 MB. */
    public static final int MAX_CHUNKS = 100_000;

    public SnapshotManifest {
        chunkHashes = List.copyOf(chunkHashes);
    }

    public Hash digest(CryptoSuite suite) {
        CanonicalWriter w = new CanonicalWriter(64 + 32 * chunkHashes.size()).u8(DOMAIN);
        write(w);
        return suite.hash(w.toByteArray());
    }

    public void write(CanonicalWriter w) {
        w.u8(VERSION).u64(height).raw(blockHash.unsafeBytes()).u64(entryCount).list(chunkHashes, (ww, h) -> ww.raw(h.unsafeBytes()));
    }

    public static SnapshotManifest read(CanonicalReader r) {
        int version = r.u8();
        if (version != VERSION) {
            throw new DecodeException("unsupported snapshot manifest version " + version);
        }
        return new SnapshotManifest(r.uint("height"), ChainCodec.hash(r), r.uint("entryCount"), r.list(MAX_CHUNKS, ChainCodec::hash));
    }
}
