package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.Hash;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long this node's clients wait for their transactions' blocks: from the persist that acknowledged a transaction
 * (the 202 a client gets) to the commit of its block on this node, as a histogram with fixed buckets (Prometheus'
 * cumulative {@code _bucket}, {@code _sum}, {@code _count}). The transactions waiting are owned by the loop thread;
 * the histogram is read by any thread. At most {@link #MAX_WAITING} are remembered: the oldest is forgotten first (a
 * transaction that expires uncommitted is never observed).
 */
public final class CommitLatency {
    static final int MAX_WAITING = 100_000;
    /** Upper bounds of the buckets, in milliseconds; the last bucket is everything above. */
    static final long[] BOUNDS_MILLIS = {10, 25, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000};

    private final Map<Hash, Long> waiting = new LinkedHashMap<>();
    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MILLIS.length + 1);
    private final AtomicLong sum = new AtomicLong(); // microseconds

    /** A transaction of this node's clients was acknowledged at {@code nanos}. */
    void acknowledged(Hash txHash, long nanos) {
        if (waiting.size() >= MAX_WAITING) {
            Iterator<Long> oldest = waiting.values().iterator();
            oldest.next();
            oldest.remove();
        }
        waiting.putIfAbsent(txHash, nanos);
    }

    /** A transaction's block committed here at {@code nanos}; observed if this node acknowledged it. */
    void committed(Hash txHash, long nanos) {
        Long since = waiting.remove(txHash);
        if (since == null) {
            return;
        }
        long micros = Math.max(0, (nanos - since) / 1_000);
        int b = 0;
        while (b < BOUNDS_MILLIS.length && micros > BOUNDS_MILLIS[b] * 1_000) {
            b++;
        }
        sum.addAndGet(micros);
        buckets.incrementAndGet(b);
    }

    int waiting() {
        return waiting.size();
    }

    /** The histogram so far: cumulative counts per bound (the last one for +Inf), the sum in seconds, the count. */
    public Snapshot snapshot() {
        long[] cumulative = new long[BOUNDS_MILLIS.length + 1];
        long running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += buckets.get(i);
            cumulative[i] = running;
        }
        // The count is the +Inf bucket's, so a scrape never shows them apart (the sum may trail by an observation).
        return new Snapshot(BOUNDS_MILLIS.clone(), cumulative, sum.get() / 1e6, running);
    }

    /** {@code cumulative[i]}: observations of at most {@code boundsMillis[i]}; the last entry counts all of them. */
    public record Snapshot(long[] boundsMillis, long[] cumulative, double sumSeconds, long count) {
    }
}
