package org.batteryledger.core.snapshot;

import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.FrozenTable;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The whole state after one block, frozen: every entry in (table, key) order, cut into chunks of about
 * {@value #CHUNK_TARGET_BYTES} bytes (a chunk holds at least one entry), with its {@link SnapshotManifest}.
 * The entries are the state's own tables frozen ({@link WorldState#freeze}): references to the keys and values of plain
 * tables, the shared leaves of packed ones, so a snapshot costs a few bytes per entry, and chunks are encoded again
 * when asked for rather than kept. The cut depends on nothing but the entries, so every honest validator computes the
 * same manifest, whatever the layout of its state.
 *
 * <p>Freezing copies references in one pass; cutting and hashing are the cost (every byte of the state encoded and
 * hashed: 160-250 ms for 150,000 entries under C1, as nodes run). A replica cuts and hashes a chunk per input
 * ({@link #digestSome}) rather than all at once, so that a checkpoint does not stall the commits behind it: the
 * incremental checkpoint of Castro &amp; Liskov (TOCS 2002, §6.2.2) in its simplest form, the same digest, later.
 */
public final class StateSnapshot {
    public static final int CHUNK_TARGET_BYTES = 1024 * 1024;

    private final CryptoSuite suite;
    private final long height;
    private final Hash blockHash;
    /** The tables in order; entry i is entry {@code i - tableStarts[t]} of the table t whose range holds i. */
    private final FrozenTable[] tables;
    private final int[] tableStarts;
    private final int entryCount;
    /** Chunk i holds entries [starts[i], starts[i+1]); cut as the chunks are hashed, so chunkHashes.size() are cut. */
    private int[] starts = {0};
    private final List<Hash> chunkHashes = new ArrayList<>();
    private SnapshotManifest manifest;
    private Hash digest;

    private StateSnapshot(CryptoSuite suite, long height, Hash blockHash, List<FrozenTable> tables) {
        this.suite = suite;
        this.height = height;
        this.blockHash = blockHash;
        this.tables = tables.toArray(new FrozenTable[0]);
        this.tableStarts = new int[this.tables.length + 1];
        for (int t = 0; t < this.tables.length; t++) {
            tableStarts[t + 1] = tableStarts[t] + this.tables[t].size();
        }
        this.entryCount = tableStarts[this.tables.length];
    }

    /** The state after block {@code height} (whose hash is {@code blockHash}), as it is now, hashed. */
    public static StateSnapshot of(CryptoSuite suite, long height, Hash blockHash, WorldState state) {
        StateSnapshot s = freeze(suite, height, blockHash, state);
        s.digestSome(Integer.MAX_VALUE);
        return s;
    }

    /**
     * The state after block {@code height} as it is now, neither cut nor hashed yet: one pass copying references. The
     * state may change afterwards; the snapshot keeps what it held.
     */
    public static StateSnapshot freeze(CryptoSuite suite, long height, Hash blockHash, WorldState state) {
        return new StateSnapshot(suite, height, blockHash, state.freeze());
    }

    /** Cuts and hashes up to {@code count} more chunks; true once every chunk is hashed and the manifest and digest known. */
    public boolean digestSome(int count) {
        for (int i = 0; i < count && starts[chunkCount()] < entryCount; i++) {
            int chunk = chunkCount();
            cut(chunk);
            chunkHashes.add(SnapshotChunk.hash(suite, encodeChunk(chunk)));
        }
        if (manifest == null && starts[chunkCount()] == entryCount) {
            manifest = new SnapshotManifest(height, blockHash, entryCount, chunkHashes);
            digest = manifest.digest(suite);
        }
        return manifest != null;
    }

    public boolean digested() {
        return manifest != null;
    }

    /** Where chunk {@code chunk} ends: entries while they fit in {@value #CHUNK_TARGET_BYTES} bytes, and at least one. */
    private void cut(int chunk) {
        int to = starts[chunk];
        long bytes = 0;
        int t = tableOf(to);
        int tableBytes = -1;
        while (to < entryCount) {
            while (to >= tableStarts[t + 1]) {
                t++;
                tableBytes = -1;
            }
            if (tableBytes < 0) { // one length computation per table and chunk
                tableBytes = tables[t].table().getBytes(StandardCharsets.UTF_8).length;
            }
            int i = to - tableStarts[t];
            long size = 12L + tableBytes + tables[t].keyBytes(i) + tables[t].valueBytes(i);
            if (bytes > 0 && bytes + size > CHUNK_TARGET_BYTES) {
                break;
            }
            bytes += size;
            to++;
        }
        if (chunk + 1 == starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        starts[chunk + 1] = to;
    }

    /** The table whose range holds entry {@code i} (the last table when {@code i} is the end). */
    private int tableOf(int i) {
        return FrozenTable.rangeOf(tableStarts, tables.length, i);
    }

    public long height() {
        return height;
    }

    public Hash blockHash() {
        return blockHash;
    }

    /** The manifest; only once {@link #digested}. */
    public SnapshotManifest manifest() {
        return requireDigested(manifest);
    }

    /** What validators sign: the manifest's digest; only once {@link #digested}. */
    public Hash digest() {
        return requireDigested(digest);
    }

    private static <T> T requireDigested(T value) {
        if (value == null) {
            throw new IllegalStateException("the snapshot is not hashed yet");
        }
        return value;
    }

    /** The chunks cut so far: all of them once {@link #digested}. */
    public int chunkCount() {
        return chunkHashes.size();
    }

    public long entryCount() {
        return entryCount;
    }

    /** Chunk {@code index}, or null when there is no such chunk (yet). */
    public SnapshotChunk chunk(int index) {
        if (index < 0 || index >= chunkCount()) {
            return null;
        }
        return new SnapshotChunk(height, index, entries(index));
    }

    private List<WriteSet.Entry> entries(int chunk) {
        List<WriteSet.Entry> out = new ArrayList<>(starts[chunk + 1] - starts[chunk]);
        for (int i = starts[chunk], t = tableOf(i); i < starts[chunk + 1]; i++) {
            while (i >= tableStarts[t + 1]) {
                t++;
            }
            FrozenTable table = tables[t];
            out.add(new WriteSet.Entry(table.table(), table.key(i - tableStarts[t]), table.value(i - tableStarts[t])));
        }
        return out;
    }

    private byte[] encodeChunk(int index) {
        CanonicalWriter w = new CanonicalWriter(CHUNK_TARGET_BYTES / 4);
        SnapshotChunk.write(w, height, index, entries(index));
        return w.toByteArray();
    }
}
