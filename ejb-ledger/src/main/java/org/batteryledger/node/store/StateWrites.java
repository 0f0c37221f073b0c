package org.batteryledger.node.store;

import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A block's state writes as two JDBC batches on the connection of the persist's transaction: one upsert statement for
 * every written key, one delete for every deleted key. It replaced a JPA {@code find} and then an insert, update or
 * remove per entry, which was a quarter of the replica's time under load (issue 16). The SQL is hand-written because
 * JPA has no upsert; it is the database's own, for the two databases a node runs on ({@link #of}). {@code LEDGER_STATE}
 * is still mapped by {@link StateEntryEntity}, which creates the table and reads it.
 * <p>
 * A block's replay index entries are not rows ({@link #stored}): they are two per transaction, written and later
 * pruned, and the receipts that a persist writes anyway say the same (a committed transaction and its expiry height).
 * {@link #readState} derives them: the index after height H is exactly the committed transactions whose expiry is at
 * least H ({@link BlockExecutor} prunes those below the height it executes, and a transaction is committed once). The
 * entries by hash ({@link Tables#TX}) follow from the expiry entries ({@link BlockExecutor#replayEntryOf}). Only a
 * snapshot's expiry entries are rows, because the node holds no receipts of the blocks before it; they are deleted
 * once expired, when the state is read back. A database of an earlier version holds its index as rows and its receipts
 * without expiry: read back the same way.
 */
final class StateWrites {
    private static final int INSERT_BATCH = 10_000;
    private static final String DELETE = "DELETE FROM LEDGER_STATE WHERE STATE_TABLE = ? AND STATE_KEY = ?";
    /** The order of {@code LEDGER_STATE}'s primary key (STATE_KEY, STATE_TABLE), as H2 compares strings by default. */
    private static final Comparator<WriteSet.Entry> PRIMARY_KEY_ORDER =
            Comparator.comparing(WriteSet.Entry::key).thenComparing(WriteSet.Entry::table);
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
     * Applies one write set of committed blocks, the replay index left out. Should a key appear twice, its last entry
     * wins, as when entries were applied one by one (the executor writes each key once; the two batches would otherwise
     * not keep their order).
     */
    void apply(Connection c, WriteSet writes) throws SQLException {
        apply(c, writes, false);
    }

    /** As {@link #apply}, the expiry entries included: what differs between a node's state and a snapshot's. */
    void applySnapshotDifference(Connection c, WriteSet writes) throws SQLException {
        apply(c, writes, true);
    }

    private void apply(Connection c, WriteSet writes, boolean snapshot) throws SQLException {
        Map<List<String>, WriteSet.Entry> last = new LinkedHashMap<>();
        for (WriteSet.Entry e : writes.entries()) {
            if (snapshot ? storedFromSnapshot(e.table()) : stored(e.table())) {
                last.put(List.of(e.table(), e.key()), e);
            }
        }
        List<WriteSet.Entry> puts = new ArrayList<>();
        List<WriteSet.Entry> deletes = new ArrayList<>();
        for (WriteSet.Entry e : last.values()) {
            (e.isDelete() ? deletes : puts).add(e);
        }
        // In the primary key's order (key, then table): a synced range writes tens of thousands of random keys (hashes),
        // and in H2 sorted writes touch each index page once in a row. An H2 bench of 120,000 random keys in six
        // commits: 5.1 s of CPU sorted, 8.4 s in arrival order, a file a third the size (BENCHMARKS.md, catch-up).
        puts.sort(PRIMARY_KEY_ORDER);
        deletes.sort(PRIMARY_KEY_ORDER);
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

    /**
     * The state after the block at {@code head} (0: genesis), from {@code LEDGER_STATE} and the receipts' expiry heights
     * (see the class comment). First deletes the index rows that no longer belong to it: expired ones, and those by hash
     * that an earlier version stored.
     */
    static List<WriteSet.Entry> readState(Connection c, long head) throws SQLException {
        String live = BlockExecutor.expiryKeyFloor(head);
        try (PreparedStatement byHash = c.prepareStatement("DELETE FROM LEDGER_STATE WHERE STATE_TABLE = ?");
             PreparedStatement expired = c.prepareStatement("DELETE FROM LEDGER_STATE WHERE STATE_TABLE = ? AND STATE_KEY < ?")) {
            byHash.setString(1, Tables.TX);
            byHash.executeUpdate();
            expired.setString(1, Tables.TX_EXPIRY);
            expired.setString(2, live); // keys are 20 digits, ':' and hex: any collation orders them by expiry first
            expired.executeUpdate();
        }
        List<WriteSet.Entry> state = new ArrayList<>();
        Set<String> indexed = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT STATE_TABLE, STATE_KEY, STATE_VALUE FROM LEDGER_STATE");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                String table = r.getString(1);
                String key = r.getString(2);
                state.add(new WriteSet.Entry(table, key, r.getBytes(3)));
                if (table.equals(Tables.TX_EXPIRY)) {
                    state.add(BlockExecutor.replayEntryOf(key));
                    indexed.add(key);
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT txHash, expiryHeight FROM LEDGER_RECEIPT WHERE expiryHeight >= ?")) {
            s.setLong(1, head);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String key = BlockExecutor.expiryKey(r.getLong(2), r.getString(1));
                    if (indexed.add(key)) {
                        state.add(new WriteSet.Entry(Tables.TX_EXPIRY, key, new byte[0]));
                        state.add(BlockExecutor.replayEntryOf(key));
                    }
                }
            }
        }
        return state;
    }

    /** Whether a committed block's entries of a state table are rows of {@code LEDGER_STATE}: all but the replay index. */
    static boolean stored(String table) {
        return !Tables.TX.equals(table) && !Tables.TX_EXPIRY.equals(table);
    }

    /** Whether a snapshot's entries of a state table are rows: its expiry entries too, as the node has no receipts of them. */
    private static boolean storedFromSnapshot(String table) {
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
                if (!storedFromSnapshot(table)) {
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
