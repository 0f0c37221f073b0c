package org.batteryledger.node.storage;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.runtime.NodeRuntime;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the node's H2 file near its live data ({@link H2Compaction} says why H2 does not, as the node runs it). Every
 * {@value #PERIOD_SECONDS} s it reads how full the file's older chunks are and, below {@link Policy#TARGET_PERCENT},
 * rewrites the live pages of the sparsest of them, at most {@link Policy#BUDGET_BYTES} a pass. Under load the file
 * then stops growing once its chunks are about half live, and later chunks take the space of the ones emptied. When
 * the node is quiet it goes on to {@link Policy#QUIET_TARGET_PERCENT}, and moves chunks into the space freed and cuts
 * the file's end (at most {@link Policy#MOVE_BYTES} a pass), so a file grown in a burst shrinks. The node's PostgreSQL
 * does its own (autovacuum), so on PostgreSQL this does nothing.
 * <p>
 * On unless {@code node.properties} say {@code store.compaction=false}.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
public class StoreCompaction {
    private static final Logger LOG = Logger.getLogger(StoreCompaction.class.getName());
    static final int PERIOD_SECONDS = 5;

    @EJB
    private NodeRuntime runtime;
    @EJB
    private WriteGate gate;
    @Resource(lookup = "java:jboss/datasources/LedgerDS")
    private DataSource dataSource;
    @EJB
    private Background scheduler;
    private volatile Background.Periodic passes;
    /** The bytes written to the file, counted after the last pass (its own writes included); -1 before the first. */
    private long writtenAfterLastPass = -1;
    /** The file's size when the passes began moving chunks, to log once what a rest gave back; -1 when not moving. */
    private long shrinkingFrom = -1;
    /** The file's size when a move gave nothing: no more moves until the file is larger; -1 when moves are worth it. */
    private long movesStalledAt = -1;
    /** Whether the last pass failed: its warning is said once. */
    private boolean failing;

    @PostConstruct
    void start() {
        try {
            if (!Boolean.parseBoolean(runtime.directory().properties().getProperty("store.compaction", "true").trim())) {
                LOG.info("the H2 file is not compacted: store.compaction=false");
                return;
            }
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "the H2 file is not compacted: node.properties cannot be read", e);
            return;
        }
        passes = scheduler.scheduleWithFixedDelay(this::pass, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (passes != null) {
            passes.stop();
        }
    }

    private void pass() {
        WriteGate.Look disk = gate.last();
        if (disk.freeBytes() >= 0 && disk.freeBytes() < disk.floorBytes() + Policy.DISK_MARGIN_BYTES) {
            // a rewrite or a move writes before it frees, and a write H2's store fails closes the database
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            if (!H2Compaction.isH2(c)) {
                LOG.fine("the ledger database is not H2: it compacts itself");
                stop();
                return;
            }
            H2Compaction.Fill fill = H2Compaction.fill(c);
            if (fill == null) {
                LOG.fine("the ledger database keeps no file: nothing to compact");
                stop();
                return;
            }
            // the counter starts again when the store is opened again: a smaller count is a new store, not quiet
            boolean quiet = writtenAfterLastPass >= 0 && fill.writtenBytes() >= writtenAfterLastPass
                    && fill.writtenBytes() - writtenAfterLastPass <= Policy.QUIET_WRITTEN_BYTES;
            if (fill.fileBytes() > movesStalledAt) {
                movesStalledAt = -1; // the file grew since moves last gave nothing: worth trying again
            }
            int rewrite = Policy.rewriteBudget(fill, quiet);
            long move = movesStalledAt >= 0 ? 0 : Policy.moveBudget(fill, quiet);
            // the file as this pass leaves it: read again only when the pass wrote (its own bytes are not others')
            H2Compaction.Fill after = fill;
            if (rewrite > 0 && H2Compaction.rewrite(c, rewrite)) {
                after = H2Compaction.fill(c);
                LOG.fine(() -> "rewrote up to " + (rewrite >> 20) + " MiB of live pages: the file was " + (fill.fileBytes() >> 20) + " MiB, its older chunks "
                        + fill.rewritableChunksPercent() + "% live");
            } else if (move > 0 && H2Compaction.move(c, move)) {
                after = H2Compaction.fill(c);
                if (shrinkingFrom < 0) {
                    shrinkingFrom = fill.fileBytes();
                }
                if (after != null && after.fileBytes() >= fill.fileBytes() && after.filePercent() <= fill.filePercent()) {
                    movesStalledAt = after.fileBytes(); // H2 found nothing to move (chunks held for retention count as used)
                }
            } else if (quiet && shrinkingFrom >= 0) {
                // nothing left to do at rest: say once what the rest gave back (a busy pass between moves only pauses it)
                long from = shrinkingFrom;
                LOG.info(() -> "the H2 file at rest: " + (from >> 20) + " MiB -> " + (fill.fileBytes() >> 20) + " MiB, " + fill.filePercent()
                        + "% of it in use");
                shrinkingFrom = -1;
            }
            writtenAfterLastPass = after == null ? -1 : after.writtenBytes();
            failing = false;
        } catch (LinkageError | ClassCastException e) {
            // H2's store is reached through its own classes: a server with another H2 version must not take the node
            // down. The file then grows as it did before.
            LOG.log(Level.WARNING, "the H2 file is no longer compacted: this server's H2 is not the one the node knows", e);
            stop();
        } catch (SQLException | RuntimeException e) {
            // the database went away or closed between two calls, or H2 was interrupted: the next pass tries again
            if (!failing) {
                LOG.log(Level.WARNING, "a pass compacting the H2 file failed; trying again every " + PERIOD_SECONDS + " s (said once until one works)", e);
            }
            failing = true;
        }
    }

    /** When a pass rewrites or moves, and how much. */
    static final class Policy {
        /**
         * Under load, rewrite while the older chunks are less live than this. Half keeps those chunks near twice their
         * live data (beside the chunks younger than H2's retention time, and the dead ones it still holds) and the
         * rewriting cheap: a chunk at 10% live frees nine bytes for each byte written again.
         */
        static final int TARGET_PERCENT = 50;
        /** Live bytes rewritten a pass under load at most: what one commit more can carry without holding the others long. */
        static final int BUDGET_BYTES = 4 << 20;
        /**
         * When the node is quiet, rewrite while the older chunks are less live than this, and move chunks while less of
         * the file holds chunks: the rest of the sparse space goes back, at a cost nobody waits for.
         */
        static final int QUIET_TARGET_PERCENT = 80;
        /** Live bytes rewritten a pass at most when quiet. */
        static final int QUIET_BUDGET_BYTES = 16 << 20;
        /** Bytes of chunks moved a pass at most when quiet (a read and a write of as much). */
        static final long MOVE_BYTES = 32L << 20;
        /** A smaller file is not worth a pass: a fresh node's, or one whose data is all in a few chunks. */
        static final long MIN_FILE_BYTES = 32L << 20;
        /**
         * Quiet: at most this many bytes written by others between two passes, about 400 KB a second (a node's trickle
         * of small commits: the fleet table's assessments, a partner's few records). A REST load at saturation writes
         * about 2 MB a second, a record push far more.
         */
        static final long QUIET_WRITTEN_BYTES = 2L << 20;
        /** No pass while the disk's free space is within this of the node's floor ({@code disk.floor.bytes}). */
        static final long DISK_MARGIN_BYTES = 128L << 20;

        private Policy() {
        }

        /** The live bytes to rewrite for a file of this fill, the node quiet or not: 0 for none. */
        static int rewriteBudget(H2Compaction.Fill fill, boolean quiet) {
            if (fill == null || fill.fileBytes() < MIN_FILE_BYTES || fill.rewritableChunksPercent() >= (quiet ? QUIET_TARGET_PERCENT : TARGET_PERCENT)) {
                return 0;
            }
            return quiet ? QUIET_BUDGET_BYTES : BUDGET_BYTES;
        }

        /** The bytes of chunks to move for a file of this fill, the node quiet or not: 0 for none. */
        static long moveBudget(H2Compaction.Fill fill, boolean quiet) {
            if (!quiet || fill == null || fill.fileBytes() < MIN_FILE_BYTES || fill.filePercent() >= QUIET_TARGET_PERCENT) {
                return 0;
            }
            return MOVE_BYTES;
        }
    }
}
