package org.batteryledger.core.bench;

import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.Quorum;
import org.batteryledger.core.snapshot.CheckpointCertificate;
import org.batteryledger.core.snapshot.SnapshotJoin;
import org.batteryledger.core.snapshot.StateSnapshot;
import org.batteryledger.core.state.WorldState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a checkpoint costs and what starting from one costs, in the consensus core: the state after a chain of N signed
 * transactions ({@link ClusterBenchmark}'s), then per round (a) taking its snapshot, which every node does at every
 * checkpoint height on the replica's thread (frozen at once, then hashed a chunk per input: the longest chunk is how
 * long a commit waits behind it), and (b) a joiner's side: the offer checked, every chunk decoded from its
 * wire form and checked against the manifest, and the state built. Not a test: a bench main.
 *
 * <pre>mvn -B -q -pl ledger-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.core.bench.SnapshotBenchmark [-Dexec.args="100000 500 5"]</pre>
 * Arguments: transactions on the chain, block size, rounds.
 */
public final class SnapshotBenchmark {
    public static void main(String[] args) throws Exception {
        int txCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int blockSize = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        EcSuite suite = Suites.ecdsa();
        ClusterBenchmark.Built chain = ClusterBenchmark.build(suite, blockSize, txCount);
        WorldState state = new WorldState();
        state.apply(chain.genesis().initialWrites(suite));
        BlockExecutor executor = new BlockExecutor(suite);
        BlockHeader parent = chain.genesis().genesisBlock(suite).header();
        for (CommittedBlock cb : chain.blocks()) {
            state.apply(executor.execute(state, parent.stateRoot(), cb.block().height(), cb.block().transactions(), false).writeSet());
            parent = cb.block().header();
        }
        CommittedBlock head = chain.blocks().get(chain.blocks().size() - 1);
        Hash headHash = head.block().hash(suite);
        Hash chainId = chain.genesis().chainId(suite);
        Map<NodeId, byte[]> keys = new HashMap<>();
        for (LocalSigner s : chain.signers()) {
            keys.put(s.nodeId(), s.publicKey());
        }
        int quorum = Quorum.size(keys.size());
        System.out.printf(Locale.ROOT, "state after %d transactions in %d blocks: %d entries; %s, %d cores, Java %s%n", txCount,
                chain.blocks().size(), state.size(), suite.id(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%6s %14s %10s %16s %8s %12s %14s%n", "round", "snapshot ms", "freeze ms", "longest chunk ms",
                "chunks", "MiB", "join ms");
        for (int round = 1; round <= rounds; round++) {
            long t0 = System.nanoTime();
            StateSnapshot snapshot = StateSnapshot.freeze(suite, head.block().height(), headHash, state);
            long frozen = System.nanoTime();
            long longestSlice = 0;
            for (boolean done = false; !done; ) { // as a replica hashes it: a chunk per commit or tick
                long s0 = System.nanoTime();
                done = snapshot.digestSome(1);
                longestSlice = Math.max(longestSlice, System.nanoTime() - s0);
            }
            long t1 = System.nanoTime();
            List<CommitSeal> seals = new ArrayList<>();
            for (LocalSigner s : chain.signers().subList(0, quorum)) {
                seals.add(new CommitSeal(s.nodeId(), s.sign(CheckpointCertificate.signingBytes(chainId, snapshot.height(), headHash, snapshot.digest()))));
            }
            CheckpointCertificate cert = new CheckpointCertificate(snapshot.height(), headHash, snapshot.digest(), seals);
            List<byte[]> wire = new ArrayList<>();
            long bytes = 0;
            for (int i = 0; i < snapshot.chunkCount(); i++) {
                byte[] b = MessageCodec.encode(new PbftMessage.ChunkResponse(snapshot.chunk(i)));
                bytes += b.length;
                wire.add(b);
            }
            long t2 = System.nanoTime();
            SnapshotJoin join = new SnapshotJoin(suite, chainId, keys, quorum);
            String refused = join.offer(chain.signers().get(0).nodeId(), cert, head, snapshot.manifest());
            if (refused != null) {
                throw new IllegalStateException(refused);
            }
            for (byte[] b : wire) {
                refused = join.chunk(((PbftMessage.ChunkResponse) MessageCodec.decode(b)).chunk());
                if (refused != null) {
                    throw new IllegalStateException(refused);
                }
            }
            WorldState joined = join.result().state();
            long t3 = System.nanoTime();
            if (joined.size() != state.size()) {
                throw new IllegalStateException("joined " + joined.size() + " entries of " + state.size());
            }
            System.out.printf(Locale.ROOT, "%6d %14.1f %10.1f %16.1f %8d %12.1f %14.1f%n", round, (t1 - t0) / 1e6, (frozen - t0) / 1e6,
                    longestSlice / 1e6, snapshot.chunkCount(), bytes / 1048576.0, (t3 - t2) / 1e6);
        }
    }
}
