package org.batteryledger.core.sim;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.core.pbft.VoteLogEntry;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * N replicas in one thread, a seeded random source, a simulated clock and network (TigerBeetle's VOPR, etcd's
 * raft_test network). Every message is really encoded and decoded; its size costs time on the sender's uplink and
 * the receiver's downlink, so a slow link delays everything behind it. Time is in microseconds.
 */
public final class Simulation {
    static final long TICK_MICROS = 50_000;
    private static final long EPOCH_MILLIS = 1_790_000_000_000L;

    private record Event(long at, long seq, Runnable action) {
    }

    private final Scenario scenario;
    private final Random random;
    final CryptoSuite suite;
    private final Genesis genesis;
    final List<SimNode> nodes = new ArrayList<>();
    private final Map<NodeId, SimNode> byId = new HashMap<>();
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final long[][] latencyMicros;
    private long seq;
    long now;
    private int[] partitionSide;
    final Checker checker;
    private final Map<Hash, Long> submitted = new LinkedHashMap<>();
    private final Map<Hash, Long> submitLatencyMicros = new HashMap<>();
    private boolean faultsActive;
    private long messagesSent;
    private long bytesSent;

    public Simulation(Scenario scenario) {
        this.scenario = scenario;
        this.random = new Random(scenario.seed());
        this.suite = SimCrypto.suite(scenario.suite());
        List<Integer> byzantineIdx = pick(scenario.byzantine(), List.of());
        for (int i = 0; i < scenario.nodes(); i++) {
            Byzantine b = byzantineIdx.contains(i) ? Byzantine.random(random) : null;
            nodes.add(new SimNode(i, suite, SimCrypto.signer(suite, scenario.seed(), i), b, () -> EPOCH_MILLIS + now / 1000));
        }
        for (SimNode n : nodes) {
            byId.put(n.id, n);
        }
        this.genesis = genesis(scenario, nodes, suite);
        this.checker = new Checker(suite, genesis, this);
        this.latencyMicros = new long[scenario.nodes()][scenario.nodes()];
        for (int i = 0; i < scenario.nodes(); i++) {
            for (int j = 0; j < scenario.nodes(); j++) {
                latencyMicros[i][j] = 500 + random.nextInt(4_500);
            }
        }
        for (SimNode n : nodes) {
            n.replica = Replica.create(n.config(), genesis);
        }
    }

    /** The reference deployment's layout: agencies of 4, 2 and 1 nodes for 7; otherwise nodes dealt round-robin. */
    static Genesis genesis(Scenario s, List<SimNode> nodes, CryptoSuite suite) {
        List<String> agencies = List.of("agency-a", "agency-b", "agency-c");
        List<Genesis.GenesisNode> gn = new ArrayList<>();
        for (SimNode n : nodes) {
            String agency = s.nodes() == 7 ? (n.index < 4 ? "agency-a" : n.index < 6 ? "agency-b" : "agency-c") : agencies.get(n.index % 3);
            gn.add(new Genesis.GenesisNode("node" + n.index, agency, n.signer.publicKey(), "sim-ca", Role.CONSENSUS));
        }
        Map<String, Long> params = new LinkedHashMap<>();
        params.put("maxBlockTxs", (long) s.maxBlockTxs());
        params.put("viewChangeTimeoutTicks", 20L);
        params.put("maxViewChangeTimeoutTicks", 320L);
        return new Genesis("sim-" + s.seed(), suite.id(), new byte[0], agencies, gn, params, EPOCH_MILLIS);
    }

