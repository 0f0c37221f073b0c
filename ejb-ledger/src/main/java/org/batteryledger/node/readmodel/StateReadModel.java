package org.batteryledger.node.readmodel;

import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.state.WriteSet;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
 * <p>A value carries the height it is known to be current at, so that a
 * write can never replace a newer one: a commit replaces an entry only when its height is higher (compare-and-set), and
 * a server of a clustered member that was paused between persisting a block and filling the cache (and was taken over
 * meanwhile) cannot put its older values back when it resumes. A miss reads the committed height first, then the value:
 * the value is at least that new, so the height is a safe lower bound for it. "Absent" is cached too.
 *
 * <p>Keys and values are printable ASCII strings: a value is its tag ({@code +} present, {@code -} absent), its height
 * in 16 hex digits and its bytes in Base64. Strings, because the cache compares values with {@code equals} for its
 * compare-and-set and a byte array's {@code equals} is identity; ASCII, because the replicated cache's marshalling
 * corrupted strings with control and non-ASCII characters (found on a two-server member: ISPN000474, "the message is
 * corrupt"). A key is {@code table/key}, the key Base64url-encoded behind {@code ~} unless it is printable ASCII.
 *
 * <p>The replay index ({@link Tables#TX}, {@link Tables#TX_EXPIRY}) is never cached: it is two entries per transaction,
 * most of the state of a busy chain, and only the block executor reads it, from the replica's own state. Caching its
 * writes filled the cache with entries no query asks for (two thirds of 135,000 entries after a REST series: about 25 MB
 * of heap). Nor is it in the database's state table (the receipts imply it), so no query may ask for it here.
 */
public final class StateReadModel {
    private static final char ABSENT = '-';
    private static final char PRESENT = '+';
    /** Tag, then the height in 16 hex digits, then the value in Base64. */
    private static final int HEADER = 17;

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
            if (uncached(e.table())) {
                continue;
            }
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
        if (uncached(table)) {
            return Optional.ofNullable(database.apply(table, key));
        }
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
        return cached.charAt(0) == PRESENT ? Optional.of(Base64.getDecoder().decode(cached.substring(HEADER))) : Optional.empty();
    }

    static boolean uncached(String table) {
        return table.equals(Tables.TX) || table.equals(Tables.TX_EXPIRY);
    }

    /** Forgets everything, for a start-up: the cache may outlive a deployment, the database is the truth. */
    public void clear() {
        generation.incrementAndGet();
        cache.clear();
    }

    /** Table names are the ledger's own ({@code Tables}): letters, digits, dots, dashes; a key may be anything. */
    static String key(String table, String key) {
        boolean plain = !key.startsWith("~");
        for (int i = 0; plain && i < key.length(); i++) {
            char c = key.charAt(i);
            plain = c >= 0x20 && c < 0x7f;
        }
        return table + '/' + (plain ? key : "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
    }

    static String encode(long height, byte[] value) {
        String digits = Long.toHexString(height);
        return (value == null ? ABSENT : PRESENT) + "0".repeat(16 - digits.length()) + digits
                + (value == null ? "" : Base64.getEncoder().encodeToString(value));
    }

    static long heightOf(String cached) {
        return Long.parseUnsignedLong(cached, 1, HEADER, 16);
    }
}
