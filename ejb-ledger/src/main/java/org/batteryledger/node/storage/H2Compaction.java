package org.batteryledger.node.storage;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Housekeeping on the node's H2 file: rewrite the live pages of its sparsest chunks, so that those chunks die and their
 * space is used again; at rest, move chunks into that space and cut the file's end.
 * <p>
 * Why the node does this itself: H2 writes a new chunk at every commit and keeps the pages a commit replaced in the
 * chunks that held them. Its background thread rewrites sparse chunks, but it runs only with {@code WRITE_DELAY} above
 * 0, and the node runs with 0 so that nothing acknowledged is lost to a {@code kill -9} (configure-node.cli). Without
 * it the file only grew: 161 MB after 30,000 REST transactions, 7% of it live (BENCHMARKS.md, "H2's file kept near its
 * live data"). The figures come from H2's {@code INFORMATION_SCHEMA.SETTINGS}; the rewrite needs the store itself,
 * reached through H2's own classes (the server's H2 module, 2.2).
 */
final class H2Compaction {
    /**
     * The file as H2 reports it: how full the chunks old enough to be rewritten are (live bytes over their bytes, in
     * percent), how much of the file holds chunks at all, its size, and the bytes written to it so far.
     */
    record Fill(int rewritableChunksPercent, int filePercent, long fileBytes, long writtenBytes) {
    }

    private H2Compaction() {
    }

    /** Whether {@code c} is a connection to an H2 database. */
    static boolean isH2(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2");
    }

    /** The file's fill, or null for a database that keeps no file (in memory). */
    static Fill fill(Connection c) throws SQLException {
        Integer chunks = null;
        Integer file = null;
        Long size = null;
        long written = 0;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                + "WHERE SETTING_NAME IN ('info.CHUNKS_FILL_RATE_RW', 'info.FILL_RATE', 'info.FILE_SIZE', 'info.FILE_WRITE_BYTES')")) {
            while (r.next()) {
                String value = r.getString(2).trim();
                switch (r.getString(1)) {
                    case "info.CHUNKS_FILL_RATE_RW" -> chunks = Integer.parseInt(value);
                    case "info.FILL_RATE" -> file = Integer.parseInt(value);
                    case "info.FILE_SIZE" -> size = Long.parseLong(value);
                    case "info.FILE_WRITE_BYTES" -> written = Long.parseLong(value);
                    default -> { }
                }
            }
        }
        return chunks == null || file == null || size == null ? null : new Fill(chunks, file, size, written);
    }

    /**
     * Rewrites the live pages of the chunks H2 ranks first (by fill over age in versions: with a commit a version, mostly
     * the oldest) up to {@code budgetBytes} of live data by its estimate, then writes them out with a store commit, so
     * that the next transaction's commit does not carry them. The chunks emptied are freed by a later commit once H2's
     * retention time has passed ({@code RETENTION_TIME}, 45 s), and their space is used again by later chunks. Returns
     * whether anything was rewritten: false too when H2 could not take its store lock within 10 ms (busy committers).
     */
    static boolean rewrite(Connection c, int budgetBytes) throws SQLException {
        MVStore store = store(c);
        if (store == null) {
            return false;
        }
        // compact(100, …): the node decides when (StoreCompaction.Policy); H2 picks the chunks, within the budget.
        boolean rewritten = store.compact(100, budgetBytes);
        if (rewritten) {
            store.commit(); // what CHECKPOINT does, without the admin right CHECKPOINT asks of the database user
        }
        return rewritten;
    }

    /**
     * Moves up to {@code budgetBytes} of chunks towards the start of the file, into the space of chunks that died, and
     * cuts the file's end that is then free: H2's own way of shrinking a file (its background thread does it while the
     * file is fragmented and less than 90% in use). Chunks are only moved after a sync, so a crash leaves either place
     * readable. Commits wait while it runs. Returns whether the store has a file to do it on, not whether anything moved.
     */
    static boolean move(Connection c, long budgetBytes) throws SQLException {
        MVStore store = store(c);
        if (store == null || !(store.getFileStore() instanceof RandomAccessStore file)) {
            return false;
        }
        file.compactMoveChunks(100, budgetBytes, store);
        return true;
    }

    /** The MVStore behind an embedded H2 connection (through a pool's wrapper too), or null if there is none. */
    private static MVStore store(Connection c) throws SQLException {
        JdbcConnection h2 = c.isWrapperFor(JdbcConnection.class) ? c.unwrap(JdbcConnection.class) : null;
        if (h2 == null || !(h2.getSession() instanceof SessionLocal session) || session.getDatabase().getStore() == null) {
            return null;
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.getFileStore() == null ? null : store;
    }
}
