package org.batteryledger.core.snapshot;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.WriteSet;

import java.util.List;

/**
 * Consecutive entries of a snapshot, in (table, key) order, none a delete. The canonical encoding is hand-written
 * like every consensus encoding: every validator must produce the same bytes, hence the same chunk hashes.
 */
public record SnapshotChunk(long height, int index, List<WriteSet.Entry> entries) {
    private static final int VERSION = 1;
    private static final int DOMAIN = 0x4a; // 'J'
    private static final int MAX_ENTRIES = 1_000_000;

    public SnapshotChunk {
        entries = List.copyOf(entries);
    }

    public byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(64 + 64 * entries.size());
        write(w);
        return w.toByteArray();
    }

    public void write(CanonicalWriter w) {
        write(w, height, index, entries);
    }

    static void write(CanonicalWriter w, long height, int index, List<WriteSet.Entry> entries) {
        w.u8(VERSION).u64(height).u32(index).list(entries, (ww, e) -> ww.str(e.table()).str(e.key()).bytes(e.value()));
    }

    /** The hash the manifest lists for a chunk whose encoding is {@code encoded}. */
    public static Hash hash(CryptoSuite suite, byte[] encoded) {
        byte[] b = new byte[encoded.length + 1];
        b[0] = DOMAIN;
        System.arraycopy(encoded, 0, b, 1, encoded.length);
        return suite.hash(b);
    }

    public Hash hash(CryptoSuite suite) {
        return hash(suite, encode());
    }

    public static SnapshotChunk read(CanonicalReader r) {
        int version = r.u8();
        if (version != VERSION) {
            throw new DecodeException("unsupported snapshot chunk version " + version);
        }
        long height = r.uint("height");
        int index = r.u32();
        if (index < 0) {
            throw new DecodeException("chunk index is negative");
        }
        return new SnapshotChunk(height, index, r.list(MAX_ENTRIES, rr -> new WriteSet.Entry(rr.str(256), rr.str(4096), rr.bytes(16 * 1024 * 1024))));
    }
}
