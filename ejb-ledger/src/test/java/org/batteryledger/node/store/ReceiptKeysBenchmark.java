package org.batteryledger.node.store;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What a block's receipts cost H2 as the chain grows, by how the receipt table is keyed. H2 writes every page a commit
 * touched anew, so a table whose key is the transaction's hash (random) has each block's receipts land on pages all
 * over its primary key, and the pages a commit writes grow with the history until every commit writes the whole index.
 * Five layouts, each in its own H2 file ({@code WRITE_DELAY=0}, as nodes run), receiving the same blocks:
 * <ul>
 * <li>{@code hash-pk}: the node's table ({@code LEDGER_RECEIPT}: the hash as primary key, an index on height), the
 * receipts in block order;</li>
 * <li>{@code hash-sorted}: the same table, each commit's receipts sorted by hash first, as a persist writes them now;</li>
 * <li>{@code seq-pk}: keyed by (height, position), the hash a plain column: no lookup by hash at all, the floor;</li>
 * <li>{@code seq-pk+key}: as {@code seq-pk}, with an index on the hash's first eight bytes as a {@code BIGINT};</li>
 * <li>{@code seq-pk+later}: as {@code seq-pk}, and every 64 blocks those blocks' hash keys go into a table of their own
 * keyed by (hash key, height), in one statement of that block's transaction.</li>
 * </ul>
 * Per block: one transaction, the receipts as one JDBC batch, then the commit; the committing thread's CPU and the
 * file's size are reported per window of blocks; a block's hashes are drawn before its timing starts (since the
 * {@code hash-sorted} layout came, 2026-12-06), and that layout's sort of the raw hashes is timed (a persist sorts
 * their hex strings, which order the same). Not a test: a bench main.
 *
 * <pre>MAVEN_OPTS=-XX:TieredStopAtLevel=1 mvn -B -q -pl ejb-ledger test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.node.store.ReceiptKeysBenchmark [-Dexec.args="1000000 750 200000"]</pre>
 * Arguments: receipts in all, receipts a block, receipts a report window.
 */
public final class ReceiptKeysBenchmark {
    private enum Layout {
        HASH_PK("hash-pk", "CREATE TABLE R (TXHASH VARCHAR(64) PRIMARY KEY, HEIGHT BIGINT NOT NULL, ERROR VARCHAR(2048)); CREATE INDEX IX_H ON R(HEIGHT)",
                "INSERT INTO R (TXHASH, HEIGHT, ERROR) VALUES (?, ?, ?)"),
        HASH_PK_SORTED("hash-sorted", HASH_PK.ddl, HASH_PK.insert),
        SEQ_PK("seq-pk", "CREATE TABLE R (HEIGHT BIGINT, POS INT, TXHASH VARCHAR(64) NOT NULL, ERROR VARCHAR(2048), PRIMARY KEY (HEIGHT, POS))",
                "INSERT INTO R (HEIGHT, POS, TXHASH, ERROR) VALUES (?, ?, ?, ?)"),
        SEQ_PK_KEY("seq-pk+key", "CREATE TABLE R (HEIGHT BIGINT, POS INT, TXHASH VARCHAR(64) NOT NULL, HASHKEY BIGINT NOT NULL, ERROR VARCHAR(2048), "
                + "PRIMARY KEY (HEIGHT, POS)); CREATE INDEX IX_K ON R(HASHKEY)",
                "INSERT INTO R (HEIGHT, POS, TXHASH, HASHKEY, ERROR) VALUES (?, ?, ?, ?, ?)"),
        SEQ_PK_LATER("seq-pk+later", "CREATE TABLE R (HEIGHT BIGINT, POS INT, TXHASH VARCHAR(64) NOT NULL, HASHKEY BIGINT NOT NULL, ERROR VARCHAR(2048), "
                + "PRIMARY KEY (HEIGHT, POS)); CREATE TABLE X (HASHKEY BIGINT, HEIGHT BIGINT, PRIMARY KEY (HASHKEY, HEIGHT))",
                "INSERT INTO R (HEIGHT, POS, TXHASH, HASHKEY, ERROR) VALUES (?, ?, ?, ?, ?)");

