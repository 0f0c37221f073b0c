package org.batteryledger.node.store;

import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Tables;
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
     * The replay index by hash is not stored, and reads back from the expiry entries as the executor wrote it: a chain of
     * blocks with transactions of several expiries, its pruning included, stored block by block (and a snapshot stored
     * at once), reads back as the state in memory.
     */
    @Test
    void theReplayIndexByHashReadsBackFromItsExpiryEntries() throws SQLException {
        org.batteryledger.core.crypto.CryptoSuite suite = org.batteryledger.core.crypto.Suites.ecdsa();
        org.batteryledger.core.state.WorldState memory = new org.batteryledger.core.state.WorldState();
        Random random = new Random(5);
        try (Connection c = h2("replay"); Connection snapshot = h2("replay-snapshot")) {
            StateWrites writes = StateWrites.of(c);
            for (long height = 1; height <= 40; height++) {
                List<WriteSet.Entry> entries = new ArrayList<>();
                // as BlockExecutor: prune what expired below this height, then index this block's transactions
                for (String key : List.copyOf(memory.scan(Tables.TX_EXPIRY).headMap(String.format("%020d:", height)).keySet())) {
                    entries.add(new WriteSet.Entry(Tables.TX_EXPIRY, key, null));
                    entries.add(new WriteSet.Entry(Tables.TX, key.substring(21), null));
                }
                for (int i = random.nextInt(5); i > 0; i--) {
                    String hash = suite.hash(new byte[]{(byte) height, (byte) i}).hex();
                    String expiryKey = String.format("%020d:%s", height + random.nextInt(6), hash);
                    entries.add(BlockExecutor.replayEntryOf(expiryKey));
                    entries.add(new WriteSet.Entry(Tables.TX_EXPIRY, expiryKey, new byte[0]));
                    entries.add(new WriteSet.Entry("battery", "b" + random.nextInt(10), new byte[]{(byte) height}));
                }
                WriteSet set = new WriteSet(entries);
                memory.apply(set);
                writes.apply(c, set);
                assertEquals(dump(memory), dump(readBack(c)), "height " + height);
                assertEquals(List.of(), rows(c).keySet().stream().filter(k -> k.startsWith(Tables.TX + "/")).toList(), "no row by hash");
            }
            assertTrue(memory.scan(Tables.TX).size() > 3, "the index holds transactions at the end");
            writes.insertAll(snapshot, memory);
            assertEquals(dump(memory), dump(readBack(snapshot)));
        }
    }

    private static Map<String, String> dump(org.batteryledger.core.state.WorldState state) {
        Map<String, String> out = new TreeMap<>();
        for (String table : state.tables()) {
            state.scan(table).forEach((k, v) -> out.put(table + "/" + k, HexFormat.of().formatHex(v)));
        }
        return out;
    }

    private static org.batteryledger.core.state.WorldState readBack(Connection c) throws SQLException {
        List<WriteSet.Entry> entries = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT STATE_TABLE, STATE_KEY, STATE_VALUE FROM LEDGER_STATE")) {
            while (r.next()) {
                StateWrites.readBack(entries, r.getString(1), r.getString(2), r.getBytes(3));
            }
        }
        org.batteryledger.core.state.WorldState state = new org.batteryledger.core.state.WorldState();
        state.apply(new WriteSet(entries));
        return state;
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
