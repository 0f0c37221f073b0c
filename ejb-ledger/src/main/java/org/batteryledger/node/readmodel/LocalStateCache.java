package org.batteryledger.node.readmodel;

import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.concurrent.ConcurrentMap;

/**
 * The read model's cache on a member of one server: bounded on the heap, never replicated. A clustered member's servers
 * share Infinispan's replicated cache instead (wildfly-config's configure-ha.cli); a member of one server has nobody to
 * share with, and its server then loads none of Infinispan: about 4,400 classes fewer, 35 MB less RSS and a twelfth
 * less CPU until it serves (BENCHMARKS.md, "A node without Infinispan").
 *
 * <p>Caffeine, as inside Infinispan's own bounded heap cache: it keeps the entries likely to be read again (W-TinyLFU).
 * Its upkeep runs on the thread that writes, not in a pool of its own, so the node starts no threads for it.
 *
 * <p>Bounded by bytes as well as by entries. A count alone let the cache grow with the size of what a chain's contracts
 * write: a node that had just synced 140,000 transactions held 140,003 entries, about 60 MB of its heap, and stayed at
 * 595 MB RSS against 492-509 MB for its peers (BENCHMARKS.md, "A caught-up node's read model by bytes"). Each entry
 * weighs its estimated heap bytes, but never less than {@code maxBytes / maxEntries}, so that the one weight bound keeps
 * both: at most {@code maxEntries} entries and at most about {@code maxBytes} bytes. The replicated cache of a clustered
 * member stays bounded by entries alone: Infinispan counts the bytes of binary or off-heap storage only, not of objects.
 */
public final class LocalStateCache {
    /** The system property that bounds the cache by entries, as for the replicated cache of a clustered member. */
    public static final String ENTRIES_PROPERTY = "batteryledger.cache.state.entries";
    public static final long DEFAULT_ENTRIES = 200_000;
    /** The system property that bounds this cache by its entries' heap bytes, in MiB. */
    public static final String MEGABYTES_PROPERTY = "batteryledger.cache.state.megabytes";
    public static final long DEFAULT_MEGABYTES = 24;
    /**
     * An entry's heap beside its two strings' characters (all ASCII, so a byte each): two String objects and their arrays'
     * headers (80 bytes with compressed oops), Caffeine's node and its map's node and slot (about 80).
     */
    static final int ENTRY_OVERHEAD = 160;

    private LocalStateCache() {
    }

    /** A cache of at most {@code maxEntries} entries and about {@code maxBytes} bytes (a miss reads the database: {@link StateReadModel}). */
    public static ConcurrentMap<String, String> create(long maxEntries, long maxBytes) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the read model's cache needs room for an entry at least, not " + maxEntries);
        }
        if (maxBytes < ENTRY_OVERHEAD) {
            throw new IllegalArgumentException("the read model's cache needs room for an entry at least, not " + maxBytes + " bytes");
        }
        long least = Math.max(1, (maxBytes + maxEntries - 1) / maxEntries);
        return Caffeine.newBuilder().maximumWeight(maxBytes)
                .<String, String>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, Math.max(least, weight(k, v))))
                .executor(Runnable::run).<String, String>build().asMap();
    }

    /** An entry's estimated heap bytes. */
    static long weight(String key, String value) {
        return (long) key.length() + value.length() + ENTRY_OVERHEAD;
    }

    /** The bound by entries the server was started with ({@value #ENTRIES_PROPERTY}), or the default. */
    public static long entries(String property) {
        return positive(ENTRIES_PROPERTY, property, DEFAULT_ENTRIES, "a number of entries");
    }

    /** The bound by bytes the server was started with ({@value #MEGABYTES_PROPERTY}, in MiB), or the default. */
    public static long bytes(String property) {
        return positive(MEGABYTES_PROPERTY, property, DEFAULT_MEGABYTES, "a number of MiB") << 20;
    }

    private static long positive(String name, String property, long fallback, String what) {
        if (property == null || property.isBlank()) {
            return fallback;
        }
        try {
            long v = Long.parseLong(property.trim());
            if (v < 1 || v > (1L << 30)) {
                throw new IllegalArgumentException(name + " is " + what + " from 1 to 2^30, not " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is " + what + ", not '" + property + "'", e);
        }
    }
}
