package org.batteryledger.node.runtime;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.net.PeerNetwork;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.readmodel.StateReadModel;
import org.batteryledger.node.store.LedgerStore;
import org.infinispan.Cache;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs this node's replica. One thread owns the replica and drains one queue; the timer, client calls and peer
 * links only enqueue (Besu's BftProcessor). After each input it carries the replica's {@link Ready} out in the
 * order the core demands: persist (one JTA transaction), then send, then apply (acknowledge clients, update the
 * participation window).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class NodeRuntime {
    private static final Logger LOG = Logger.getLogger(NodeRuntime.class.getName());
    private static final int PARTICIPATION_WINDOW = 1000;
    private static final long CALL_TIMEOUT_SECONDS = 30;

    @Resource
    private ManagedThreadFactory threadFactory;
    @Resource
    private ManagedScheduledExecutorService scheduler;
    @EJB
    private LedgerStore store;
    /** The read model's cache, configured by wildfly-config (container batteryledger, local cache state). */
    @Resource(lookup = "java:jboss/infinispan/cache/batteryledger/state")
    private Cache<String, byte[]> stateCache;
    private StateReadModel readModel;

    private static final int MAX_QUEUED_INPUTS = 100_000;
    private static final int MAX_INPUTS_PER_PERSIST = 512;
    private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private PeerNetwork network;
    private ScheduledFuture<?> addressBook;
    private final java.util.concurrent.atomic.AtomicLong inputsDropped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running;
    private Thread loop;
    private ScheduledFuture<?> ticker;

    private NodeDirectory directory;
    private EcSuite suite;
    private Genesis genesis;
    private LocalSigner signer;
    private Replica replica;
    private String nodeName;
    private final SecureRandom nonces = new SecureRandom();
    /** The committed height as of the last persist: read by client threads without a trip through the queue. */
    private volatile long committedHeight;

    // Owned by the loop thread.
    private final Map<Hash, CompletableFuture<SubmitResult>> awaitingPersistence = new HashMap<>();
    /** Callers waiting for a transaction's block (loop thread only); entries whose caller gave up leave at the next commit. */
    private final Map<Hash, CompletableFuture<Long>> awaitingCommit = new HashMap<>();
    private final ArrayDeque<List<NodeId>> recentSigners = new ArrayDeque<>();

    @PostConstruct
    void start() {
        try {
            directory = NodeDirectory.fromSystemProperty();
            genesis = directory.genesis();
            suite = directory.suite();
            signer = directory.signer();
            Properties props = directory.properties();
            nodeName = props.getProperty("name", signer.nodeId().shortId());
            long tickMillis = Long.parseLong(props.getProperty("tick.millis", "100"));

            store.initializeIfEmpty(genesis.initialWrites(suite));
            readModel = new StateReadModel(stateCache, store::stateValue);
            readModel.clear();
            LedgerStore.Recovery rec = store.load();
            BlockHeader head = rec.head() == null ? genesis.genesisBlock(suite).header() : rec.head().block().header();
            Replica.Config config = Replica.Config.defaults(suite, signer, System::currentTimeMillis, store::block);
            replica = Replica.recover(config, genesis, head, LedgerStore.toWorldState(rec.state()), rec.votes(), rec.acknowledged());
            long committed = head.height();
            committedHeight = committed;
            for (CommittedBlock b : store.blocks(Math.max(1, committed - PARTICIPATION_WINDOW + 1), committed)) {
                rememberSigners(b);
            }
            LOG.info(() -> "node " + nodeName + " (" + signer.nodeId() + ") recovered at height " + committed
                    + " with " + rec.votes().size() + " vote log entries and " + rec.acknowledged().size() + " pending transactions");

            int p2pPort = Integer.parseInt(props.getProperty("p2p.port", "30300"));
            String p2pHost = props.getProperty("p2p.host", "127.0.0.1");
            network = new PeerNetwork(signer.nodeId(), suite, SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(
                    java.nio.file.Files.readString(directory.privateKeyFile()))).jcaPrivateKey(), directory.nodeCertificate(),
                    directory.agencyCa(), directory.chainCa(), new InetSocketAddress(p2pHost, p2pPort), this::received, MAX_FRAME_BYTES);
            network.start();
            applyRevocations(replica);
            readAddressBook();

            running = true;
            loop = threadFactory.newThread(this::loop);
            loop.setName("replica-" + nodeName);
            loop.start();
            ticker = scheduler.scheduleAtFixedRate(() -> inbox.add(replica::tick), tickMillis, tickMillis, TimeUnit.MILLISECONDS);
            addressBook = scheduler.scheduleWithFixedDelay(this::readAddressBook, 5, 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the peer port", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the node directory: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
        if (addressBook != null) {
            addressBook.cancel(false);
        }
        if (network != null) {
            network.stop();
        }
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop() {
        while (running) {
            Runnable input;
            try {
                input = inbox.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (input == null) {
                continue;
            }
            try {
                // Group commit: every input already waiting (up to a bound) runs before one persist, so one JTA
                // transaction covers many client submissions and votes. Nothing is sent before it is durable.
                input.run();
                for (int batched = 1; batched < MAX_INPUTS_PER_PERSIST; batched++) {
                    Runnable more = inbox.poll();
                    if (more == null) {
                        break;
                    }
                    more.run();
                }
                carryOut();
            } catch (RuntimeException e) {
                if (String.valueOf(e.getMessage()).startsWith("CONSENSUS FAILURE")) {
                    // A broken invariant: stop loudly rather than risk a wrong vote.
                    LOG.log(Level.SEVERE, "replica halted", e);
                    running = false;
                    return;
                }
                LOG.log(Level.WARNING, "input failed; the replica continues", e);
            }
        }
    }

    private void carryOut() {
        for (Ready r = replica.ready(); !r.isEmpty(); r = replica.ready()) {
            store.persist(r, suite);
            send(r.messages());
            for (Transaction tx : r.accepted()) {
                CompletableFuture<SubmitResult> f = awaitingPersistence.remove(tx.hash(suite));
                if (f != null) {
                    f.complete(new SubmitResult(SubmitResult.Outcome.ACCEPTED, tx.hash(suite), null));
                }
            }
            for (Ready.Committed c : r.committed()) {
                readModel.committed(c.writeSet());
                rememberSigners(c.block());
                CommittedBlock b = c.block();
                if (!awaitingCommit.isEmpty()) {
                    awaitingCommit.values().removeIf(CompletableFuture::isDone);
                    for (Transaction tx : b.block().transactions()) {
                        CompletableFuture<Long> f = awaitingCommit.remove(tx.hash(suite));
                        if (f != null) {
                            f.complete(b.block().height());
                        }
                    }
                }
                LOG.info(() -> "committed block " + b.block().height() + " (" + b.block().transactions().size() + " txs, proposed by "
                        + b.block().header().proposer().shortId() + ", certificate of view " + b.certificate().view() + " with "
                        + b.certificate().seals().size() + " seals)");
            }
            if (!r.committed().isEmpty()) {
                applyRevocations(replica);
                committedHeight = replica.committedHeight();
            }
        }
    }

    private void send(List<Ready.Outbound> messages) {
        for (Ready.Outbound o : messages) {
            byte[] bytes = MessageCodec.encode(o.message());
            for (NodeId to : o.to()) {
                network.send(to, bytes);
            }
        }
    }

    /** From a Netty event loop: only enqueue. A flood beyond the queue's bound is dropped and counted. */
    private void received(NodeId from, byte[] bytes) {
        if (inbox.size() >= MAX_QUEUED_INPUTS) {
            inputsDropped.incrementAndGet();
            return;
        }
        inbox.add(() -> replica.receive(from, bytes));
    }

    private void readAddressBook() {
        try {
            network.outboundDelayMillis(Long.parseLong(directory.properties().getProperty("p2p.delay.millis", "0").trim()));
            Properties peers = directory.peers();
            for (String id : peers.stringPropertyNames()) {
                String[] hostPort = peers.getProperty(id).trim().split(":");
                network.peer(new NodeId(id.trim()), new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the address book " + directory.peersFile(), e);
        }
    }

    /** The on-chain revocation list, applied to the peer links: revoked nodes are cut off at once. */
    private void applyRevocations(Replica r) {
        Set<NodeId> nodes = new HashSet<>();
        r.state().scan(Tables.REVOKED_NODE).keySet().forEach(id -> nodes.add(new NodeId(id)));
        Set<BigInteger> serials = new HashSet<>();
        r.state().scan(Tables.REVOKED_SERIAL).keySet().forEach(sn -> serials.add(new BigInteger(sn)));
        network.revocations(nodes, serials);
    }

    private void rememberSigners(CommittedBlock b) {
        List<NodeId> ids = new ArrayList<>();
        b.certificate().seals().forEach(s -> ids.add(s.nodeId()));
        recentSigners.addLast(ids);
        while (recentSigners.size() > PARTICIPATION_WINDOW) {
            recentSigners.removeFirst();
        }
    }

    // ------------------------------------------------------------------------------------------- for the facades

    /** Runs a read on the loop thread, so it sees one consistent replica state. */
    public <T> T query(Function<Replica, T> read) {
        CompletableFuture<T> f = new CompletableFuture<>();
        inbox.add(() -> {
            // Carry out what earlier inputs of this batch decided first: a read never shows a committed height whose
            // block is not in the database yet (GET /chain said 17 while GET /blocks/17 answered 404).
            carryOut();
            f.complete(read.apply(replica));
        });
        return await(f);
    }

    /** Submits a transaction; returns once it is accepted and persisted, or refused with a reason. */
    public SubmitResult submit(Transaction tx) {
        CompletableFuture<SubmitResult> f = new CompletableFuture<>();
        inbox.add(() -> {
            SubmitResult r = replica.submit(tx);
            if (r.accepted()) {
                awaitingPersistence.put(r.txHash(), f); // acknowledged once the Ready holding it is persisted
            } else {
                f.complete(r);
            }
        });
        return await(f);
    }

    /**
     * Completes with the height of the block that commits {@code txHash} (at once if it is committed already); never
     * completes for a transaction that expires, so callers bound the wait.
     */
    public CompletableFuture<Long> commitOf(Hash txHash) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        inbox.add(() -> {
            // On the loop thread, as commits are: a receipt is either persisted already or comes with a later commit.
            var receipt = store.receipt(txHash.hex());
            if (receipt != null) {
                f.complete(receipt.height());
            } else {
                awaitingCommit.put(txHash, f);
            }
        });
        return f;
    }

    /** This node's signing key (the key of its node certificate), for what the node signs besides transactions. */
    public org.batteryledger.core.crypto.Signer signer() {
        return signer;
    }

    /** Signs a system transaction with this node's key (its agency is the node's) and submits it. */
    public SubmitResult submitAsNode(TxType type, byte[] payload) {
        long expiry = committedHeight + 101; // a hundred blocks to get in: expired ones are refused with a reason
        return submit(Transaction.sign(suite, signer, type, nonces.nextLong() & Long.MAX_VALUE, expiry, payload));
    }

    /** Blocks in the recent window: a node that stopped taking part shows there long before it does in 1,000. */
    public static final int RECENT_WINDOW = 100;

    /**
     * Each node's share of the last {@code window} commit certificates that carry its seal ({@code window} is at most
     * {@value #PARTICIPATION_WINDOW}, fewer on a young chain), and the same over the last {@value #RECENT_WINDOW}.
     */
    public record Participation(Map<NodeId, Double> overall, int window, Map<NodeId, Double> recent, int recentWindow) {
    }

    /** One slice of the participation window: blocks {@code fromHeight..toHeight} and each node's share of their seals. */
    public record ParticipationBucket(long fromHeight, long toHeight, Map<NodeId, Double> shares) {
    }

    /** As {@link #query}, with the nodes' participation taken in the same step. */
    public <T> T queryWithParticipation(BiFunction<Replica, Participation, T> read) {
        return query(r -> {
            List<List<NodeId>> window = new ArrayList<>(recentSigners);
            int n = window.size();
            List<List<NodeId>> recent = window.subList(n - Math.min(RECENT_WINDOW, n), n);
            return read.apply(r, new Participation(shares(window), n, shares(recent), recent.size()));
        });
    }

    /** The participation window cut into {@code buckets} consecutive slices, oldest first (for charts). */
    public List<ParticipationBucket> participationBuckets(int buckets) {
        return query(r -> {
            List<List<NodeId>> window = new ArrayList<>(recentSigners);
            int n = window.size();
            long firstHeight = committedHeight - n + 1;
            List<ParticipationBucket> out = new ArrayList<>();
            int slices = Math.min(buckets, n);
            for (int b = 0; b < slices; b++) {
                int from = (int) ((long) n * b / slices);
                int to = (int) ((long) n * (b + 1) / slices);
                out.add(new ParticipationBucket(firstHeight + from, firstHeight + to - 1, shares(window.subList(from, to))));
            }
            return out;
        });
    }

    /** Each node's share of the certificates in {@code window} (the signers of one certificate per entry). */
    private static Map<NodeId, Double> shares(List<List<NodeId>> window) {
        Map<NodeId, Double> counts = new HashMap<>();
        for (List<NodeId> signers : window) {
            for (NodeId id : signers) {
                counts.merge(id, 1.0, Double::sum);
            }
        }
        int n = Math.max(1, window.size());
        counts.replaceAll((k, v) -> v / n);
        return counts;
    }

    /** Messages not sent because a link was down, plus inputs dropped because the queue was full. */
    public long messagesDropped() {
        return network.framesDropped() + inputsDropped.get();
    }

    public List<LinkStats> links() {
        return network.stats();
    }

    /** The peer links, for the record exchange (queries and pages that never reach the replica); null before start. */
    public PeerNetwork network() {
        return network;
    }

    /** Sends this node's operational figures to its peers (see {@link PeerNetwork#broadcastTelemetry}). */
    public void broadcastTelemetry(byte[] payload) {
        if (network != null) {
            network.broadcastTelemetry(payload);
        }
    }

    /** What each peer last reported about itself. */
    public Map<NodeId, PeerNetwork.Telemetry> peerTelemetry() {
        return network == null ? Map.of() : network.telemetry();
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the replica", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the replica did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Whether the loop thread owns the replica and takes input (false after a halt). */
    public boolean isRunning() {
        return running && loop != null && loop.isAlive();
    }

    /** The committed height as of the last persist, without a trip through the queue. */
    public long committedHeight() {
        return committedHeight;
    }

    public NodeDirectory directory() {
        return directory;
    }

    public EcSuite suite() {
        return suite;
    }

    public Genesis genesis() {
        return genesis;
    }

    public NodeId nodeId() {
        return signer.nodeId();
    }

    public String nodeName() {
        return nodeName;
    }

    /** The committed state through the read model: no trip through the replica's queue. */
    public StateReadModel state() {
        return readModel;
    }

}
