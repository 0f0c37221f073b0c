package org.batteryledger.node.store;

import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched state writes leave the table as applying the entries one by one did (a find, then an insert, update or
 * remove): seeded write sets of puts, overwrites and deletes, against H2 with the table Hibernate creates.
 */
class StateWritesTest {
    private static Connection h2(String name) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE LEDGER_STATE (STATE_TABLE VARCHAR(64) NOT NULL, STATE_KEY VARCHAR(512) NOT NULL,"
                    + " STATE_VALUE VARBINARY(268435456) NOT NULL, PRIMARY KEY (STATE_TABLE, STATE_KEY))");
            s.execute("CREATE TABLE LEDGER_RECEIPT (TXHASH CHARACTER VARYING(64) PRIMARY KEY, HEIGHT BIGINT NOT NULL, ERROR CHARACTER VARYING(2048),"
                    + " EXPIRYHEIGHT BIGINT)");
        }
        return c;
    }

    private static Map<String, String> rows(Connection c) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT STATE_TABLE, STATE_KEY, STATE_VALUE FROM LEDGER_STATE")) {
            while (r.next()) {
                out.put(r.getString(1) + "/" + r.getString(2), HexFormat.of().formatHex(r.getBytes(3)));
            }
        }
        return out;
    }

    @Test
    void batchedWritesEqualTheEntryByEntryOnes() throws SQLException {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            Map<String, String> expected = new TreeMap<>();
            try (Connection c = h2("seed" + seed)) {
                StateWrites writes = StateWrites.of(c);
                for (int block = 0; block < 30; block++) {
                    List<WriteSet.Entry> entries = new ArrayList<>();
                    for (int i = random.nextInt(40); i > 0; i--) {
                        String table = "t" + random.nextInt(3);
                        String key = "k" + random.nextInt(25); // few keys: overwrites, deletes of present and absent keys
                        byte[] value = random.nextInt(4) == 0 ? null : new byte[]{(byte) random.nextInt(256), (byte) block};
                        entries.add(new WriteSet.Entry(table, key, value));
                    }
                    for (WriteSet.Entry e : entries) { // the reference: one entry after the other
                        if (e.isDelete()) {
                            expected.remove(e.table() + "/" + e.key());
                        } else {
                            expected.put(e.table() + "/" + e.key(), HexFormat.of().formatHex(e.value()));
                        }
                    }
                    writes.apply(c, new WriteSet(entries));
                    assertEquals(expected, rows(c), "seed " + seed + ", block " + block);
                }
            }
        }
    }

    /**
     * The replay index is not written with the blocks: it reads back from the receipts' expiry heights, and from a
     * snapshot's expiry rows, as the executor keeps it. A chain of blocks with transactions of several expiries, its
     * pruning included, goes into four databases: block by block as a persist writes it; a snapshot at height 30 into
     * an empty database and the blocks after it; the blocks to height 15, then the difference to the snapshot at 30 (a
     * node that was down), then the blocks after it; and the layout of earlier versions (the index as rows, receipts
     * without expiry). Each reads back as the state in memory at every height it holds.
     */
    @Test
    void theReplayIndexReadsBackFromTheReceiptsAndASnapshotsRows() throws SQLException {
        org.batteryledger.core.crypto.CryptoSuite suite = org.batteryledger.core.crypto.Suites.ecdsa();
        WorldState memory = new WorldState();
        Random random = new Random(5);
        try (Connection c = h2("replay"); Connection joined = h2("replay-joined"); Connection down = h2("replay-down");
             Connection earlier = h2("replay-earlier")) {
            StateWrites writes = StateWrites.of(c);
            for (long height = 1; height <= 60; height++) {
                List<WriteSet.Entry> entries = new ArrayList<>();
                List<LedgerRows.Receipt> receipts = new ArrayList<>();
                // as BlockExecutor: prune what expired below this height, then index this block's transactions
                for (String key : List.copyOf(memory.scan(Tables.TX_EXPIRY).headMap(BlockExecutor.expiryKeyFloor(height)).keySet())) {
                    entries.add(new WriteSet.Entry(Tables.TX_EXPIRY, key, null));
                    entries.add(new WriteSet.Entry(Tables.TX, key.substring(21), null));
                }
                for (int i = random.nextInt(5); i > 0; i--) {
                    String hash = suite.hash(new byte[]{(byte) height, (byte) i}).hex();
                    long expiry = height + random.nextInt(6);
                    String expiryKey = BlockExecutor.expiryKey(expiry, hash);
                    entries.add(BlockExecutor.replayEntryOf(expiryKey));
                    entries.add(new WriteSet.Entry(Tables.TX_EXPIRY, expiryKey, new byte[0]));
                    entries.add(new WriteSet.Entry("battery", "b" + random.nextInt(10), new byte[]{(byte) height}));
                    receipts.add(new LedgerRows.Receipt(hash, height, i == 1 ? "refused" : null, expiry));
                }
                WriteSet set = new WriteSet(entries);
                memory.apply(set);
                persist(writes, c, set, receipts);
                asEarlierVersions(writes, earlier, set, receipts);
                if (height <= 15 || height > 30) {
                    persist(writes, down, set, receipts);
                }
                if (height > 30) {
                    persist(writes, joined, set, receipts);
                }
                if (height == 30) {
                    writes.insertAll(joined, memory);
                    writes.applySnapshotDifference(down, WorldState.diff(state(StateWrites.readState(down, 15)), memory));
                }
                assertEquals(dump(memory), dump(state(StateWrites.readState(c, height))), "height " + height);
                assertEquals(dump(memory), dump(state(StateWrites.readState(earlier, height))), "earlier layout, height " + height);
                if (height >= 30) {
                    assertEquals(dump(memory), dump(state(StateWrites.readState(joined, height))), "joined, height " + height);
                    assertEquals(dump(memory), dump(state(StateWrites.readState(down, height))), "was down, height " + height);
                }
                assertEquals(List.of(), rows(c).keySet().stream().filter(k -> k.startsWith(Tables.TX + "/") || k.startsWith(Tables.TX_EXPIRY + "/")).toList(),
                        "no replay index row from a persist");
            }
            assertTrue(memory.scan(Tables.TX).size() > 3, "the index holds transactions at the end");
            for (Connection db : List.of(joined, down, earlier)) {
                assertEquals(List.of(), rows(db).keySet().stream().filter(k -> k.startsWith(Tables.TX + "/") || k.compareTo(
                        Tables.TX_EXPIRY + "/" + BlockExecutor.expiryKeyFloor(60)) < 0 && k.startsWith(Tables.TX_EXPIRY + "/")).toList(),
                        "rows of expired entries and by hash are gone once read back");
            }
        }
    }

    private static void persist(StateWrites writes, Connection c, WriteSet set, List<LedgerRows.Receipt> receipts) throws SQLException {
        writes.apply(c, set);
        LedgerRows.insertReceipts(c, receipts);
    }

    /** The layout before this build: every entry a row (the index by hash too, as two versions ago), receipts without expiry. */
    private static void asEarlierVersions(StateWrites writes, Connection c, WriteSet set, List<LedgerRows.Receipt> receipts) throws SQLException {
        writes.apply(c, set);
        for (WriteSet.Entry e : set.entries()) {
            if (e.table().equals(Tables.TX) || e.table().equals(Tables.TX_EXPIRY)) {
                try (java.sql.PreparedStatement s = c.prepareStatement(e.isDelete()
                        ? "DELETE FROM LEDGER_STATE WHERE STATE_TABLE = ? AND STATE_KEY = ?"
                        : "MERGE INTO LEDGER_STATE (STATE_TABLE, STATE_KEY, STATE_VALUE) KEY (STATE_TABLE, STATE_KEY) VALUES (?, ?, ?)")) {
                    s.setString(1, e.table());
                    s.setString(2, e.key());
                    if (!e.isDelete()) {
                        s.setBytes(3, e.value());
                    }
                    s.executeUpdate();
                }
            }
        }
        for (LedgerRows.Receipt r : receipts) {
            try (java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO LEDGER_RECEIPT (txHash, height, error) VALUES (?, ?, ?)")) {
                s.setString(1, r.txHash());
                s.setLong(2, r.height());
                s.setString(3, r.error());
                s.executeUpdate();
            }
        }
    }

    private static WorldState state(List<WriteSet.Entry> entries) {
        WorldState state = new WorldState();
        state.apply(new WriteSet(entries));
        return state;
    }

    private static Map<String, String> dump(WorldState state) {
        Map<String, String> out = new TreeMap<>();
        for (String table : state.tables()) {
            state.scan(table).forEach((k, v) -> out.put(table + "/" + k, HexFormat.of().formatHex(v)));
        }
        return out;
    }

    // A persist of many committed blocks (a synced range) applies their writes, in block order, as one set: the
    // table must end as if each block had been applied in turn.
    @Test
    void theWritesOfManyBlocksAsOneSetEqualTheBlocksAppliedInTurn() throws SQLException {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            try (Connection inTurn = h2("turn" + seed); Connection together = h2("together" + seed)) {
                StateWrites writes = StateWrites.of(inTurn);
                List<WriteSet.Entry> all = new ArrayList<>();
                for (int block = 0; block < 30; block++) {
                    List<WriteSet.Entry> entries = new ArrayList<>();
                    for (int i = random.nextInt(40); i > 0; i--) {
                        byte[] value = random.nextInt(3) == 0 ? null : new byte[]{(byte) random.nextInt(256), (byte) block};
                        entries.add(new WriteSet.Entry("t" + random.nextInt(3), "k" + random.nextInt(25), value));
                    }
                    writes.apply(inTurn, new WriteSet(entries));
                    all.addAll(entries);
                }
                writes.apply(together, new WriteSet(all));
                assertEquals(rows(inTurn), rows(together), "seed " + seed);
            }
        }
    }
}