    private List<Integer> pick(int count, List<Integer> exclude) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < scenario.nodes(); i++) {
            if (!exclude.contains(i)) {
                candidates.add(i);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count && !candidates.isEmpty(); k++) {
            out.add(candidates.remove(random.nextInt(candidates.size())));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ running

    public SimResult run() {
        long loadEnd = scenario.loadMillis() * 1000;
        long faultEnd = scenario.faultMillis() * 1000;
        for (SimNode n : nodes) {
            long phase = random.nextInt((int) TICK_MICROS);
            at(phase, () -> tickLoop(n));
        }
        scheduleLoad(loadEnd);
        scheduleFaults(faultEnd);
        long deadline = Math.max(loadEnd, faultEnd) + scenario.livenessMillis() * 1000;
        String failure = null;
        long processed = 0;
        try {
            while (!queue.isEmpty()) {
                Event e = queue.poll();
                if (e.at > deadline) {
                    break;
                }
                now = e.at;
                e.action.run();
                if (++processed % 256 == 0 && now > Math.max(loadEnd, faultEnd) && settled()) {
                    break;
                }
            }
        } catch (IllegalStateException e) {
            failure = e.getMessage();
        }
        return result(failure, Math.max(loadEnd, faultEnd));
    }

    private void at(long time, Runnable r) {
        queue.add(new Event(time, seq++, r));
    }

    private void tickLoop(SimNode n) {
        if (n.up()) {
            n.replica.tick();
            if (n.byzantine != null) {
                n.byzantine.onTick(this, n, random);
            }
            drain(n);
        }
        at(now + TICK_MICROS, () -> tickLoop(n));
    }

    private void scheduleLoad(long loadEnd) {
        if (scenario.txPerSecond() <= 0) {
            return;
        }
        long interval = (long) (1_000_000 / scenario.txPerSecond());
        for (long t = 100_000; t < loadEnd; t += interval) {
            at(t, this::submitOne);
        }
    }

    private void submitOne() {
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode n : nodes) {
            if (n.up() && n.honest()) {
                candidates.add(n);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        SimNode n = candidates.get(random.nextInt(candidates.size()));
        byte[] root = new byte[32];
        random.nextBytes(root);
        Payloads.AnchorBatch payload = new Payloads.AnchorBatch("batch-" + n.index + "-" + n.nonce, Hash.of(root), 1 + random.nextInt(1000));
        Transaction tx = Transaction.sign(suite, n.signer, TxType.ANCHOR_BATCH, n.nonce++, n.replica.height() + 200, payload.encode());
        SubmitResult r = n.replica.submit(tx);
        if (r.accepted()) {
            submitted.put(r.txHash(), now);
        }
        drain(n);
    }

    private void scheduleFaults(long faultEnd) {
        if (faultEnd <= 0) {
            return;
        }
        faultsActive = scenario.lossRate() > 0 || scenario.duplicateRate() > 0;
        at(faultEnd, () -> {
            faultsActive = false;
            partitionSide = null;
        });
        List<Integer> byzantine = new ArrayList<>();
        for (SimNode n : nodes) {
            if (!n.honest()) {
                byzantine.add(n.index);
            }
        }
        for (int victim : pick(scenario.crashes(), byzantine)) {
            long crashAt = 200_000 + (long) random.nextInt((int) Math.max(1, faultEnd - 700_000));
            long restartAt = Math.min(faultEnd, crashAt + 300_000 + random.nextInt(2_500_000));
            boolean afterPersist = random.nextBoolean();
            at(crashAt, () -> crash(nodes.get(victim), afterPersist));
            at(restartAt, () -> restart(nodes.get(victim)));
        }
        if (scenario.partition()) {
            long start = random.nextInt((int) Math.max(1, faultEnd / 2));
            long end = start + random.nextInt((int) Math.max(1, faultEnd - start));
            at(start, () -> {
                partitionSide = new int[scenario.nodes()];
                int minority = 1 + random.nextInt(Math.max(1, scenario.nodes() / 2));
                for (int i : pick(minority, List.of())) {
                    partitionSide[i] = 1;
                }
            });
            at(end, () -> partitionSide = null);
        }
    }

    void crash(SimNode n, boolean afterNextPersist) {
        if (!n.up()) {
            return;
        }
        if (afterNextPersist) {
            n.crashAfterNextPersist = true; // the next Ready is persisted, then the node dies before sending it
        } else {
            n.replica = null;
            linksOf(n, false);
        }
    }

    /**
     * A node died or came back: the others' links to it close or come up at once, as a killed process's sockets do
     * ({@link Replica#linkDown}, {@link Replica#linkUp}). Told as an event of its own, after what runs now.
     */
    private void linksOf(SimNode n, boolean up) {
        at(now, () -> {
            for (SimNode other : nodes) {
                if (other != n && other.up()) {
                    if (up) {
                        other.replica.linkUp(n.id);
                    } else {
                        other.replica.linkDown(n.id);
                    }
                    drain(other);
                }
            }
        });
    }

    void restart(SimNode n) {
        if (n.up()) {
            n.crashAfterNextPersist = false;
            return;
        }
        WorldState state = new WorldState(Tables.LAYOUT);
        state.apply(genesis.initialWrites(suite));
        for (WriteSet w : n.writes) {
            state.apply(w);
        }
        n.replica = Replica.recover(n.config(), genesis, n.blocks.isEmpty() ? genesis.genesisBlock(suite).header()
                : n.blocks.get(n.blocks.size() - 1).block().header(), state, n.voteLog, n.acknowledged);
        drain(n);
        linksOf(n, true);
    }

    /** Persist, then send: the order the replica's {@link Ready} demands. */
    void drain(SimNode n) {
        while (n.up()) {
            Ready r = n.replica.ready();
            if (r.isEmpty()) {
                return;
            }
            n.voteLog.addAll(r.votes());
            n.acknowledged.addAll(r.accepted());
            for (Ready.Committed c : r.committed()) {
                n.blocks.add(c.block());
                n.writes.add(c.writeSet());
                n.commitTimes.add(now);
                checker.onCommit(n, c.block());
                if (n.honest()) {
                    for (Transaction tx : c.block().block().transactions()) {
                        Long t = submitted.get(tx.hash(suite));
                        if (t != null) {
                            submitLatencyMicros.putIfAbsent(tx.hash(suite), now - t);
                        }
                    }
                }
            }
            n.replica.advance(); // all of it is durable now (in memory, as the simulated disk is)
            if (n.crashOnCommitVote && r.votes().stream().anyMatch(v -> v instanceof VoteLogEntry.Signed sv && sv.message() instanceof PbftMessage.Commit)) {
                n.crashOnCommitVote = false;
                n.crashAfterNextPersist = true;
            }
            if (n.crashAfterNextPersist) {
                n.crashAfterNextPersist = false;
                n.replica = null;
                linksOf(n, false);
                return;
            }
            for (Ready.Outbound o : r.messages()) {
                if (n.honest()) {
                    checker.onSend(n, o.message());
                    byte[] bytes = MessageCodec.encode(o.message());
                    for (NodeId to : o.to()) {
                        transmit(n, byId.get(to), bytes);
                    }
                } else {
                    n.byzantine.send(this, n, o, random);
                }
            }
        }
    }

    /** Puts bytes on the wire from one node to another, through both nodes' links. */
    void transmit(SimNode from, SimNode to, byte[] bytes) {
        if (to == null || to == from) {
            return;
        }
        messagesSent++;
        bytesSent += bytes.length;
        if (partitionSide != null && partitionSide[from.index] != partitionSide[to.index]) {
            return;
        }
        if (faultsActive && random.nextDouble() < scenario.lossRate()) {
            return;
        }
        long serialization = bytes.length * 1_000_000L / scenario.bandwidth(from.index);
        long start = Math.max(now, from.upFreeAt);
        from.upFreeAt = start + serialization;
        long arrival = from.upFreeAt + latencyMicros[from.index][to.index] + (scenario.jitterMicros() > 0 ? random.nextLong(scenario.jitterMicros()) : 0);
        at(arrival, () -> downlink(from, to, bytes));
        if (faultsActive && random.nextDouble() < scenario.duplicateRate()) {
            at(arrival + random.nextInt(20_000), () -> downlink(from, to, bytes));
        }
    }

    private void downlink(SimNode from, SimNode to, byte[] bytes) {
        long serialization = bytes.length * 1_000_000L / scenario.bandwidth(to.index);
        long start = Math.max(now, to.downFreeAt);
        to.downFreeAt = start + serialization;
        at(to.downFreeAt, () -> deliver(from, to, bytes));
    }

    private void deliver(SimNode from, SimNode to, byte[] bytes) {
        if (!to.up()) {
            return;
        }
        if (to.byzantine != null) {
            to.byzantine.onReceive(bytes);
        }
        to.replica.receive(from.id, bytes);
        drain(to);
        checker.bounds(to);
    }

    SimNode node(NodeId id) {
        return byId.get(id);
    }

    Genesis genesis() {
        return genesis;
    }

    /** Every accepted transaction is committed and every honest node holds the same head. */
    private boolean settled() {
        if (faultsActive || partitionSide != null) {
            return false;
        }
        long height = -1;
        for (SimNode n : nodes) {
            if (n.honest()) {
                if (!n.up()) {
                    return false;
                }
                if (height >= 0 && n.blocks.size() != height) {
                    return false;
                }
                height = n.blocks.size();
            }
        }
        return checker.committedTxs().containsAll(submitted.keySet());
    }

    private SimResult result(String failure, long healedAt) {
        List<String> violations = new ArrayList<>(checker.violations());
        if (failure != null) {
            violations.add("replica halted: " + failure);
        }
        boolean livenessExpected = scenario.byzantine() <= (scenario.nodes() - 1) / 3;
        if (livenessExpected && failure == null) {
            int missing = 0;
            for (Hash h : submitted.keySet()) {
                if (!checker.committedTxs().contains(h)) {
                    missing++;
                }
            }
            if (missing > 0) {
                violations.add("liveness: " + missing + " of " + submitted.size() + " accepted transactions not committed "
                        + scenario.livenessMillis() + " ms after faults healed");
            }
            long maxHeight = 0;
            for (SimNode n : nodes) {
                maxHeight = Math.max(maxHeight, n.blocks.size());
            }
            for (SimNode n : nodes) {
                if (n.honest() && n.blocks.size() < maxHeight) {
                    violations.add("liveness: node" + n.index + " holds " + n.blocks.size() + " of " + maxHeight + " blocks at the end");
                }
            }
        }
        return SimResult.of(this, scenario, violations, submitted, submitLatencyMicros, messagesSent, bytesSent, now);
    }

    public Scenario scenario() {
        return scenario;
    }

    // ------------------------------------------------------------------------------------------------ scripted faults

    /** Runs {@code action} at a simulated time, for scripted scenarios. */
    public Simulation atMillis(long millis, Runnable action) {
        at(millis * 1000, action);
        return this;
    }

    /** Crashes a node now: its replica is gone, its disk stays. */
    public void crash(int node) {
        crash(nodes.get(node), false);
    }

    /** Crashes a node right after it persists its next COMMIT vote, before that vote is sent. */
    public void crashDuringCommit(int node) {
        nodes.get(node).crashOnCommitVote = true;
    }

    /** Restarts a crashed node from its disk (blocks, write sets, vote log, acknowledged transactions). */
    public void restart(int node) {
        restart(nodes.get(node));
    }

    /** Cuts the given nodes off from the others (both directions) until {@link #heal()}. */
    public void partition(int... side) {
        partitionSide = new int[scenario.nodes()];
        for (int i : side) {
            partitionSide[i] = 1;
        }
    }

    public void heal() {
        partitionSide = null;
    }

    /** The index of the primary of the next height as the given node sees it. */
    public int primaryOf(int node) {
        return byId.get(nodes.get(node).replica.primary()).index;
    }

    public int committedHeight(int node) {
        return nodes.get(node).blocks.size();
    }

    /** What a node persisted: its committed blocks with their certificates. */
    public List<CommittedBlock> blocksOf(int node) {
        return List.copyOf(nodes.get(node).blocks);
    }

    /** How many times node {@code i} deviated from an honest replica (0 for an honest one). */
    public long liesOf(int i) {
        Byzantine b = nodes.get(i).byzantine;
        return b == null ? 0 : b.lies();
    }

    /** Whether some honest, running replica holds evidence of a fault against node {@code i}. */
    public boolean evidenceAgainst(int i) {
        NodeId id = nodes.get(i).id;
        for (SimNode n : nodes) {
            if (n.honest() && n.up() && n.replica.metrics().evidence().containsKey(id)) {
                return true;
            }
        }
        return false;
    }

    /** The behaviours of node {@code i} (empty for an honest one). */
    public java.util.Set<Byzantine.Behaviour> behavioursOf(int i) {
        Byzantine b = nodes.get(i).byzantine;
        return b == null ? java.util.Set.of() : b.behaviours();
    }

    /** Makes a node Byzantine with exactly these behaviours (before {@link #run}). */
    public void makeByzantine(int node, Byzantine.Behaviour... behaviours) {
        SimNode old = nodes.get(node);
        SimNode b = old.asByzantine(Byzantine.of(behaviours));
        nodes.set(node, b);
        byId.put(b.id, b);
    }

}
