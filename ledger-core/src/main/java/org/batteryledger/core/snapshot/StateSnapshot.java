package org.batteryledger.core.snapshot;

import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The whole state after one block, frozen: every entry in (table, key) order, cut into chunks of about
 * {@value #CHUNK_TARGET_BYTES} bytes (a chunk holds at least one entry), with its {@link SnapshotManifest}.
 * The entries are references to the state's own keys and values, which are never changed in place (a write replaces
 * a value), so a snapshot costs a few dozen bytes per entry, and chunks are encoded again when asked for rather than
 * kept. The cut depends on nothing but the entries, so every honest validator computes the same manifest.
 */
public final class StateSnapshot {
    public static final int CHUNK_TARGET_BYTES = 1024 * 1024;

    private final long height;
    private final Hash blockHash;
    private final WriteSet.Entry[] entries;
    /** Chunk i holds entries [starts[i], starts[i+1]). */
    private final int[] starts;
    private final SnapshotManifest manifest;
    private final Hash digest;

    private StateSnapshot(CryptoSuite suite, long height, Hash blockHash, WriteSet.Entry[] entries, int[] starts) {
        this.height = height;
        this.blockHash = blockHash;
        this.entries = entries;
        this.starts = starts;
        List<Hash> hashes = new ArrayList<>(starts.length - 1);
        for (int i = 0; i + 1 < starts.length; i++) {
            hashes.add(SnapshotChunk.hash(suite, encodeChunk(i)));
        }
        this.manifest = new SnapshotManifest(height, blockHash, entries.length, hashes);
        this.digest = manifest.digest(suite);
    }

    /** The state after block {@code height} (whose hash is {@code blockHash}), as it is now. One pass over it. */
    public static StateSnapshot of(CryptoSuite suite, long height, Hash blockHash, WorldState state) {
        List<WriteSet.Entry> all = new ArrayList<>(state.size());
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        long chunkBytes = 0;
        for (String table : state.tables()) {
            int tableBytes = table.getBytes(StandardCharsets.UTF_8).length;
            for (Map.Entry<String, byte[]> e : state.scan(table).entrySet()) {
                long size = 12L + tableBytes + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
                if (chunkBytes > 0 && chunkBytes + size > CHUNK_TARGET_BYTES) {
                    cuts.add(all.size());
                    chunkBytes = 0;
                }
                chunkBytes += size;
                all.add(new WriteSet.Entry(table, e.getKey(), e.getValue()));
            }
        }
        if (!all.isEmpty()) {
            cuts.add(all.size());
        }
        int[] starts = cuts.stream().mapToInt(Integer::intValue).toArray();
        return new StateSnapshot(suite, height, blockHash, all.toArray(new WriteSet.Entry[0]), starts);
    }

    public long height() {
        return height;
    }

    public Hash blockHash() {
        return blockHash;
    }

    public SnapshotManifest manifest() {
        return manifest;
    }

    /** What validators sign: the manifest's digest. */
    public Hash digest() {
        return digest;
    }

    public int chunkCount() {
        return starts.length - 1;
    }

    public long entryCount() {
        return entries.length;
    }

    /** Chunk {@code index}, or null when there is no such chunk. */
    public SnapshotChunk chunk(int index) {
        if (index < 0 || index >= chunkCount()) {
            return null;
        }
        return new SnapshotChunk(height, index, Arrays.asList(entries).subList(starts[index], starts[index + 1]));
    }

    private byte[] encodeChunk(int index) {
        CanonicalWriter w = new CanonicalWriter(CHUNK_TARGET_BYTES / 4);
        SnapshotChunk.write(w, height, index, Arrays.asList(entries).subList(starts[index], starts[index + 1]));
        return w.toByteArray();
    }
}
