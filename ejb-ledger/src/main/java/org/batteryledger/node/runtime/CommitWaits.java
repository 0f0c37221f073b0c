package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.Hash;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Callers waiting for their transaction's block, each until its deadline, at most {@link #MAX} of them. Owned by the
 * replica's loop thread, as the commits that complete them are: no locks.
 */
final class CommitWaits {
    /** Callers waiting for their transaction's block, at most (each with a deadline). */
    static final int MAX = 100_000;

    private record Wait(CompletableFuture<Long> future, long deadlineNanos) {
    }

    private final Map<Hash, Wait> waits = new HashMap<>();

    /** Adds a wait; a second caller for one transaction shares the first one's, with the later deadline. */
    void add(Hash txHash, CompletableFuture<Long> f, long deadlineNanos) {
        Wait earlier = waits.get(txHash);
        if (earlier != null) {
            earlier.future().whenComplete((h, e) -> {
                if (e == null) {
                    f.complete(h);
                } else {
                    f.completeExceptionally(e); // expired or the loop ended: told as the first caller is
                }
            });
            waits.put(txHash, new Wait(earlier.future(), Math.max(earlier.deadlineNanos(), deadlineNanos)));
        } else if (waits.size() >= MAX) {
            f.completeExceptionally(new IllegalStateException("too many callers wait for commits (" + MAX + ")"));
        } else {
            waits.put(txHash, new Wait(f, deadlineNanos));
        }
    }

    /** The transaction is in the block at {@code height}: its callers are told. */
    void committed(Hash txHash, long height) {
        Wait w = waits.remove(txHash);
        if (w != null) {
            w.future().complete(height);
        }
    }

    /** Callers whose deadline passed get a {@link TimeoutException}, and their waits are forgotten. */
    void expire(long nowNanos) {
        if (waits.isEmpty()) {
            return;
        }
        waits.values().removeIf(w -> {
            if (nowNanos - w.deadlineNanos() < 0) {
                return false;
            }
            w.future().completeExceptionally(new TimeoutException("no block committed the transaction in time"));
            return true;
        });
    }

    /** Every caller is told {@code why}: the loop ends. */
    void failAll(RuntimeException why) {
        waits.values().forEach(w -> w.future().completeExceptionally(why));
        waits.clear();
    }
}
