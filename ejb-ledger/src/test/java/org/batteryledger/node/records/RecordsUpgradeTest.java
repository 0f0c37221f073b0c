package org.batteryledger.node.records;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database of an earlier version, as Hibernate left it after adding BATCH_LEAF: the batch columns move to the leaf
 * rows, the old columns go, and a start that stopped half way finishes the move at the next one.
 */
class RecordsUpgradeTest {
    Connection db;

    @BeforeEach
    void earlierVersion() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:upgrade" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (Statement s = db.createStatement()) {
            // the columns the old mapping made, then what the schema update adds for the new one
            s.execute("create table OFFCHAIN_RECORD (seq bigint primary key, recordId varchar(128) not null, batchId varchar(128), "
                    + "leafIndex integer not null, auditPath varbinary(2072))");
            s.execute("create index IX_RECORD_BATCH on OFFCHAIN_RECORD (batchId, leafIndex)");
            s.execute("create table BATCH_LEAF (seq bigint not null primary key, batchId varchar(128), leafIndex integer, auditPath varbinary(2072))");
            s.execute("alter table BATCH_LEAF add constraint FK_LEAF foreign key (seq) references OFFCHAIN_RECORD");
            s.execute("create unique index IX_LEAF_BATCH on BATCH_LEAF (batchId, leafIndex)");
            s.execute("insert into OFFCHAIN_RECORD values (1, 'r1', 'n0-1', 0, X'0101'), (2, 'r2', 'n0-1', 1, X'0202'), "
                    + "(3, 'r3', 'n0-3', 0, null), (4, 'r4', null, -1, null), (5, 'r5', null, -1, null)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    @Test
    void batchedRecordsKeepTheirBatchLeafAndPathAndTheOldColumnsGo() throws SQLException {
        assertEquals(3, RecordsUpgrade.moveBatchColumns(db));

        assertEquals(List.of("1 n0-1 0", "2 n0-1 1", "3 n0-3 0"), rows("select seq, batchId, leafIndex from BATCH_LEAF order by seq"));
        assertArrayEquals(new byte[]{2, 2}, bytes("select auditPath from BATCH_LEAF where seq = 2"));
        assertEquals(List.of("RECORDID", "SEQ"), recordColumns());
        assertEquals(List.of(), rows("select index_name from information_schema.indexes where index_name = 'IX_RECORD_BATCH'"));
        execute("insert into OFFCHAIN_RECORD (seq, recordId) values (6, 'r6')"); // what intake writes now
        assertEquals(-1, RecordsUpgrade.moveBatchColumns(db), "nothing left to do");
    }

    @Test
    void aMoveThatStoppedHalfWayIsFinishedAtTheNextStart() throws SQLException {
        execute("insert into BATCH_LEAF select seq, batchId, leafIndex, auditPath from OFFCHAIN_RECORD where seq = 1");
        assertEquals(2, RecordsUpgrade.moveBatchColumns(db));
        assertEquals(List.of("1 n0-1 0", "2 n0-1 1", "3 n0-3 0"), rows("select seq, batchId, leafIndex from BATCH_LEAF order by seq"));
    }

    @Test
    void aRecordInTwoBatchesStopsTheMoveWithTheOldColumnsIntact() throws SQLException {
        execute("update OFFCHAIN_RECORD set batchId = 'n0-1', leafIndex = 1 where seq = 3"); // leaf 1 of n0-1 twice
        assertThrows(SQLException.class, () -> RecordsUpgrade.moveBatchColumns(db));
        assertTrue(recordColumns().contains("BATCHID"));
    }

    @Test
    void aDatabaseFromBeforeTheKeptAuditPathsMovesWithoutThem() throws SQLException {
        execute("alter table OFFCHAIN_RECORD drop column auditPath");
        assertEquals(3, RecordsUpgrade.moveBatchColumns(db));
        assertEquals(List.of("1 n0-1 0 null", "2 n0-1 1 null", "3 n0-3 0 null"), rows("select seq, batchId, leafIndex, auditPath from BATCH_LEAF order by seq"));
        assertEquals(List.of("RECORDID", "SEQ"), recordColumns());
    }

    /** Leaf rows of a version before hash keys get their record's key in chunks, and the index on the record's hash goes. */
    @Test
    void leafRowsWithoutAHashKeyGetTheirRecordsAndTheOldHashIndexGoes() throws SQLException {
        RecordsUpgrade.moveBatchColumns(db);
        execute("alter table OFFCHAIN_RECORD add column recordHash varchar(64)");
        execute("create index IX_RECORD_HASH on OFFCHAIN_RECORD (recordHash)");
        execute("alter table BATCH_LEAF add column hashKey bigint"); // what the schema update adds
        int rows = RecordsUpgrade.KEY_CHUNK + 3;
        for (int seq = 6; seq < 6 + rows; seq++) { // more sealed records than a chunk
            execute("insert into OFFCHAIN_RECORD (seq, recordId) values (" + seq + ", 'r" + seq + "')");
            execute("insert into BATCH_LEAF (seq, batchId, leafIndex) values (" + seq + ", 'n0-6', " + (seq - 6) + ")");
        }
        String high = "f" + "0".repeat(14) + "1" + "ab".repeat(24); // a key above Long.MAX_VALUE reads as a negative long
        execute("update OFFCHAIN_RECORD set recordHash = lpad(to_char(seq), 64, '0')");
        execute("update OFFCHAIN_RECORD set recordHash = '" + high + "' where seq = 2");
        execute("update BATCH_LEAF set hashKey = 77 where seq = 1"); // keyed already: left alone

        assertEquals(3 + rows - 1, RecordsUpgrade.keyLeafRows(db));

        assertEquals(List.of("1 77", "2 " + Long.parseUnsignedLong("f000000000000001", 16), "3 0", "7 0"),
                rows("select seq, hashKey from BATCH_LEAF where seq in (1, 2, 3, 7) order by seq"));
        assertEquals(List.of(), rows("select index_name from information_schema.indexes where index_name = 'IX_RECORD_HASH'"));
        assertEquals(List.of("IX_LEAF_HASH"), rows("select index_name from information_schema.indexes where index_name = 'IX_LEAF_HASH'"));
        assertEquals(0, RecordsUpgrade.keyLeafRows(db), "nothing left to do");
    }

    @Test
    void aHashKeyIsTheHashsFirstEightBytes() {
        assertEquals(0x0123456789abcdefL, RecordEntity.hashKey("0123456789abcdef" + "00".repeat(24)));
        assertEquals(-1L, RecordEntity.hashKey("ffffffffffffffff" + "ee".repeat(24)));
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }

    /** OFFCHAIN_RECORD's columns by name. */
    private List<String> recordColumns() throws SQLException {
        return rows("select column_name from information_schema.columns where table_name = 'OFFCHAIN_RECORD' order by column_name");
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private byte[] bytes(String sql) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBytes(1);
        }
    }
}
