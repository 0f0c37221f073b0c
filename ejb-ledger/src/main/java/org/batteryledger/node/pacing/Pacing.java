package org.batteryledger.node.pacing;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * When a poller of this node's store looks at it again. A poller that looked and found nothing to do is quiet: its
 * cycles skip the store until a writer here tells it of new work, or until {@code quietLookMillis} passed since its last
 * look. That last look is the safety net for work nobody here tells of: work whose time comes (a retry, a maximum age),
 * a writer that forgot. A cycle that cannot look (the store refuses writes, the server is its member's standby) tells
 * its poller, so the first cycle after it looks: work taken in meanwhile by the member's other server is seen at once.
 * An idle node's anchoring, lot and fleet pollers queried the store several times a second each, about 1.5% of a core
 * a node (BENCHMARKS.md, goal 1).
 * <p>
 * Writers tell after their transaction committed, so a look that starts after the telling sees the work. The poller
 * clears the telling before it looks: work told of while a look runs brings another look. One poller thread asks;
 * writers tell from any thread.
 */
public final class Pacing {
    /** Quiet pollers look at least this often. */
    public static final long DEFAULT_QUIET_LOOK_MILLIS = 5_000;

    private final long quietLookNanos;
    /** Set by writers; the first cycle always looks. */
    private final AtomicBoolean told = new AtomicBoolean(true);
    private volatile boolean quiet;
    private volatile long lastLookNanos;

    public Pacing(long quietLookMillis) {
        if (quietLookMillis <= 0) {
            throw new IllegalArgumentException("quietLookMillis must be positive: " + quietLookMillis);
        }
        this.quietLookNanos = quietLookMillis * 1_000_000;
    }

    /** New work for the poller, committed: its next cycle looks. */
    public void told() {
        told.set(true);
    }

    /**
     * Whether this cycle looks at the store ({@code nanos} from {@link System#nanoTime()}). A look ends with
     * {@link #looked}; one that fails before leaves the poller looking every cycle.
     */
    public boolean lookNow(long nanos) {
        boolean wasTold = told.getAndSet(false);
        if (!wasTold && quiet && nanos - lastLookNanos < quietLookNanos) {
            return false;
        }
        quiet = false;
        lastLookNanos = nanos;
        return true;
    }

    /** How the look ended: with nothing to do (the poller goes quiet), or with work left for the next cycle. */
    public void looked(boolean nothingToDo) {
        quiet = nothingToDo;
    }

    public boolean quiet() {
        return quiet;
    }
}
