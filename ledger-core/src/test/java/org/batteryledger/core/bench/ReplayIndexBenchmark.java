package org.batteryledger.core.bench;

import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.sim.SimSuite;
import org.batteryledger.core.snapshot.StateSnapshot;
import org.batteryledger.core.state.TableLayout;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What the replay index costs a replica under sustained load, plain against packed ({@link Tables#LAYOUT}): blocks of
 * B transactions, each remembered by hash and by expiry for the lifetime window (L blocks), written and pruned as
 * {@link BlockExecutor} writes them, until the window is full and turns over; then the heap the state holds (after a
 * full collection, with a checkpoint's frozen snapshot alive as a replica keeps it), the time a block's index writes
 * take, and a checkpoint's freeze and digest. Not a test: a bench main.
 *
 * <pre>mvn -B -q -pl ledger-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.core.bench.ReplayIndexBenchmark [-Dexec.args="700 1000 1200 64"]</pre>
 * Arguments: transactions a block, lifetime in blocks, blocks, checkpoint interval.
 */
public final class ReplayIndexBenchmark {
    public static void main(String[] args) {
        int blockSize = args.length > 0 ? Integer.parseInt(args[0]) : 700;
        int lifetime = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 1_200;
        int interval = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        System.out.printf(Locale.ROOT, "blocks of %d transactions, lifetime %d blocks, %d blocks, checkpoint every %d; %d cores, Java %s%n",
                blockSize, lifetime, blocks, interval, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-7s %12s %14s %12s %16s %14s%n", "layout", "transactions", "heap MB", "bytes a tx",
                "block writes ms", "checkpoint ms");
        for (String name : List.of("plain", "packed", "plain", "packed")) {
            run(name, name.equals("packed") ? Tables.LAYOUT : TableLayout.PLAIN, blockSize, lifetime, blocks, interval);
        }
    }

    private static void run(String name, TableLayout layout, int blockSize, int lifetime, int blocks, int interval) {
        SimSuite suite = new SimSuite();
        Random r = new Random(42);
        long base = usedAfterGc();
        WorldState state = new WorldState(layout);
        StateSnapshot kept = null;
        long writeNanos = 0;
        long checkpointNanos = 0;
        int checkpoints = 0;
        for (long h = 1; h <= blocks; h++) {
            List<WriteSet.Entry> writes = new ArrayList<>(blockSize * 4);
            for (String key : state.scan(Tables.TX_EXPIRY).headMap(BlockExecutor.expiryKeyFloor(h)).keySet()) {
                writes.add(new WriteSet.Entry(Tables.TX_EXPIRY, key, null));
                writes.add(new WriteSet.Entry(Tables.TX, key.substring(21), null));
            }
            byte[] hash = new byte[32];
            for (int i = 0; i < blockSize; i++) {
                r.nextBytes(hash);
                String hex = HexFormat.of().formatHex(hash);
                long expiry = h + lifetime - r.nextInt(3);
                writes.add(new WriteSet.Entry(Tables.TX, hex, new CanonicalWriter(8).u64(expiry).toByteArray()));
                writes.add(new WriteSet.Entry(Tables.TX_EXPIRY, BlockExecutor.expiryKey(expiry, hex), new byte[0]));
            }
            writes.sort((a, b) -> a.table().equals(b.table()) ? a.key().compareTo(b.key()) : a.table().compareTo(b.table()));
            WriteSet ws = new WriteSet(writes);
            long t0 = System.nanoTime();
            state.apply(ws);
            writeNanos += System.nanoTime() - t0;
            if (h % interval == 0) { // as a replica at the head: frozen, hashed, and kept until the next
                long c0 = System.nanoTime();
                kept = StateSnapshot.freeze(suite, h, Hash.ZERO, state);
                kept.digestSome(Integer.MAX_VALUE);
                checkpointNanos += System.nanoTime() - c0;
                checkpoints++;
            }
        }
        long used = usedAfterGc() - base;
        int txs = state.scan(Tables.TX).size();
        System.out.printf(Locale.ROOT, "%-7s %12d %14.1f %12.0f %16.2f %14.1f%n", name, txs, used / 1e6, (double) used / txs,
                writeNanos / 1e6 / blocks, checkpointNanos / 1e6 / Math.max(1, checkpoints));
        if (kept == null || state.size() == 0) {
            throw new AssertionError("nothing measured");
        }
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
