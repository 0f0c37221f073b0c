package org.batteryledger.node.store;

import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A block's state writes as two JDBC batches on the connection of the persist's transaction: one upsert statement for
 * every written key, one delete for every deleted key. It replaced a JPA {@code find} and then an insert, update or
 * remove per entry, which was a quarter of the replica's time under load (issue 16). The SQL is hand-written because
 * JPA has no upsert; it is the database's own, for the two databases a node runs on ({@link #of}). {@code LEDGER_STATE}
 * is still mapped by {@link StateEntryEntity}, which creates the table and reads it.
 * <p>
 * The replay index's entries by transaction hash ({@link Tables#TX}) are not stored: each is implied by its expiry
 * entry ({@link BlockExecutor#replayEntryOf}), and {@link LedgerStore} derives them when it reads the state back. Keyed
 * by a hash, they landed all over the table's primary key, so every block's commit wrote most of the table's pages
 * anew in H2 (which writes every page a commit touched); the expiry entries are keyed by expiry height, so a block's
 * are appended and the expired ones go from the front.
 */
final class StateWrites {
    private static final int INSERT_BATCH = 10_000;
    private static final String DELETE = "DELETE FROM LEDGER_STATE WHERE STATE_TABLE = ? AND STATE_KEY = ?";
    private final String upsert;
    private final boolean h2;

    private StateWrites(String upsert, boolean h2) {
        this.upsert = upsert;
        this.h2 = h2;
    }

    /** Whether the statements are H2's (the other database a node runs on is PostgreSQL). */
    boolean h2() {
        return h2;
    }

    /** The statements for the database behind {@code c}: H2's {@code MERGE … KEY}, PostgreSQL's {@code ON CONFLICT}. */
    static StateWrites of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            return new StateWrites("MERGE INTO LEDGER_STATE (STATE_TABLE, STATE_KEY, STATE_VALUE) KEY (STATE_TABLE, STATE_KEY) VALUES (?, ?, ?)", true);
        }
        if (product.contains("postgresql")) {
            return new StateWrites("INSERT INTO LEDGER_STATE (STATE_TABLE, STATE_KEY, STATE_VALUE) VALUES (?, ?, ?)"
                    + " ON CONFLICT (STATE_TABLE, STATE_KEY) DO UPDATE SET STATE_VALUE = EXCLUDED.STATE_VALUE", false);
        }
        throw new IllegalStateException("the ledger runs on H2 or PostgreSQL, not on " + product);
    }

    /**
     * Applies one write set. Should a key appear twice, its last entry wins, as when entries were applied one by one
     * (the executor writes each key once; the two batches would otherwise not keep their order).
     */
    void apply(Connection c, WriteSet writes) throws SQLException {
        Map<List<String>, WriteSet.Entry> last = new LinkedHashMap<>();
        for (WriteSet.Entry e : writes.entries()) {
            if (stored(e.table())) {
                last.put(List.of(e.table(), e.key()), e);
            }
        }
        List<WriteSet.Entry> puts = new ArrayList<>();
        List<WriteSet.Entry> deletes = new ArrayList<>();
        for (WriteSet.Entry e : last.values()) {
            (e.isDelete() ? deletes : puts).add(e);
        }
        if (!puts.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(upsert)) {
                for (WriteSet.Entry e : puts) {
                    s.setString(1, e.table());
                    s.setString(2, e.key());
                    s.setBytes(3, e.value());
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
        if (!deletes.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(DELETE)) {
                for (WriteSet.Entry e : deletes) {
                    s.setString(1, e.table());
                    s.setString(2, e.key());
                    s.addBatch();
                }
                s.executeBatch();
            }
        }
    }

    /** One row of {@code LEDGER_STATE} read back into {@code state}, with the replay index entry it implies, if any. */
    static void readBack(List<WriteSet.Entry> state, String table, String key, byte[] value) {
        state.add(new WriteSet.Entry(table, key, value));
        if (table.equals(Tables.TX_EXPIRY)) {
            state.add(BlockExecutor.replayEntryOf(key));
        }
    }

    /** Whether a state table's entries are rows of {@code LEDGER_STATE}: all but the replay index by hash. */
    static boolean stored(String table) {
        return !Tables.TX.equals(table);
    }

    /**
     * Fills the emptied table with a whole state (a join from a snapshot): plain inserts in batches of
     * {@value #INSERT_BATCH}, both databases alike. H2's MERGE opens a cursor per row, which an empty table does not need.
     */
    void insertAll(Connection c, WorldState state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO LEDGER_STATE (STATE_TABLE, STATE_KEY, STATE_VALUE) VALUES (?, ?, ?)")) {
            int batched = 0;
            for (String table : state.tables()) {
                if (!stored(table)) {
                    continue;
                }
                for (Map.Entry<String, byte[]> e : state.scan(table).entrySet()) {
                    s.setString(1, table);
                    s.setString(2, e.getKey());
                    s.setBytes(3, e.getValue());
                    s.addBatch();
                    if (++batched % INSERT_BATCH == 0) {
                        s.executeBatch();
                    }
                }
            }
            s.executeBatch();
        }
    }
}
