package org.batteryledger.node.runtime;

import org.batteryledger.core.ha.HolderWatch;
import org.batteryledger.core.ha.Lease;
import org.batteryledger.node.ha.LeaseKeeper;
import org.batteryledger.node.ha.LeaseTable;
import org.batteryledger.node.store.LedgerStore;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One server's part in its clustered member's replica lease, as the node runs it: the {@link LeaseKeeper} on a thread
 * of its own (a look that waited behind the server's other scheduled work let the lease lapse under load), where this
 * server serves (written into the lease while it holds it), and, on the standby, which server holds the lease and where
 * it serves, for requests to be handed there.
 * <p>
 * A standby also watches its member's group (the servers' JGroups view, polled every {@value #GROUP_POLL_MILLIS} ms):
 * when the holder it saw there leaves it (a killed server's sockets close at once), it looks at the lease then, and again
 * every {@value #DEPARTED_LOOK_MILLIS} ms while the holder stays away, and takes it as soon as the holder has missed a
 * renewal, without waiting for the lease to run out ({@link HolderWatch}, {@link Lease#decide}). The lease's expiry
 * remains for what the group cannot tell: a paused server, a group that never formed.
 */
final class MemberLease {
    private static final Logger LOG = Logger.getLogger(MemberLease.class.getName());
    static final long GROUP_POLL_MILLIS = 100;
    static final long DEPARTED_LOOK_MILLIS = 250;
    /** When the last look for a departed holder ran (the lease's thread only). */
    private long departedLookNanos;
    private final LeaseKeeper keeper;
    private final BooleanSupplier standby;
    private final ScheduledExecutorService looks;
    private final LedgerStore store;
    private final Supplier<Collection<String>> group;
    /** The holder's presence in the group; only the lease's thread uses it. */
    private final HolderWatch watch = new HolderWatch();
    /** On a standby: the lease holder as the last look saw it, or null. */
    private volatile LeaseTable.Holder activeHolder;

    /**
     * @param standby  whether this server is its member's standby now
     * @param group    the names of the servers in the member's group now (null: no group to ask)
     * @param listener told on the lease's thread when this server took the lease over or lost it
     */
    MemberLease(String server, long durationMillis, LedgerStore store, ThreadFactory threads, BooleanSupplier standby,
                Supplier<Collection<String>> group, LeaseKeeper.Listener listener) {
        String address = httpAddress();
        this.keeper = new LeaseKeeper(server, durationMillis, (s, epoch, now, duration, departed) -> store.lookAtLease(s, address, epoch, now, duration, departed), listener);
        this.store = store;
        this.group = group;
        this.standby = standby;
        this.looks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = threads.newThread(r);
            t.setName("lease-" + server);
            return t;
        });
    }

    void start() {
        looks.scheduleWithFixedDelay(this::look, 0, keeper.periodMillis(), TimeUnit.MILLISECONDS);
        looks.scheduleWithFixedDelay(this::watchGroup, GROUP_POLL_MILLIS, GROUP_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One look at the lease; a standby also notes who holds it and where it serves ({@link #activeServer}). */
    private void look() {
        Optional<LeaseTable.Holder> read = keeper.look(watch.departed());
        read.ifPresent(h -> watch.leaseRead(h.server(), h.epoch()));
        // Empty also when the store did not answer: nobody takes writes then.
        activeHolder = standby.getAsBoolean() ? read.orElse(null) : null;
    }

    /** A look now, on the lease's thread (this server stood down: it learns at once where the active server serves). */
    void lookSoon() {
        try {
            looks.execute(this::look);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    /** On a standby: a look at once when the holder left the member's group. */
    private void watchGroup() {
        if (!standby.getAsBoolean()) {
            return;
        }
        Collection<String> members;
        try {
            members = group.get();
        } catch (RuntimeException e) {
            return; // the group is being torn down (the server stops): the lease's expiry still counts
        }
        boolean left = watch.group(members);
        if (left) {
            LOG.warning(() -> "server " + watch.departed().map(Lease.Departed::holder).orElse("?") + " left the member's group "
                    + members + " holding the replica lease: server " + server() + " takes it once a renewal is missed");
        }
        if (watch.departed().isPresent() && (left || System.nanoTime() - departedLookNanos >= DEPARTED_LOOK_MILLIS * 1_000_000)) {
            departedLookNanos = System.nanoTime();
            look();
        }
    }

    /** On a standby: the active server's HTTP base while its lease runs; empty on the active server or during a takeover. */
    Optional<String> activeServer() {
        LeaseTable.Holder h = activeHolder;
        if (!standby.getAsBoolean() || h == null || h.address() == null || h.expiresAtMillis() < System.currentTimeMillis() || h.server().equals(server())) {
            return Optional.empty();
        }
        return Optional.of(h.address());
    }

    boolean validNow() {
        return keeper.validNow();
    }

    Lease held() {
        return keeper.held();
    }

    String server() {
        return keeper.server();
    }

    /**
     * This server cannot run the replica (its takeover failed): the lease is released and no more looks are taken, so
     * the member's other server takes over at its next look. On the lease's thread, which ends after this look.
     */
    void giveUp() {
        release();
        looks.shutdown();
    }

    /** No more looks: the lease lapses unless {@link #release} ends it first. */
    void stop() {
        looks.shutdownNow();
    }

    /** A clean stop hands the replica over now rather than when the lease runs out. */
    void release() {
        Lease held = keeper.held();
        if (held == null) {
            return;
        }
        try {
            store.releaseLease(held);
            LOG.info(() -> "server " + held.holder() + " released the replica lease of epoch " + held.epoch());
        } catch (RuntimeException e) {
            LOG.warning(() -> "cannot release the replica lease (" + e.getMessage() + "): the standby takes over when it runs out");
        }
    }

    /**
     * Where this server serves the member's API: {@code batteryledger.http.url} (the launcher sets it; on two hosts the
     * operator does), else the HTTP port on the bind address.
     */
    static String httpAddress() {
        String url = System.getProperty("batteryledger.http.url");
        if (url != null && !url.isBlank()) {
            return url.strip();
        }
        int port = Integer.getInteger("jboss.http.port", 8080) + Integer.getInteger("jboss.socket.binding.port-offset", 0);
        return "http://" + System.getProperty("jboss.bind.address", "127.0.0.1") + ":" + port + "/ledger";
    }
}
