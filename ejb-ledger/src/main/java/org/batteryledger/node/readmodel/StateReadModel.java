package org.batteryledger.node.readmodel;

import org.batteryledger.core.state.WriteSet;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * The committed state as queries see it: a cache (Infinispan in the node; replicated among the servers of a clustered
 * member) filled after each commit, in front of the database. Consensus never reads it; it only spares queries a trip
 * through the replica's queue, and gives a member's standby server a warm cache when it takes over.
 *
 * <p>Entries are {@code table + '\u0000' + key}. A value carries the height it is known to be current at, so that a
 * write can never replace a newer one: a commit replaces an entry only when its height is higher (compare-and-set), and
 * a server of a clustered member that was paused between persisting a block and filling the cache (and was taken over
 * meanwhile) cannot put its older values back when it resumes. A miss reads the committed height first, then the value:
 * the value is at least that new, so the height is a safe lower bound for it. "Absent" is cached too.
 *
 * <p>Values are Latin-1 strings holding the bytes, one char per byte: the cache compares values with
 * {@code equals} for its compare-and-set, and a byte array's {@code equals} is identity (Java stores such strings
 * one byte per char, so the cache holds no more than the bytes).
 */
public final class StateReadModel {
    private static final char ABSENT = 0;
    private static final char PRESENT = 1;
    /** Tag, then the height in 8 chars (one byte each, big-endian), then the value. */
    private static final int HEADER = 9;

    private final ConcurrentMap<String, String> cache;
    private final BiFunction<String, String, byte[]> database;
    private final LongSupplier committedHeight;
    /** Counts {@link #clear}s: a miss that read the database before one must not leave its value behind after it. */
    private final AtomicLong generation = new AtomicLong();

    /**
     * @param database        reads one committed entry from the database: {@code (table, key) -> value or null}
     * @param committedHeight a height the database holds committed already (never ahead of it), read before a miss
     */
    public StateReadModel(ConcurrentMap<String, String> cache, BiFunction<String, String, byte[]> database, LongSupplier committedHeight) {
        this.cache = cache;
        this.database = database;
        this.committedHeight = committedHeight;
    }

    /** After block {@code height}'s writes are durable: the cache now answers with them, unless it holds newer ones. */
    public void committed(long height, WriteSet writes) {
        for (WriteSet.Entry e : writes.entries()) {
            install(key(e.table(), e.key()), encode(height, e.isDelete() ? null : e.value()), height);
        }
    }

    private void install(String k, String value, long height) {
        while (true) {
            String current = cache.get(k);
            if (current == null) {
                if (cache.putIfAbsent(k, value) == null) {
                    return;
                }
            } else if (heightOf(current) >= height) {
                return; // a commit at this height or later is there already
            } else if (cache.replace(k, current, value)) {
                return;
            }
        }
    }

    public Optional<byte[]> get(String table, String key) {
        String k = key(table, key);
        String cached = cache.get(k);
        if (cached == null) {
            long g = generation.get();
            long height = committedHeight.getAsLong(); // before the value: the value read next is at least this new
            String value = encode(height, database.apply(table, key));
            String raced = cache.putIfAbsent(k, value);
            if (raced == null && generation.get() != g) {
                cache.remove(k, value); // the state was replaced meanwhile (a join from a snapshot): the value may be old
            }
            cached = raced != null ? raced : value;
        }
        return cached.charAt(0) == PRESENT ? Optional.of(cached.substring(HEADER).getBytes(StandardCharsets.ISO_8859_1)) : Optional.empty();
    }

    /** Forgets everything, for a start-up: the cache may outlive a deployment, the database is the truth. */
    public void clear() {
        generation.incrementAndGet();
        cache.clear();
    }

    private static String key(String table, String key) {
        return table + '\u0000' + key;
    }

    static String encode(long height, byte[] value) {
        StringBuilder b = new StringBuilder(HEADER + (value == null ? 0 : value.length));
        b.append(value == null ? ABSENT : PRESENT);
        for (int shift = 56; shift >= 0; shift -= 8) {
            b.append((char) ((height >>> shift) & 0xff));
        }
        if (value != null) {
            b.append(new String(value, StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    static long heightOf(String cached) {
        long h = 0;
        for (int i = 1; i < HEADER; i++) {
            h = (h << 8) | cached.charAt(i);
        }
        return h;
    }
}
