package org.batteryledger.core.bench;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.Replica;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Throughput and commit latency of an in-process cluster of 4 replicas with real signatures on every
 * transaction. Not a test: a bench main. Each replica is owned by one thread that drains its queue, as in the
 * node; messages are really encoded and decoded; ticks come every 10 ms. Transactions are signed before the
 * clock starts (client work, not the chain's); each replica verifies each transaction once.
 *
 * <pre>mvn -B -q -pl ledger-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.core.bench.ClusterBenchmark [-Dexec.args="100 500 1000 2000 5000"]</pre>
 */
public final class ClusterBenchmark {
    private static final int NODES = 4;

    private record Result(int blockSize, int txs, double txPerSec, double medianMs, double p99Ms, long blocks, long viewChanges, Built built) {
    }

    /** A chain the cluster committed: its genesis, the nodes' signers, and node0's committed blocks in order. */
    record Built(Genesis genesis, List<LocalSigner> signers, List<CommittedBlock> blocks) {
    }

    private static final class Node implements Runnable {
        final int index;
        final LocalSigner signer;
        final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
        final List<CommittedBlock> blocks = Collections.synchronizedList(new ArrayList<>());
        Replica replica;
        Map<NodeId, Node> byId;
        volatile boolean running = true;
        Map<Hash, Long> submittedAt;
        List<Long> latencies;
        Semaphore window;

        Node(int index, LocalSigner signer) {
            this.index = index;
            this.signer = signer;
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Runnable r = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (r == null) {
                        continue;
                    }
                    r.run();
                    drain();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void drain() {
            for (Ready r = replica.ready(); !r.isEmpty(); r = replica.ready()) {
                replica.advance();
                long now = System.nanoTime();
                for (Ready.Committed c : r.committed()) {
                    blocks.add(c.block());
                    for (Transaction tx : c.block().block().transactions()) {
                        Long t = submittedAt.remove(tx.hash(replica.suite()));
                        if (t != null) {
                            latencies.add(now - t);
                            window.release();
                        }
                    }
                }
                for (Ready.Outbound o : r.messages()) {
                    byte[] bytes = MessageCodec.encode(o.message());
                    NodeId from = replica.self();
                    for (NodeId to : o.to()) {
                        Node target = byId.get(to);
                        target.inbox.add(() -> target.replica.receive(from, bytes));
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int[] blockSizes = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[]{100, 500, 1000, 2000, 5000};
        EcSuite suite = Suites.ecdsa();
        System.out.printf(Locale.ROOT, "4 replicas in-process, %s, %d cores, Java %s%n", suite.id(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        run(suite, 500, 6_000);
        System.out.printf(Locale.ROOT, "%10s %8s %10s %12s %10s %8s %12s%n", "block size", "txs", "tx/s", "median ms", "p99 ms", "blocks", "view changes");
        for (int size : blockSizes) {
            Result r = run(suite, size, Math.max(20_000, size * 8));
            System.out.printf(Locale.ROOT, "%10d %8d %10.0f %12.1f %10.1f %8d %12d%n", r.blockSize, r.txs, r.txPerSec, r.medianMs, r.p99Ms, r.blocks, r.viewChanges);
        }
    }

    /** Commits {@code txCount} anchoring transactions in blocks of up to {@code blockSize}; for other benchmarks. */
    static Built build(EcSuite suite, int blockSize, int txCount) throws Exception {
        return run(suite, blockSize, txCount).built();
    }

    private static Result run(EcSuite suite, int blockSize, int txCount) throws Exception {
        Node[] nodes = new Node[NODES];
        List<Genesis.GenesisNode> gn = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            LocalSigner s = new LocalSigner(suite, KeyPairs.generate(suite, KeyPairs.seededRandom("bench-node-" + i)).privateKey());
            nodes[i] = new Node(i, s);
            gn.add(new Genesis.GenesisNode("node" + i, "agency-" + (i % 3), s.publicKey(), "bench", Role.CONSENSUS));
        }
        Genesis genesis = new Genesis("bench", suite.id(), new byte[0], List.of("agency-0", "agency-1", "agency-2"), gn,
                Map.of("maxBlockTxs", (long) blockSize, "viewChangeTimeoutTicks", 300L, "maxViewChangeTimeoutTicks", 3_000L,
                        "maxBlockBytes", 8L * 1024 * 1024), 1_790_000_000_000L);
        Map<NodeId, Node> byId = new ConcurrentHashMap<>();
        Map<Hash, Long> submittedAt = new ConcurrentHashMap<>();
        List<Long> latencies = new CopyOnWriteArrayList<>();
        int windowSize = Math.max(4 * blockSize, 2_000);
        Semaphore window = new Semaphore(windowSize);
        for (Node n : nodes) {
            Node node = n;
            node.replica = Replica.create(new Replica.Config(suite, node.signer, System::currentTimeMillis,
                    h -> h >= 1 && h <= node.blocks.size() ? node.blocks.get((int) h - 1) : null, 10, 10, 1_000_000, 4, 64), genesis);
            byId.put(node.replica.self(), node);
            node.byId = byId;
            node.submittedAt = submittedAt;
            node.latencies = latencies;
            node.window = window;
        }

        // Client work, before the clock starts: every transaction signed by the node that will submit it.
        Random random = new Random(blockSize);
        List<Transaction> txs = new ArrayList<>(txCount);
        for (int i = 0; i < txCount; i++) {
            Node n = nodes[i % NODES];
            byte[] root = new byte[32];
            random.nextBytes(root);
            byte[] payload = new Payloads.AnchorBatch("b" + i, Hash.of(root), 100).encode();
            txs.add(Transaction.sign(suite, n.signer, TxType.ANCHOR_BATCH, i, 900, payload));
        }

        List<Thread> threads = new ArrayList<>();
        for (Node n : nodes) {
            Thread t = new Thread(n, "replica-" + n.index);
            t.start();
            threads.add(t);
        }
        // The node's timer: a tick into every replica's queue every 10 ms.
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            for (Node n : nodes) {
                n.inbox.add(n.replica::tick);
            }
        }, 10, 10, TimeUnit.MILLISECONDS);

        long start = System.nanoTime();
        for (int i = 0; i < txCount; i++) {
            window.acquire();
            Transaction tx = txs.get(i);
            Node n = nodes[i % NODES];
            n.inbox.add(() -> {
                submittedAt.put(tx.hash(suite), System.nanoTime());
                if (!n.replica.submit(tx).accepted()) {
                    throw new IllegalStateException("bench transaction refused");
                }
            });
        }
        window.acquire(windowSize); // every transaction committed at its submitting replica
        long elapsed = System.nanoTime() - start;
        for (Node n : nodes) {
            n.running = false;
        }
        ticker.shutdownNow();
        for (Thread t : threads) {
            t.join();
        }

        List<LocalSigner> signers = new ArrayList<>();
        for (Node n : nodes) {
            signers.add(n.signer);
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        long viewChanges = 0;
        for (Node n : nodes) {
            viewChanges += n.replica.metrics().viewChangesStarted();
        }
        return new Result(blockSize, txCount, txCount / (elapsed / 1e9), sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6, nodes[0].blocks.size(), viewChanges,
                new Built(genesis, signers, new ArrayList<>(nodes[0].blocks)));
    }
}
