package org.batteryledger.node.runtime;

import org.batteryledger.core.ha.Lease;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.net.PeerNetwork;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What ends or restarts this node's replica loop, and why it takes no input meanwhile: {@link NodeRuntime}'s states
 * apart from its wiring. A Ready the store refuses pauses the replica ({@link #paused}) until {@link #resume} recovers it
 * from what was persisted; a broken invariant halts it for good ({@link #halted}); a clustered member's server that lost
 * its lease stands down to be the standby again ({@link #standDown}) and {@link #activate}s when it takes the lease
 * over. One monitor (this object's) orders the transitions that read and set the loop.
 */
final class ReplicaLifecycle implements ReplicaLoop.Ending {
    private static final Logger LOG = Logger.getLogger(NodeRuntime.class.getName());

    private final ReplicaLoop loop;
    private final PeerNetwork network;
    /** A clustered member's server: its part in the replica lease; null for a member of one server. */
    private final MemberLease lease;
    /** The replica from what the store holds (NodeRuntime's recovery); throws when the store cannot be read. */
    private final Runnable recover;
    /** Starts the loop (with a snapshot join first when one is due). */
    private final Runnable startLoop;

    private volatile String haltReason;
    /** Why the replica is paused (the store refused a Ready), or null; {@link #resume} clears it. */
    private volatile String pauseReason;
    /** Why this server does not run the replica while another server of its member does, or null. */
    private volatile String standby;
    /** Set once this server lost its member's lease: whatever the loop is doing then, it ends in standing down. */
    private volatile String leaseLost;

    ReplicaLifecycle(ReplicaLoop loop, PeerNetwork network, MemberLease lease, Runnable recover, Runnable startLoop) {
        this.loop = loop;
        this.network = network;
        this.lease = lease;
        this.recover = recover;
        this.startLoop = startLoop;
    }

    /** A clustered member's server at start: the standby until it takes its member's lease. */
    void startAsStandby() {
        standby = "this server (" + lease.server() + ") is its member's standby: another server of the member runs the replica";
    }

    /**
     * This server took its member's replica lease: the replica from what the store holds now (whatever the server before
     * persisted, votes included), the peer port opened, the loop started. On the lease's own thread: the server's shared
     * pool queued it behind other work for seconds under load. The next look waits for the recovery (well under the
     * lease's validity).
     */
    synchronized void activate(Lease held) {
        try {
            leaseLost = null; // a loss before this takeover (it stood down then) is over
            // Nothing of an earlier term runs in this one: frames, ticks or a lease-loss call queued after that term's
            // loop had emptied its queue. The new replica starts from the store alone.
            loop.failQueuedCalls(new Unavailable("this server took its member's replica over; retry"));
            recover.run();
            network.start();
            startLoop.run();
            standby = null;
            LOG.warning(() -> "REPLICA ACTIVE on server " + held.holder() + " (lease epoch " + held.epoch() + ") at height " + loop.status().committedHeight());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            haltReason = "interrupted while taking over the replica";
            lease.giveUp();
        } catch (RuntimeException e) {
            haltReason = "cannot take over the replica: " + e.getMessage();
            LOG.log(Level.SEVERE, "REPLICA HALTED: " + haltReason + "; the lease is released for the member's other server", e);
            lease.giveUp(); // a halted holder that renewed its lease would keep the other server from taking over
        }
    }

    /** This server lost its member's lease: a running loop ends in standing down, a paused one stands down here. */
    synchronized void lostLease(String reason) {
        leaseLost = reason; // a loop that pauses meanwhile stands down instead (pause, resume)
        if (loop.alive() && standby == null) {
            loop.offerFenced(reason);
        } else if (haltReason == null) {
            fenced(reason);
        }
    }

    /**
     * Restarts a paused replica from what the store holds, as a restart of the node would (its links stay up). False
     * when it is not paused, or the store cannot be read yet: it then stays paused and the caller tries again later.
     */
    synchronized boolean resume() {
        if (pauseReason == null || !loop.started() || loop.alive()) {
            return false;
        }
        if (leaseLost != null && haltReason == null) {
            fenced(leaseLost); // paused before it learnt the lease was lost
            return false;
        }
        if (lease != null && !lease.validNow()) {
            return false;
        }
        try {
            recover.run();
        } catch (RuntimeException e) {
            LOG.warning(() -> "the replica stays paused: the store cannot be read yet (" + e.getMessage() + ")");
            return false;
        }
        loop.failQueuedCalls(new Unavailable("the replica was paused; retry"));
        String was = pauseReason;
        startLoop.run(); // running before the pause is lifted: a caller in between is never told "not running"
        pauseReason = null;
        LOG.warning(() -> "REPLICA RESUMED at height " + loop.status().committedHeight() + " from what it persisted (it was paused: " + was + ")");
        return true;
    }

    /** Fail-stop: the loop ends, nothing more goes out, every waiting caller is told, health reports the reason. */
    @Override
    public void halted(String reason, Throwable cause) {
        haltReason = reason;
        LOG.log(Level.SEVERE, "REPLICA HALTED: " + reason + ". No vote it did not persist was sent; restart the node to recover"
                + " from what it persisted.", cause);
        network.stop();
        loop.end(new IllegalStateException("the replica halted: " + reason));
    }

    /**
     * Another server holds the member's lease now (this one was paused past it, or cut off from the other while the
     * store was not): a server of a clustered member stands down to be the standby again; a server started as its
     * member's only one on a clustered member's store halts.
     */
    @Override
    public void fenced(String reason) {
        if (lease != null) {
            standDown(reason);
        } else {
            halted(reason, null);
        }
    }

    /**
     * Back to standby: the loop ends (callers are told to retry: the standby hands their next request to the active
     * server), the peer port and links close, and the lease's looks go on, so this server takes over again should the
     * other one fail in turn. Nothing it did not persist was sent, and the store refuses whatever it would persist now.
     */
    private synchronized void standDown(String reason) {
        if (standby != null) {
            return; // stood down already (the store's refusal came first, the lease's look after it)
        }
        // Standby first: a caller from now on is told 503 (retry; the next request is handed on), not "not running".
        standby = "this server (" + lease.server() + ") is its member's standby again: " + reason;
        loop.end(new Unavailable("this server's member runs its replica on its other server now; retry (" + reason + ")"));
        network.stop();
        pauseReason = null;
        lease.lookSoon(); // where the active server serves, for requests to be handed there
        LOG.warning(() -> "REPLICA STOOD DOWN: " + reason + ". Nothing it did not persist was sent; this server is its member's standby again");
    }

    /**
     * The store refused a Ready: the loop ends as on a halt, but the links stay up (frames from peers are dropped while
     * paused) and {@link #resume} brings the replica back from what was persisted.
     */
    @Override
    public void paused(String reason, Throwable cause) {
        if (leaseLost != null) {
            fenced(leaseLost); // no resume for a server whose lease another took over
            return;
        }
        pauseReason = reason;
        LOG.log(Level.SEVERE, "REPLICA PAUSED: " + reason + ". No vote it did not persist was sent; it resumes from what it"
                + " persisted once the store takes writes again.", cause);
        loop.end(new Unavailable("the replica is paused until its store takes writes again: " + reason));
    }

    /** Why a standby takes no input now, as what to tell its caller; or null. */
    RuntimeException standbyRefusal() {
        String waiting = standby;
        return waiting != null && haltReason == null ? new Unavailable(waiting + "; retry in a few seconds, or at the active server") : null;
    }

    /** Why a paused replica takes no input now, as what to tell the caller; or null. */
    RuntimeException pauseRefusal() {
        String paused = pauseReason;
        return paused == null ? null : new Unavailable("the replica is paused until its store takes writes again: " + paused);
    }

    /** Why the replica stopped for good (a broken invariant), or null. */
    String haltReason() {
        return haltReason;
    }

    /** Why the replica is paused (the store refused what it decided), or null. */
    String pauseReason() {
        return pauseReason;
    }

    /** Why this server of a clustered member does not run the replica now (another server does), or null. */
    String standby() {
        return standby;
    }
}
