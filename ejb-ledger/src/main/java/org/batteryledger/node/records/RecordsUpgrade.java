package org.batteryledger.node.records;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Brings the records of an earlier version's database to this one's layout, at the node's start, before the first intake
 * or seal ({@link IntakeService} and {@link AnchorService} depend on it):
 * <ol>
 *   <li>moves the batch assignments kept in the record's own row ({@code OFFCHAIN_RECORD}'s batchId, leafIndex and
 *   auditPath) to {@code BATCH_LEAF}, then drops those columns and their index (only while the old columns exist);</li>
 *   <li>gives leaf rows without one their record's hash key ({@link RecordEntity#hashKey}), then drops the index on the
 *   record's hash, which the key replaces.</li>
 * </ol>
 * Each step can be repeated: a node stopped half way finishes at its next start.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RecordsUpgrade {
    private static final Logger LOG = Logger.getLogger(RecordsUpgrade.class.getName());

    @Resource(lookup = "java:jboss/datasources/LedgerDS")
    private DataSource dataSource;
    /** Unused here: it makes this bean start after the persistence unit, whose schema update creates BATCH_LEAF. */
    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    /** Attempts at most, a second apart: the two servers of a clustered member start on one database at once. */
    static final int ATTEMPTS = 60;

    @PostConstruct
    void upgrade() {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                long started = System.nanoTime();
                int moved = moveBatchColumns(c);
                if (moved >= 0) {
                    LOG.info(() -> "moved the batch columns of " + moved + " records to " + RecordEntity.BATCH_LEAF + " in "
                            + (System.nanoTime() - started) / 1_000_000 + " ms (once per database)");
                }
                long keying = System.nanoTime();
                int keyed = keyLeafRows(c);
                if (keyed > 0) {
                    LOG.info(() -> "gave " + keyed + " sealed records their hash key in " + (System.nanoTime() - keying) / 1_000_000
                            + " ms (once per database)");
                }
                return;
            } catch (SQLException e) {
                // The other server of the member may be moving them at the same moment (a key taken twice, a column it
                // dropped): the next attempt finds its work done, or finishes it.
                last = e;
                LOG.warning("upgrading the records' tables failed (attempt " + attempt + " of " + ATTEMPTS
                        + "): " + e.getMessage());
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("cannot upgrade the records' tables (" + RecordEntity.BATCH_LEAF + "): "
                + (last == null ? "interrupted" : last.getMessage()) + "; the node does not start with them half upgraded", last);
    }

    /**
     * Copies the batch columns of every batched record that has no leaf row yet, then drops the old index and columns.
     * Returns how many records it copied, or -1 when there was nothing to do (no old columns).
     */
    static int moveBatchColumns(Connection c) throws SQLException {
        if (!hasColumn(c, "BATCHID")) {
            return -1;
        }
        // Databases older than the kept audit paths have no auditPath column: their proofs rebuild the batch's tree.
        boolean auditPaths = hasColumn(c, "AUDITPATH");
        int moved;
        try (Statement s = c.createStatement()) {
            moved = s.executeUpdate("insert into " + RecordEntity.BATCH_LEAF + " (seq, batchId, leafIndex, auditPath) "
                    + "select r.seq, r.batchId, r.leafIndex, " + (auditPaths ? "r.auditPath" : "null") + " from OFFCHAIN_RECORD r "
                    + "where r.batchId is not null and not exists (select 1 from " + RecordEntity.BATCH_LEAF + " l where l.seq = r.seq)");
            s.executeUpdate("drop index if exists IX_RECORD_BATCH");
            boolean h2 = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
            List<String> old = auditPaths ? List.of("batchId", "leafIndex", "auditPath") : List.of("batchId", "leafIndex");
            s.executeUpdate(h2 ? "alter table OFFCHAIN_RECORD drop column (" + String.join(", ", old) + ")"
                    : "alter table OFFCHAIN_RECORD " + String.join(", ", old.stream().map(col -> "drop column " + col).toList()));
        }
        commit(c);
        return moved;
    }

    /** Leaf rows keyed per statement batch (and per transaction). */
    static final int KEY_CHUNK = 10_000;

    /**
     * Gives every leaf row without a hash key its record's, a chunk at a time in the order of the leaf rows (each chunk
     * committed), then drops the old index on {@code OFFCHAIN_RECORD.recordHash}. The key's index is dropped while rows
     * are keyed and built once afterwards: filled chunk by chunk, its random keys would make H2 write most of it anew at
     * every chunk. (A start stopped half way finds the index again, from Hibernate's schema update, and goes on.) Returns
     * how many rows it keyed: none once done, at the cost of one look at the key index.
     */
    static int keyLeafRows(Connection c) throws SQLException {
        int keyed = 0;
        try (Statement s = c.createStatement()) {
            boolean unkeyed;
            try (ResultSet rs = s.executeQuery("select 1 from " + RecordEntity.BATCH_LEAF + " where hashKey is null fetch first 1 rows only")) {
                unkeyed = rs.next();
            }
            if (unkeyed) {
                s.executeUpdate("drop index if exists IX_LEAF_HASH");
                commit(c);
                long after = Long.MIN_VALUE;
                List<long[]> chunk;
                do {
                    chunk = unkeyedAfter(c, after);
                    try (PreparedStatement update = c.prepareStatement("update " + RecordEntity.BATCH_LEAF + " set hashKey = ? where seq = ?")) {
                        for (long[] row : chunk) {
                            update.setLong(1, row[1]);
                            update.setLong(2, row[0]);
                            update.addBatch();
                        }
                        update.executeBatch();
                    }
                    commit(c);
                    keyed += chunk.size();
                    after = chunk.isEmpty() ? after : chunk.get(chunk.size() - 1)[0];
                } while (chunk.size() == KEY_CHUNK);
                s.executeUpdate("create index if not exists IX_LEAF_HASH on " + RecordEntity.BATCH_LEAF + " (hashKey)");
            }
            s.executeUpdate("drop index if exists IX_RECORD_HASH");
        }
        commit(c);
        return keyed;
    }

    /** Up to {@link #KEY_CHUNK} leaf rows after {@code seq} without a hash key: their seq and their record's key. */
    private static List<long[]> unkeyedAfter(Connection c, long seq) throws SQLException {
        List<long[]> chunk = new ArrayList<>(KEY_CHUNK);
        try (PreparedStatement s = c.prepareStatement("select l.seq, r.recordHash from " + RecordEntity.BATCH_LEAF + " l join OFFCHAIN_RECORD r "
                + "on r.seq = l.seq where l.seq > ? and l.hashKey is null order by l.seq fetch first " + KEY_CHUNK + " rows only")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    chunk.add(new long[]{rs.getLong(1), RecordEntity.hashKey(rs.getString(2))});
                }
            }
        }
        return chunk;
    }

    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /** Whether OFFCHAIN_RECORD has this column (H2 keeps unquoted names in upper case, PostgreSQL in lower case). */
    private static boolean hasColumn(Connection c, String upperCaseName) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        for (String[] names : new String[][]{{"OFFCHAIN_RECORD", upperCaseName}, {"offchain_record", upperCaseName.toLowerCase(Locale.ROOT)}}) {
            try (ResultSet rs = meta.getColumns(null, null, names[0], names[1])) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