        /** {@code seq-pk+later}: the hash keys go into their index table every this many blocks, in one statement. */
        static final int LATER_BLOCKS = 64;

        final String label;
        final String ddl;
        final String insert;

        Layout(String label, String ddl, String insert) {
            this.label = label;
            this.ddl = ddl;
            this.insert = insert;
        }
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int perBlock = args.length > 1 ? Integer.parseInt(args[1]) : 750;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        Path dir = Files.createTempDirectory("receipt-keys");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "%d receipts in blocks of %d; CPU of the committing thread per block, averaged over each window of %d%n",
                total, perBlock, window);
        for (Layout layout : Layout.values()) {
            Random random = new Random(42); // the same hashes for every layout
            Path file = dir.resolve(layout.name().toLowerCase(Locale.ROOT));
            try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + file + ";WRITE_DELAY=0", "sa", "sa")) {
                try (Statement s = c.createStatement()) {
                    for (String ddl : layout.ddl.split("; ")) {
                        s.execute(ddl);
                    }
                }
                c.setAutoCommit(false);
                long windowCpu = 0;
                int windowBlocks = 0;
                long height = 0;
                for (int done = 0; done < total; done += perBlock) {
                    height++;
                    List<byte[]> hashes = new ArrayList<>(perBlock);
                    for (int pos = 0; pos < perBlock; pos++) {
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        hashes.add(hash);
                    }
                    long t0 = threads.getCurrentThreadCpuTime();
                    if (layout == Layout.HASH_PK_SORTED) {
                        hashes.sort(Arrays::compareUnsigned); // the order of their hex strings
                    }
                    try (PreparedStatement p = c.prepareStatement(layout.insert)) {
                        for (int pos = 0; pos < perBlock; pos++) {
                            bind(layout, p, height, pos, hashes.get(pos));
                            p.addBatch();
                        }
                        p.executeBatch();
                    }
                    if (layout == Layout.SEQ_PK_LATER && height % Layout.LATER_BLOCKS == 0) {
                        try (PreparedStatement x = c.prepareStatement("INSERT INTO X SELECT HASHKEY, HEIGHT FROM R WHERE HEIGHT > ? AND HEIGHT <= ?")) {
                            x.setLong(1, height - Layout.LATER_BLOCKS);
                            x.setLong(2, height);
                            x.executeUpdate();
                        }
                    }
                    c.commit();
                    windowCpu += threads.getCurrentThreadCpuTime() - t0;
                    windowBlocks++;
                    if ((done + perBlock) % window < perBlock) {
                        System.out.printf(Locale.ROOT, "%-11s at %,9d receipts: %6.2f ms a block, file %,5d MB%n", layout.label, done + perBlock,
                                windowCpu / 1e6 / windowBlocks, Files.size(file.resolveSibling(file.getFileName() + ".mv.db")) >> 20);
                        windowCpu = 0;
                        windowBlocks = 0;
                    }
                }
            }
        }
    }

    private static void bind(Layout layout, PreparedStatement p, long height, int pos, byte[] hash) throws SQLException {
        String hex = HexFormat.of().formatHex(hash);
        switch (layout) {
            case HASH_PK, HASH_PK_SORTED -> {
                p.setString(1, hex);
                p.setLong(2, height);
                p.setString(3, null);
            }
            case SEQ_PK -> {
                p.setLong(1, height);
                p.setInt(2, pos);
                p.setString(3, hex);
                p.setString(4, null);
            }
            case SEQ_PK_KEY, SEQ_PK_LATER -> {
                p.setLong(1, height);
                p.setInt(2, pos);
                p.setString(3, hex);
                p.setLong(4, java.nio.ByteBuffer.wrap(hash).getLong());
                p.setString(5, null);
            }
        }
    }
}
