package org.batteryledger.core.bench;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage.SyncRequest;
import org.batteryledger.core.pbft.PbftMessage.SyncResponse;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.Replica;

import java.util.List;
import java.util.Locale;

/**
 * Catch-up in the consensus core: a replica that starts from genesis while a chain of N signed transactions already
 * exists asks for blocks and applies them until it reaches the head. The chain comes from {@link ClusterBenchmark}'s
 * cluster (real ECDSA signatures, blocks of up to the given size); responses are encoded and decoded as on the wire
 * and served by {@link Replica#serveSync} (1,024 blocks or 8 MiB each). What it measures is the replica's own work:
 * decoding, commit certificates, block checks, re-execution. Not a test: a bench main.
 *
 * <pre>mvn -B -q -pl ledger-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.core.bench.CatchUpBenchmark [-Dexec.args="100000 500 3"]</pre>
 * Arguments: transactions on the chain, block size, rounds of catch-up.
 */
public final class CatchUpBenchmark {
    public static void main(String[] args) throws Exception {
        int txCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int blockSize = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        EcSuite suite = Suites.ecdsa();
        long t0 = System.nanoTime();
        ClusterBenchmark.Built chain = ClusterBenchmark.build(suite, blockSize, txCount);
        List<CommittedBlock> blocks = chain.blocks();
        long txs = blocks.stream().mapToLong(b -> b.block().transactions().size()).sum();
        System.out.printf(Locale.ROOT, "chain: %d blocks, %d transactions, built in %.1f s; %s, %d cores, Java %s%n", blocks.size(), txs,
                (System.nanoTime() - t0) / 1e9, suite.id(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%6s %10s %12s %14s %12s%n", "round", "seconds", "tx/s", "sync requests", "signatures");
        for (int round = 1; round <= rounds; round++) {
            Replica fresh = Replica.create(Replica.Config.defaults(suite, chain.signers().get(3), () -> 0L, null), chain.genesis());
            NodeId server = chain.signers().get(0).nodeId();
            long head = blocks.size();
            int requests = 0;
            long start = System.nanoTime();
            while (fresh.committedHeight() < head) {
                SyncResponse served = Replica.serveSync(h -> h >= 1 && h <= head ? blocks.get((int) h - 1) : null, head,
                        new SyncRequest(fresh.height(), 256));
                requests++;
                fresh.receive(server, MessageCodec.encode(served));
                for (Ready r = fresh.ready(); !r.isEmpty(); r = fresh.ready()) {
                    fresh.advance();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%6d %10.2f %12.0f %14d %12d%n", round, seconds, txs / seconds, requests,
                    fresh.metrics().signaturesVerified());
        }
    }
}
