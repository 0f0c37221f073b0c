package org.batteryledger.node.ha;

import org.batteryledger.core.ha.Lease;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * This server's hold on its member's replica lease, for a member that runs as a cluster: it looks at the lease every
 * quarter of its duration ({@link #look}, from a scheduler), renews it while it holds it, takes it when it expires, and
 * tells its listener when it took it over or lost it.
 * <p>
 * Two guards, so that a server paused past its lease (a long GC, SIGSTOP, a frozen VM) does nothing after another took
 * over: its own, {@link #validNow} turns false five sixths of a lease after its last renewal began (the last sixth is
 * for clocks that differ and messages on their way), on this server's monotonic clock, which runs on while the process is stopped (the replica sends nothing then); and the store's, which
 * refuses a persist from an epoch that was taken over ({@link LeaseTable#checkHeld}). The first keeps messages in; the
 * second is the one that holds even if the first is late.
 */
public final class LeaseKeeper {
    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class.getName());

    /** The store's side: in one transaction, read the lease, {@link Lease#decide}, compare-and-set ({@link LeaseTable#look}). */
    public interface Store {
        LeaseTable.Look look(String server, long heldEpoch, long nowMillis, long durationMillis, Optional<Lease.Departed> departed);
    }

    /** Told on the thread that looks: the next look waits for what the listener does. */
    public interface Listener {
        void tookOver(Lease lease);

        void lost(String reason);
    }

    private final String server;
    private final long durationMillis;
    private final Store store;
    private final Listener listener;
    private volatile Lease held;
    private volatile long validUntilNanos;

    public LeaseKeeper(String server, long durationMillis, Store store, Listener listener) {
        if (durationMillis < 300) {
            throw new IllegalArgumentException("a lease of " + durationMillis + " ms is shorter than a database round trip under load; 300 ms at least");
        }
        this.server = server;
        this.durationMillis = durationMillis;
        this.store = store;
        this.listener = listener;
    }

    /** How often {@link #look} should run: a renewal can fail or be slow twice before the lease lapses here. */
    public long periodMillis() {
        return durationMillis / 4;
    }

    /**
     * One look: renew or take the lease, or see who holds it; {@code departed}: the holder this server saw leave the
     * member's group ({@link Lease#decide}). What the look read, empty before any lease or when the store did not answer
     * (which renews nothing).
     */
    public synchronized Optional<LeaseTable.Holder> look(Optional<Lease.Departed> departed) {
        long started = System.nanoTime();
        Lease before = held;
        LeaseTable.Look look;
        try {
            look = store.look(server, before == null ? 0 : before.epoch(), System.currentTimeMillis(), durationMillis, departed);
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot look at the replica lease (" + e.getMessage() + ")" + (before == null ? "" : "; it lapses on this server "
                    + "unless a renewal gets through"));
            return Optional.empty();
        }
        Optional<Lease> after = look.held();
        if (after.isPresent() && (before == null || before.epoch() == after.get().epoch())) {
            held = after.get();
            validUntilNanos = started + durationMillis * 5 / 6 * 1_000_000L;
            if (before == null) {
                LOG.warning(() -> "server " + server + " took the member's replica lease at epoch " + after.get().epoch()
                        + departed.map(d -> " (" + d.holder() + " left the member's group holding epoch " + d.epoch() + ")").orElse(""));
                listener.tookOver(after.get());
            }
        } else if (before != null) {
            held = null;
            listener.lost("server " + server + " lost the member's replica lease of epoch " + before.epoch() + " (another server took it over)");
        }
        return look.read();
    }

    /** The lease this server holds, or null. */
    public Lease held() {
        return held;
    }

    /** Whether this server may still act on its lease: held, and renewed recently enough on its own clock. */
    public boolean validNow() {
        return held != null && System.nanoTime() - validUntilNanos < 0;
    }

    public String server() {
        return server;
    }
}
