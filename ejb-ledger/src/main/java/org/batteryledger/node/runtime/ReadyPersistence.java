package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.ha.Lease;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.VoteLogEntry;
import org.batteryledger.node.ha.LeaseTable;
import org.batteryledger.node.store.LedgerStore;
import org.batteryledger.node.store.VoteLogFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * How a {@link Ready} reaches stable storage, and how what was stored comes back at a recovery. A member of one server
 * appends its votes to {@link VoteLogFile} before the Ready's messages go out, and persists the rest (acknowledged
 * transactions, committed blocks) in one database transaction after they went out and before anyone is told (none for a
 * Ready of votes alone): the block's H2 commit is then off the path of the next block's messages. A clustered member's
 * server persists all of it in the database before sending, its lease row checked in the same transaction. With
 * {@code store.fsync} each is forced onto disk. The replica's loop thread's, except the drill's flag.
 */
final class ReadyPersistence {
    private static final Logger LOG = Logger.getLogger(ReadyPersistence.class.getName());

    /** A Ready that did not reach stable storage: the replica stops with it. */
    static final class Failure extends RuntimeException {
        Failure(RuntimeException cause) {
            super(cause);
        }
    }

    private final LedgerStore store;
    private final CryptoSuite suite;
    private final boolean fsync;
    private final Path voteDir;
    private final long voteSegmentBytes;
    /** A clustered member's server: votes in the database, the vote log file only read. */
    private final boolean clustered;
    /** Opened anew at each recovery; null on a clustered member's server. */
    private VoteLogFile voteLog;
    /** A drill: the next persist fails as a full disk would ({@code fault.store.fail}). */
    private volatile boolean storeFailure;

    /**
     * {@code fsync}: node.properties {@code store.fsync}; {@code voteDir}: where a member of one server keeps its vote
     * log; {@code voteSegmentBytes}: past this a segment is rewritten ({@code votes.segment.bytes}).
     */
    ReadyPersistence(LedgerStore store, CryptoSuite suite, boolean fsync, Path voteDir, long voteSegmentBytes, boolean clustered) {
        this.store = store;
        this.suite = suite;
        this.fsync = fsync;
        this.voteDir = voteDir;
        this.voteSegmentBytes = voteSegmentBytes;
        this.clustered = clustered;
    }

    /**
     * The store's votes (a database of an earlier version, or a clustered member's) followed by the vote log file's above
     * the head. A member of one server opens its file here, anew at each recovery: what a failed append left is read
     * back as a restart would.
     */
    LedgerStore.Recovery withLoggedVotes(LedgerStore.Recovery rec) {
        long head = rec.head() == null ? 0 : rec.head().block().height();
        List<VoteLogEntry> logged;
        if (clustered) {
            logged = VoteLogFile.peek(voteDir, head);
        } else {
            close();
            voteLog = VoteLogFile.open(voteDir, voteSegmentBytes, fsync);
            logged = voteLog.entriesAbove(head);
        }
        if (logged.isEmpty()) {
            return rec;
        }
        List<VoteLogEntry> votes = new ArrayList<>(rec.votes());
        votes.addAll(logged);
        return new LedgerStore.Recovery(rec.head(), rec.state(), votes, rec.acknowledged());
    }

    /**
     * What must be on stable storage before {@code r}'s messages go out: a member of one server's votes (its file); a
     * clustered member's server persists all of {@code r} here, as one transaction fenced by its lease row.
     * {@code lease}: a clustered member's part in its replica lease, null for a member of one server. Throws
     * {@link LeaseTable.Fenced} when another server of the member took the lease over, {@link Failure} for any other
     * refusal.
     */
    void beforeSend(Ready r, MemberLease lease) {
        guarded(() -> {
            if (voteLog != null) {
                voteLog.append(r.votes()); // forced with store.fsync: on stable storage before they leave the node
                return;
            }
            Lease held = lease == null ? null : lease.held();
            if (lease != null && !lease.validNow()) { // not held, or not renewed within its validity
                // Not renewed in time (the store slow or away, or this server paused): persist nothing until it is.
                throw new IllegalStateException("the replica lease of server " + lease.server() + " was not renewed in time");
            }
            store.persist(r, suite, held);
            if (fsync) {
                store.syncToDisk(); // on stable storage before any of it leaves the node
            }
        });
    }

    /**
     * The rest of {@code r}, on stable storage before any client is told of it or anything of it is applied: a member of
     * one server's acknowledged transactions and committed blocks, in one database transaction (none when it has
     * neither). Not needed before the messages go out: a block committed here has a quorum's commit certificate, and
     * block sync brings it back after a crash; a transaction forwarded but not yet acknowledged is the client's to send
     * again (a duplicate is refused by its hash).
     */
    void afterSend(Ready r) {
        if (voteLog == null || r.accepted().isEmpty() && r.committed().isEmpty()) {
            return;
        }
        guarded(() -> {
            store.persist(new Ready(List.of(), r.accepted(), r.committed(), List.of(), List.of()), suite, null);
            if (fsync) {
                store.syncToDisk();
            }
            if (!r.committed().isEmpty()) {
                voteLog.committed(r.committed().get(r.committed().size() - 1).block().block().height());
            }
        });
    }

    /** {@code work} unless the drill fails it; a lease taken over is told as such, any other failure as {@link Failure}. */
    private void guarded(Runnable work) {
        try {
            if (storeFailure) {
                throw new IllegalStateException("injected store failure (fault.store.fail in node.properties)");
            }
            work.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof LeaseTable.Fenced f) {
                    throw new LeaseTable.Fenced("the store refused this server's persist: " + f.getMessage());
                }
            }
            throw new Failure(e);
        }
    }

    /** A fault drill: while set, persisting fails (the replica then stops, as on a full disk). */
    void injectStoreFailure(boolean fail) {
        if (fail && !storeFailure) {
            LOG.warning("FAULT DRILL: the next persist fails (fault.store.fail)");
        }
        storeFailure = fail;
    }

    boolean storeFailureInjected() {
        return storeFailure;
    }

    /** Closes the vote log file, if open (the loop has ended). */
    void close() {
        if (voteLog != null) {
            voteLog.close();
            voteLog = null;
        }
    }
}
