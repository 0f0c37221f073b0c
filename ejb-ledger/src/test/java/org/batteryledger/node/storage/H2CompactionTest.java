package org.batteryledger.node.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rewrite on a real H2 file run as the node runs it ({@code WRITE_DELAY=0}), under a load of the kind that makes
 * its file sparse: seeded commits of rows keyed by random hashes, as receipts and state rows are. The retention time
 * is 0 here, so that chunks emptied are used again at the next commit instead of 45 s later: the sizes are then the
 * same at every run. {@code MAX_COMPACT_TIME=0}: H2 compacts for up to 200 ms at a clean close by itself, which would
 * shrink a file whatever the node did.
 */
class H2CompactionTest {
    private static final int COMMITS = 300;
    private static final int ROWS_A_COMMIT = 200;

    private record Run(long fileBytes, int rewritableChunksPercent, long rows, long passesThatRewrote) {
    }

    private static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("ledger") + ";WRITE_DELAY=0;RETENTION_TIME=0;MAX_COMPACT_TIME=0";
    }

    private static Run load(Path dir, boolean compacting) throws SQLException {
        Random random = new Random(16);
        long passes = 0;
        try (Connection c = DriverManager.getConnection(url(dir), "sa", "sa")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE RECEIPT (TXHASH CHARACTER VARYING(64) PRIMARY KEY, HEIGHT BIGINT NOT NULL, BODY VARBINARY(400))");
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO RECEIPT VALUES (?, ?, ?)")) {
                for (int commit = 0; commit < COMMITS; commit++) {
                    for (int i = 0; i < ROWS_A_COMMIT; i++) {
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        byte[] body = new byte[200];
                        random.nextBytes(body);
                        insert.setString(1, HexFormat.of().formatHex(hash));
                        insert.setLong(2, commit);
                        insert.setBytes(3, body);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    c.commit();
                    if (compacting && commit % 10 == 9) {
                        H2Compaction.Fill fill = H2Compaction.fill(c);
                        int budget = StoreCompaction.Policy.rewriteBudget(fill, false);
                        if (budget > 0 && H2Compaction.rewrite(c, budget)) {
                            passes++;
                        }
                    }
                }
            }
            c.setAutoCommit(true);
            H2Compaction.Fill fill = H2Compaction.fill(c);
            long rows;
            try (Statement s = c.createStatement(); var r = s.executeQuery("SELECT COUNT(*), SUM(HEIGHT) FROM RECEIPT")) {
                r.next();
                rows = r.getLong(1);
            }
            return new Run(fill.fileBytes(), fill.rewritableChunksPercent(), rows, passes);
        }
    }

    @Test
    void rewritingSparseChunksKeepsTheFileNearItsLiveDataAndLosesNoRow(@TempDir Path without, @TempDir Path with) throws SQLException {
        Run grown = load(without, false);
        Run compacted = load(with, true);
        System.out.println("H2CompactionTest: without " + grown + ", with " + compacted);
        assertEquals((long) COMMITS * ROWS_A_COMMIT, grown.rows());
        assertEquals((long) COMMITS * ROWS_A_COMMIT, compacted.rows(), "no row lost to the rewrites");
        assertTrue(grown.rewritableChunksPercent() < StoreCompaction.Policy.TARGET_PERCENT,
                "the load leaves the file sparse without the rewrites: " + grown);
        assertTrue(compacted.passesThatRewrote() > 0, "the rewrite ran: " + compacted);
        assertTrue(compacted.fileBytes() * 2 < grown.fileBytes(), "the rewritten file is less than half the size: " + compacted + " against " + grown);
    }

    @Test
    void aQuietFileShrinksAndReadsBackTheSameRows(@TempDir Path dir) throws SQLException, java.io.IOException {
        load(dir, false);
        long loaded;
        long size;
        try (Connection c = DriverManager.getConnection(url(dir), "sa", "sa")) {
            loaded = H2Compaction.fill(c).fileBytes();
            // passes of a quiet node: rewrite while the chunks are sparse, then move while the file is
            for (int pass = 0; pass < 20; pass++) {
                H2Compaction.Fill fill = H2Compaction.fill(c);
                int rewrite = StoreCompaction.Policy.rewriteBudget(fill, true);
                long move = StoreCompaction.Policy.moveBudget(fill, true);
                if (rewrite > 0 && H2Compaction.rewrite(c, rewrite)) {
                    continue;
                }
                if (move == 0) {
                    break;
                }
                assertTrue(H2Compaction.move(c, move));
            }
            size = H2Compaction.fill(c).fileBytes();
        }
        System.out.println("H2CompactionTest: grown to " + loaded + " bytes, " + size + " after the quiet passes");
        assertTrue(size * 3 < loaded, "the file shrank to less than a third: " + size + " of " + loaded);
        assertTrue(java.nio.file.Files.size(dir.resolve("ledger.mv.db")) <= size, "the file on disk is cut too");
        try (Connection c = DriverManager.getConnection(url(dir), "sa", "sa");
             Statement s = c.createStatement(); var r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT TXHASH), SUM(HEIGHT) FROM RECEIPT")) {
            r.next();
            long rows = (long) COMMITS * ROWS_A_COMMIT;
            assertEquals(rows, r.getLong(1));
            assertEquals(rows, r.getLong(2));
            assertEquals((long) ROWS_A_COMMIT * (COMMITS - 1) * COMMITS / 2, r.getLong(3), "every commit's rows, reopened from the file");
        }
    }

    @Test
    void aDatabaseInMemoryHasNoFileToCompact() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:compaction" + System.nanoTime(), "sa", "sa")) {
            assertTrue(H2Compaction.isH2(c));
            assertNull(H2Compaction.fill(c));
            assertFalse(H2Compaction.rewrite(c, StoreCompaction.Policy.BUDGET_BYTES));
        }
    }

    @Test
    void thePolicyRewritesOnlyASparseFileOfSomeSizeAndGoesFurtherWhenQuiet() {
        long big = StoreCompaction.Policy.MIN_FILE_BYTES;
        int busy = StoreCompaction.Policy.BUDGET_BYTES;
        int quiet = StoreCompaction.Policy.QUIET_BUDGET_BYTES;
        int target = StoreCompaction.Policy.TARGET_PERCENT;
        int quietTarget = StoreCompaction.Policy.QUIET_TARGET_PERCENT;
        assertEquals(0, StoreCompaction.Policy.rewriteBudget(null, false));
        assertEquals(busy, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(7, 98, big, 1), false));
        assertEquals(busy, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(target - 1, 98, big, 1), false));
        assertEquals(0, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(target, 98, big, 1), false));
        assertEquals(quiet, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(target, 98, big, 1), true), "further when quiet");
        assertEquals(0, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(quietTarget, 98, big, 1), true));
        assertEquals(0, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(7, 98, big - 1, 1), false), "a small file is left alone");
        assertEquals(0, StoreCompaction.Policy.rewriteBudget(new H2Compaction.Fill(7, 98, big - 1, 1), true), "a small file is left alone");
        long move = StoreCompaction.Policy.MOVE_BYTES;
        assertEquals(move, StoreCompaction.Policy.moveBudget(new H2Compaction.Fill(95, 7, big, 1), true));
        assertEquals(move, StoreCompaction.Policy.moveBudget(new H2Compaction.Fill(95, quietTarget - 1, big, 1), true));
        assertEquals(0, StoreCompaction.Policy.moveBudget(new H2Compaction.Fill(95, 7, big, 1), false), "chunks move only when the node is quiet");
        assertEquals(0, StoreCompaction.Policy.moveBudget(new H2Compaction.Fill(95, quietTarget, big, 1), true));
        assertEquals(0, StoreCompaction.Policy.moveBudget(new H2Compaction.Fill(95, 7, big - 1, 1), true), "a small file is left alone");
        assertEquals(0, StoreCompaction.Policy.moveBudget(null, true));
    }
}
