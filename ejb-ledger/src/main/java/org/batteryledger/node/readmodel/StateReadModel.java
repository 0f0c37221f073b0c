package org.batteryledger.node.readmodel;

import org.batteryledger.core.state.WriteSet;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The committed state as queries see it: a cache (Infinispan in the node) filled after each commit, in front of the
 * database. Consensus never reads it; it only spares queries a trip through the replica's queue.
 *
 * <p>Entries are {@code table + '\u0000' + key}; a value is stored with a one-byte tag so that "absent" can be cached
 * too ({@link #ABSENT}). Commits overwrite with {@code put}; misses fill with {@code putIfAbsent}, so a miss that read
 * the database just before a commit can never overwrite the newer value the commit put there.
 */
public final class StateReadModel {
    private static final byte[] ABSENT = {0};
    private static final byte PRESENT = 1;

    private final ConcurrentMap<String, byte[]> cache;
    private final BiFunction<String, String, byte[]> database;
    /** Counts {@link #clear}s: a miss that read the database before one must not leave its value behind after it. */
    private final AtomicLong generation = new AtomicLong();

    /** @param database reads one committed entry from the database: {@code (table, key) -> value or null} */
    public StateReadModel(ConcurrentMap<String, byte[]> cache, BiFunction<String, String, byte[]> database) {
        this.cache = cache;
        this.database = database;
    }

    /** After the block's writes are durable: the cache now answers with them. */
    public void committed(WriteSet writes) {
        for (WriteSet.Entry e : writes.entries()) {
            cache.put(key(e.table(), e.key()), e.isDelete() ? ABSENT : tagged(e.value()));
        }
    }

    public Optional<byte[]> get(String table, String key) {
        String k = key(table, key);
        byte[] cached = cache.get(k);
        if (cached == null) {
            long g = generation.get();
            byte[] stored = database.apply(table, key);
            byte[] value = stored == null ? ABSENT : tagged(stored);
            byte[] raced = cache.putIfAbsent(k, value);
            if (raced == null && generation.get() != g) {
                cache.remove(k, value); // the state was replaced meanwhile (a join from a snapshot): the value may be old
            }
            cached = raced != null ? raced : value;
        }
        return cached[0] == PRESENT ? Optional.of(Arrays.copyOfRange(cached, 1, cached.length)) : Optional.empty();
    }

    /** Forgets everything, for a start-up: the cache may outlive a deployment, the database is the truth. */
    public void clear() {
        generation.incrementAndGet();
        cache.clear();
    }

    private static String key(String table, String key) {
        return table + '\u0000' + key;
    }

    private static byte[] tagged(byte[] value) {
        byte[] t = new byte[value.length + 1];
        t[0] = PRESENT;
        System.arraycopy(value, 0, t, 1, value.length);
        return t;
    }
}
