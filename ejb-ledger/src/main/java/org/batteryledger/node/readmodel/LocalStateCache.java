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
 */
public final class LocalStateCache {
    /** The system property that bounds the cache, as for the replicated cache of a clustered member. */
    public static final String ENTRIES_PROPERTY = "batteryledger.cache.state.entries";
    public static final long DEFAULT_ENTRIES = 200_000;

    private LocalStateCache() {
    }

    /** A cache of at most {@code maxEntries} entries (a miss reads the database: {@link StateReadModel}). */
    public static ConcurrentMap<String, String> create(long maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the read model's cache needs room for an entry at least, not " + maxEntries);
        }
        return Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).<String, String>build().asMap();
    }

    /** The bound the server was started with ({@value #ENTRIES_PROPERTY}), or the default. */
    public static long entries(String property) {
        if (property == null || property.isBlank()) {
            return DEFAULT_ENTRIES;
        }
        try {
            return Long.parseLong(property.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENTRIES_PROPERTY + " is a number of entries, not '" + property + "'", e);
        }
    }
}
