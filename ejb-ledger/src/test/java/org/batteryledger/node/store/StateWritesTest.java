package org.batteryledger.node.store;

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
