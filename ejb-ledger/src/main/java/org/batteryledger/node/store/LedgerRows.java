package org.batteryledger.node.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rows one persist writes besides the state ({@link StateWrites}): votes, acknowledged transactions, committed
 * blocks and their receipts, and the clean-up a commit allows; plain SQL both databases take, as JDBC batches on the
 * transaction's connection. Through JPA a vote was an entity with an identity key, which Hibernate inserts at once,
 * statement by statement, and the clean-up three HQL statements after a flush: with the session's own cost, about half
 * of the replica thread at 65 transactions a second (JFR, BENCHMARKS.md). The tables and columns are those of
 * {@link VoteLogEntity}, {@link AcknowledgedTxEntity}, {@link BlockEntity} and {@link ReceiptEntity}, which still
 * define the schema and serve every read.
 */
final class LedgerRows {
    /** A vote log entry: its height and encoding. */
    record Vote(long height, byte[] encoded) {
    }

    /** A transaction acknowledged to its client and not yet committed. */
    record Acknowledged(String hash, long expiryHeight, byte[] encoded) {
    }

    /** A committed block with its certificate, and the columns queries use. */
    record Block(long height, String hash, int txCount, long timestampMillis, String proposer, int certificateView, byte[] encoded) {
    }

    /**
     * A transaction's outcome: null error when it was applied. Its expiry height is what the replay index derives from
     * ({@link StateWrites#readState}).
     */
    record Receipt(String txHash, long height, String error, long expiryHeight) {
    }

    /** Values per IN list: databases bound the number of parameters in one statement. */
    private static final int MAX_IN_LIST = 1000;

    private LedgerRows() {
    }

    /** Sets one row's parameters on the statement. */
    private interface Binder<T> {
        void bind(PreparedStatement s, T row) throws SQLException;
    }

    /** {@code sql} once per row, as one batch, in the list's order; nothing for no rows. */
    private static <T> void batch(Connection c, String sql, List<T> rows, Binder<T> binder) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (T row : rows) {
                binder.bind(s, row);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** In order: the identity key keeps it, and recovery replays the votes by it. */
    static void insertVotes(Connection c, List<Vote> votes) throws SQLException {
        batch(c, "INSERT INTO LEDGER_VOTE_LOG (height, encoded) VALUES (?, ?)", votes, (s, v) -> {
            s.setLong(1, v.height());
            s.setBytes(2, v.encoded());
        });
    }

    static void insertAcknowledged(Connection c, List<Acknowledged> txs) throws SQLException {
        batch(c, "INSERT INTO LEDGER_ACKNOWLEDGED_TX (hash, expiryHeight, encoded) VALUES (?, ?, ?)", txs, (s, a) -> {
            s.setString(1, a.hash());
            s.setLong(2, a.expiryHeight());
            s.setBytes(3, a.encoded());
        });
    }

    static void insertBlocks(Connection c, List<Block> blocks) throws SQLException {
        batch(c, "INSERT INTO LEDGER_BLOCK (height, hash, txCount, timestampMillis, proposer, certificateView, encoded) VALUES (?, ?, ?, ?, ?, ?, ?)",
                blocks, (s, b) -> {
                    s.setLong(1, b.height());
                    s.setString(2, b.hash());
                    s.setInt(3, b.txCount());
                    s.setLong(4, b.timestampMillis());
                    s.setString(5, b.proposer());
                    s.setInt(6, b.certificateView());
                    s.setBytes(7, b.encoded());
                });
    }

    /**
     * A block sync applies tens of thousands of transactions in one persist: one batch for all their receipts, by hash,
     * the key of their index. Their hashes are random, and in H2 sorted inserts touch each index page once in a row, as
     * the state's writes do ({@link StateWrites}; BENCHMARKS.md, catch-up).
     */
    static void insertReceipts(Connection c, List<Receipt> receipts) throws SQLException {
        List<Receipt> byHash = new ArrayList<>(receipts);
        byHash.sort(Comparator.comparing(Receipt::txHash));
        batch(c, "INSERT INTO LEDGER_RECEIPT (txHash, height, error, expiryHeight) VALUES (?, ?, ?, ?)", byHash, (s, r) -> {
            s.setString(1, r.txHash());
            s.setLong(2, r.height());
            s.setString(3, r.error());
            s.setLong(4, r.expiryHeight());
        });
    }

    /**
     * After blocks up to {@code height} committed: their transactions' acknowledgements, the votes of those heights
     * (never needed again) and acknowledgements that expired unanswered go.
     */
    static void committed(Connection c, List<String> txHashes, long height) throws SQLException {
        // IN lists, not a batch of single deletes: a synced range commits 100,000 transactions in one persist, and H2
        // took 0.5-0.7 s for those as single deletes, 0.14-0.23 s as lists.
        for (int from = 0; from < txHashes.size(); from += MAX_IN_LIST) {
            List<String> part = txHashes.subList(from, Math.min(txHashes.size(), from + MAX_IN_LIST));
            try (PreparedStatement s = c.prepareStatement("DELETE FROM LEDGER_ACKNOWLEDGED_TX WHERE hash IN (" + "?,".repeat(part.size() - 1) + "?)")) {
                for (int i = 0; i < part.size(); i++) {
                    s.setString(i + 1, part.get(i));
                }
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM LEDGER_VOTE_LOG WHERE height <= ?")) {
            s.setLong(1, height);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM LEDGER_ACKNOWLEDGED_TX WHERE expiryHeight <= ?")) {
            s.setLong(1, height);
            s.executeUpdate();
        }
    }
}
