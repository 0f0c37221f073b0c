package org.batteryledger.node.runtime;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.ha.Lease;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.ReplicaView;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.ha.LeaseKeeper;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.net.PeerAdmission;
import org.batteryledger.node.net.PeerNetwork;
import org.batteryledger.node.readmodel.LocalStateCache;
import org.batteryledger.node.readmodel.StateReadModel;
import org.batteryledger.node.store.LedgerStore;
import org.infinispan.Cache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's replica as the server runs it: started, recovered from the store, stopped, and what callers see of it.
 * The replica itself lives on one thread, {@link ReplicaLoop}'s, which carries each of its Readies out; this bean says
 * what happens when that loop ends. A Ready the store refuses (disk full, database gone) pauses the replica: no vote it
 * did not persist is sent, no client is told of what it did not persist, callers are told to retry, health says why,
 * and {@link #resume} recovers from what was persisted, as a restart would, once the store takes writes again
 * ({@code WriteGate} watches it). A broken invariant halts it for good (fail-stop): only an operator's restart brings it
 * back. A clustered member's server that lost its lease stands down instead: the member's standby again. Those
 * states and the moves between them are {@link ReplicaLifecycle}'s; this bean wires the replica, its loop, its store
 * and its links together and answers the facades. A node told to join from a snapshot does so on the loop thread before its first input.
 *
 * <p>Side jobs live in their own beans and listen to commits ({@link #onCommit}): peer admission and revocations
 * ({@code PeerAdmission}), the address book ({@code AddressBook}), participation ({@code Participation}). Readers get
 * a {@link ReplicaView}, never the replica.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// Its methods read the replica's state or hand work to its loop, which persists in transactions of its own: none needs
// one. Under the default (REQUIRED) every call from a caller without a transaction (the write gate's checks at each
// request, the health probe, the periodic work) began and committed an empty JTA transaction.
@jakarta.ejb.TransactionAttribute(jakarta.ejb.TransactionAttributeType.SUPPORTS)
public class NodeRuntime {
    private static final Logger LOG = Logger.getLogger(NodeRuntime.class.getName());
    /** The system property that makes a server one of a clustered member's (its name in the member's lease). */
    public static final String SERVER_NAME = "batteryledger.server.name";
    /** The frame limit of the peer links; consensus parameters are bounded so no legal message exceeds it. */
    public static final int MAX_FRAME_BYTES = org.batteryledger.core.contract.Params.MAX_FRAME_BYTES;

    /** Told on the loop thread after each persisted batch of committed blocks; must be quick and must not block. */
    public interface CommitListener {
        void committed(ReplicaView replica, List<Ready.Committed> blocks);
    }

    /**
     * Sees each of the replica's messages on its way to one peer ({@code index}: the peer's place among the recipients)
     * and says whether it goes out as is. Only the Byzantine drill sets one.
     */
    public interface OutboundFilter {
        boolean keep(NodeId to, org.batteryledger.core.pbft.PbftMessage message, int index);
    }

    @Resource
    private ManagedThreadFactory threadFactory;
    @EJB
    private LedgerStore store;
    /**
     * The read model's cache on a clustered member's server: the cache the member's servers replicate (Infinispan, container
     * batteryledger, cache state). Injected only there: the clustered member's configuration adds the injection to the
     * deployment (wildfly-config's configure-ha.cli, a deployment overlay), so that a member of one server, whose cache is
     * a {@link LocalStateCache}, loads no Infinispan at all.
     */
    private Cache<String, String> stateCache;
    private StateReadModel readModel;

    private final List<Runnable> stateReplacedListeners = new CopyOnWriteArrayList<>();
    /** The thread that owns the replica; built at start. */
    private ReplicaLoop loop;
    /** How a Ready reaches stable storage (the store, and a member of one server's vote log file). */
    private ReadyPersistence persistence;
    private PeerNetwork network;
    private SyncServer syncServer;
    private SyncSealChecker syncSeals;
    /** Set when node.properties say {@code snapshot.join=true}, until the join is done or given up. */
    private volatile SnapshotJoiner joiner;
    private long joinWaitSeconds;
    /** The state the replica was recovered with: what the store holds until the replica's first input. */
    private org.batteryledger.core.state.WorldState recoveredState;
    /** Paused, halted, standing by, and the moves between (built at start with the loop). */
    private ReplicaLifecycle lifecycle;
    /** A clustered member's server ({@code batteryledger.server.name} set): its part in the replica lease; null otherwise. */
    private MemberLease lease;
    /** Started with {@code batteryledger.server.name}: one of a clustered member's servers. */
    private boolean clustered;

    private NodeDirectory directory;
    private EcSuite suite;
    private Genesis genesis;
    private LocalSigner signer;
    private String nodeName;
    private long tickMillis;
    private final SecureRandom nonces = new SecureRandom();

    @PostConstruct
    void start() {
        try {
            directory = NodeDirectory.fromSystemProperty();
            genesis = directory.genesis();
            suite = directory.suite();
            signer = directory.signer();
            Properties props = directory.properties();
            nodeName = props.getProperty("name", signer.nodeId().shortId());
            tickMillis = Long.parseLong(props.getProperty("tick.millis", "100"));

            store.initializeIfEmpty(genesis.initialWrites(suite));
            String server = System.getProperty(SERVER_NAME);
            clustered = server != null && !server.isBlank();
            // store.fsync (true): what a Ready persists forced onto disk before its votes go out or anyone is told of it.
            persistence = new ReadyPersistence(store, suite, Boolean.parseBoolean(props.getProperty("store.fsync", "true").trim()),
                    directory.data().resolve("votes"), Long.parseLong(props.getProperty("votes.segment.bytes", String.valueOf(16L << 20)).trim()),
                    clustered);
            // A lower bound of what the database holds: the replica's height once it runs (set after each persist), the
            // store's on a standby, whose replica is not running.
            readModel = new StateReadModel(readModelCache(server), store::stateValue, () -> lifecycle.standby() == null ? loop.status().committedHeight() : store.committedHeight());

            // A clustered member's servers share the node directory; each has its own peer port (its system property).
            int p2pPort = Integer.parseInt(System.getProperty("batteryledger.p2p.port", props.getProperty("p2p.port", "30300")));
            String p2pHost = props.getProperty("p2p.host", "127.0.0.1");
            network = new PeerNetwork(signer.nodeId(), suite, SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(
                    Files.readString(directory.privateKeyFile()))).jcaPrivateKey(), directory.nodeCertificate(),
                    directory.agencyCa(), directory.chainCa(), new InetSocketAddress(p2pHost, p2pPort), this::received, MAX_FRAME_BYTES);
            syncServer = new SyncServer(threadFactory, store, network, () -> loop.status().committedHeight());
            syncSeals = new SyncSealChecker(suite, genesis.chainId(suite), threadFactory);
            if (clustered) {
                // One server of the member runs the replica: the one holding the lease. Until then this one waits.
                lease = new MemberLease(server.trim(), Long.parseLong(props.getProperty("ha.lease.millis", "3000").trim()), store, threadFactory,
                        () -> lifecycle.standby() != null, this::groupMembers, new LeaseKeeper.Listener() {
                            @Override
                            public void tookOver(Lease held) {
                                lifecycle.activate(held); // on the lease's own thread
                            }

                            @Override
                            public void lost(String reason) {
                                lifecycle.lostLease(reason);
                            }
                        });
            }
            // What the replica sends goes to the peers; its sync requests also tell the seal checker whose responses to check.
            java.util.function.BiConsumer<NodeId, byte[]> send = (to, bytes) -> {
                syncSeals.sending(to, bytes);
                network.send(to, bytes);
            };
            loop = new ReplicaLoop(nodeName, suite, tickMillis, threadFactory, persistence, lease, send, store::receipt,
                    readModel, syncServer::stable, this::refusal, new ReplicaLoop.Ending() {
                        @Override
                        public void fenced(String reason) {
                            lifecycle.fenced(reason);
                        }

                        @Override
                        public void paused(String reason, Throwable cause) {
                            lifecycle.paused(reason, cause);
                        }

                        @Override
                        public void halted(String reason, Throwable cause) {
                            lifecycle.halted(reason, cause);
                        }
                    });
            lifecycle = new ReplicaLifecycle(loop, network, lease, this::recover, this::startLoop);
            recover();
            if (!clustered && Boolean.parseBoolean(props.getProperty("snapshot.join", "false").trim())) { // a cluster's store has the chain
                joiner = new SnapshotJoiner();
                joinWaitSeconds = Long.parseLong(props.getProperty("snapshot.join.wait.seconds", "30").trim());
            }
            // The seals of a sync response are checked against the validators of the replica's committed height.
            loop.onCommit((replica, blocks) -> syncSeals.validators(replica.validators()));
            // A link that came up: the peer hears this replica's height now (Replica.linkUp), within the peer's share.
            network.onLinkUp(peer -> {
                if (lifecycle.pauseReason() == null) {
                    loop.linkUp(peer);
                }
            });
            // A link that went down: a view whose primary the peer is ends after two ticks, not the view-change timeout.
            network.onLinkDown(peer -> {
                if (lifecycle.pauseReason() == null) {
                    loop.linkDown(peer);
                }
            });
            if (clustered) {
                lifecycle.startAsStandby();
                lease.start();
                network.warmUpInBackground(threadFactory); // its first real handshakes, at takeover, run warm code
                return;
            }
            network.start();
            startLoop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the peer port", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the node directory: " + e.getMessage(), e);
        }
    }

    /**
     * On a standby: the HTTP base of its member's active server while that one's lease runs, for requests to be handed
     * there (the web layer's StandbyProxy); empty on the active server, a member of one server, or during a takeover.
     */
    @jakarta.ejb.TransactionAttribute(jakarta.ejb.TransactionAttributeType.NOT_SUPPORTED) // asked per request on the I/O thread: no transaction
    public java.util.Optional<String> activeServer() {
        return lease == null ? java.util.Optional.empty() : lease.activeServer();
    }

    private java.util.concurrent.ConcurrentMap<String, String> readModelCache(String server) {
        if (!clustered) {
            return LocalStateCache.create(LocalStateCache.entries(System.getProperty(LocalStateCache.ENTRIES_PROPERTY)),
                    LocalStateCache.bytes(System.getProperty(LocalStateCache.MEGABYTES_PROPERTY)));
        }
        if (stateCache == null) {
            throw new IllegalStateException("server " + server + " of a clustered member has no replicated read model: start it with"
                    + " standalone-ha.xml as wildfly-config's configure-ha.cli made it (its deployment overlay clustered-member)");
        }
        return stateCache;
    }

    /**
     * The servers in this member's group (the JGroups view of the read model's cache container; a server's logical
     * name there is its server name, {@code jboss.node.name}); null for a cache without a transport.
     */
    private java.util.Collection<String> groupMembers() {
        java.util.List<org.infinispan.remoting.transport.Address> members = stateCache.getCacheManager().getMembers();
        return members == null ? null : members.stream().map(Object::toString).toList();
    }

    /** The replica from what the store holds: its head, state, vote log and acknowledged transactions. */
    private void recover() {
        long started = System.nanoTime();
        LedgerStore.Recovery rec = store.load();
        org.batteryledger.core.state.WorldState state = rec.worldState();
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(() -> "read the stored ledger: " + rec.state().size() + " state entries, " + rec.votes().size() + " vote log entries in "
                + millis + " ms");
        recover(rec, state);
    }

    private void recover(LedgerStore.Recovery rec, org.batteryledger.core.state.WorldState state) {
        rec = persistence.withLoggedVotes(rec);
        if (!clustered) {
            // The cache may have outlived a redeployment. A clustered member's cache is kept: the other server filled it from
            // the same store, each entry tagged with its height (StateReadModel), and a takeover starts warm.
            readModel.clear();
        }
        BlockHeader head = rec.head() == null ? genesis.genesisBlock(suite).header() : rec.head().block().header();
        // No block source: sync requests are served by the SyncServer, off this thread.
        // A sync response's commit seals are verified on a second thread as well, from its last block down (SyncSealChecker).
        Replica.Config config = Replica.Config.defaults(suite, signer, System::currentTimeMillis, null).withCheckedSeals(syncSeals);
        loop.recovered(Replica.recover(config, genesis, head, state, rec.votes(), rec.acknowledged()));
        syncSeals.validators(loop.replica().validators());
        // Who may hold a link, from the recovered registry (before the port opens at start); PeerAdmission keeps it current.
        network.admission(PeerAdmission.Admission.of(loop.replica()));
        recoveredState = state;
        int votes = rec.votes().size();
        int pending = rec.acknowledged().size();
        LOG.info(() -> "node " + nodeName + " (" + signer.nodeId() + ") recovered at height " + head.height()
                + " with " + votes + " vote log entries and " + pending + " pending transactions");
    }

    private void startLoop() {
        loop.start(joiner == null ? null : this::joinFromSnapshot);
    }

    /**
     * Restarts a paused replica from what the store holds, as a restart of the node would (its links stay up). False
     * when it is not paused, or the store cannot be read yet: it then stays paused and the caller tries again later.
     */
    public boolean resume() {
        return lifecycle.resume();
    }

    @PreDestroy
    void stop() {
        if (lease != null) {
            lease.stop();
        }
        if (syncServer != null) {
            syncServer.stop();
        }
        if (syncSeals != null) {
            syncSeals.stop();
        }
        if (network != null) {
            network.stop();
        }
        if (loop != null) {
            loop.stop();
        }
        boolean ended = loop == null || !loop.alive();
        if (lease != null && ended) {
            lease.release();
        }
        if (persistence != null && ended) {
            persistence.close();
        }
    }

    /**
     * Before the replica takes its first input: the state of the last stable checkpoint from the peers, stored, and the
     * replica restarted there ({@link SnapshotJoiner}); block sync then brings the tail. On a failure before anything is
     * stored the replica stays where it was and block sync brings the chain, as for a node without {@code snapshot.join};
     * after, it halts.
     */
    private void joinFromSnapshot() {
        long started = System.nanoTime();
        Replica replica = loop.replica();
        try {
            // A node that was down: worth it only a checkpoint interval or more ahead of its own head (block sync is
            // quicker below that; the interval as its own state knows it). A new node: any checkpoint.
            long minHeight = replica.committedHeight() == 0 ? 1 : replica.committedHeight() + org.batteryledger.core.contract.Params.get(
                    replica.state(), org.batteryledger.core.contract.Params.CHECKPOINT_INTERVAL_BLOCKS);
            var joined = joiner.run(network, suite, genesis.chainId(suite), replica.validators(), signer.nodeId(), minHeight, joinWaitSeconds);
            if (joined == null) {
                return;
            }
            long fetched = System.nanoTime();
            store.installSnapshot(joined.block(), joined.state(), recoveredState, suite);
            long stored = System.nanoTime();
            try {
                // The state just stored, not read back; the votes above the snapshot and the acknowledged transactions
                // (a node that was down keeps what it acknowledged) from the store.
                recover(store.loadWithoutState(), joined.state());
                for (Runnable l : stateReplacedListeners) {
                    l.run();
                }
            } catch (RuntimeException e) {
                // The store holds the snapshot now: the genesis replica must not go on over it. A restart recovers.
                joiner = null;
                lifecycle.halted("the replica could not start from the snapshot it stored: " + e.getMessage(), e);
                return;
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            LOG.info(() -> "node " + nodeName + " joined from the snapshot of height " + joined.block().block().height() + " ("
                    + joined.state().size() + " entries) in " + millis + " ms (asking and fetching " + (fetched - started) / 1_000_000
                    + " ms, storing " + (stored - fetched) / 1_000_000 + " ms); block sync brings the rest");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the loop ends without taking input
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "joining from a snapshot failed before anything was stored; replaying the chain from genesis instead", e);
        } finally {
            joiner = null;
        }
    }

    /** A fault drill: while set, persisting fails (the replica then stops, as on a full disk). */
    public void injectStoreFailure(boolean fail) {
        persistence.injectStoreFailure(fail);
    }

    /** Whether the store-failure drill is on: the write gate then keeps writes refused and the replica paused. */
    public boolean storeFailureInjected() {
        return persistence != null && persistence.storeFailureInjected();
    }

    /** Sets (or, with null, removes) the filter of outbound messages: the Byzantine drill's hook. */
    public void outboundFilter(OutboundFilter filter) {
        loop.outboundFilter(filter);
    }

    /** From a Netty event loop: only enqueue, within the peer's share; sync requests go to the sync server. */
    private void received(NodeId from, byte[] bytes) {
        SnapshotJoiner j = joiner;
        if (j != null && SnapshotJoiner.isSnapshotData(bytes)) {
            j.offer(from, bytes);
            return;
        }
        if (SyncServer.serves(bytes)) {
            syncServer.offer(from, bytes);
            return;
        }
        if (lifecycle.pauseReason() != null) {
            return; // nobody drains the queue while paused; the replica resumes from its store, not from old frames
        }
        if (SyncSealChecker.isSyncResponse(bytes)) {
            syncSeals.offer(from, bytes); // before the replica can see it
        }
        loop.offerFrame(from, bytes);
    }

    // ------------------------------------------------------------------------------------------- for the facades

    /** Runs a read on the loop thread against a read-only view, so it sees one consistent replica state. */
    public <T> T query(Function<ReplicaView, T> read) {
        return loop.query(read);
    }

    /** Submits a transaction; returns once it is accepted and persisted, or refused with a reason. */
    public SubmitResult submit(Transaction tx) {
        return loop.submit(tx);
    }

    /**
     * Completes with the height of the block that commits {@code txHash} (at once if it is committed already), or
     * exceptionally with a {@link TimeoutException} once {@code timeout} passed: the wait is then forgotten.
     */
    public CompletableFuture<Long> commitOf(Hash txHash, Duration timeout) {
        return loop.commitOf(txHash, timeout);
    }

    /** Why a caller's input is not taken now (a standby, a join, a pause), as what to tell the caller; or null. */
    private RuntimeException refusal() {
        RuntimeException standby = lifecycle.standbyRefusal();
        if (standby != null) {
            return standby;
        }
        if (joiner != null) {
            return new Unavailable("the node is joining from a snapshot of the chain; retry in a few seconds");
        }
        return lifecycle.pauseRefusal(); // the loop refuses by itself once it has ended (a halt: "the replica halted: …")
    }

    /**
     * Adds a listener told when the committed state was replaced rather than changed by commits (a join from a
     * snapshot): read models that follow commits read the state again. On the loop thread; must be quick.
     */
    public void onStateReplaced(Runnable listener) {
        stateReplacedListeners.add(listener);
    }

    /** Adds a listener told after each persisted batch of commits (on the loop thread). */
    public void onCommit(CommitListener listener) {
        loop.onCommit(listener);
    }

    /** This node's signing key (the key of its node certificate), for what the node signs besides transactions. */
    public org.batteryledger.core.crypto.Signer signer() {
        return signer;
    }

    /** Signs a system transaction with this node's key (its agency is the node's) and submits it. */
    public SubmitResult submitAsNode(TxType type, byte[] payload) {
        long expiry = loop.status().committedHeight() + 101; // a hundred blocks to get in: expired ones are refused with a reason
        return submit(Transaction.sign(suite, signer, type, nonces.nextLong() & Long.MAX_VALUE, expiry, payload));
    }

    /** Messages not sent because a link was down or slow, plus frames dropped because their peer's share was full. */
    public long messagesDropped() {
        return network.framesDropped() + loop.inboxDropped();
    }

    /** Frames from {@code peer} dropped because its share of the replica's queue was full. */
    public long inboxDropped(NodeId peer) {
        return loop.inboxDropped(peer);
    }

    public List<LinkStats> links() {
        return network.stats();
    }

    /** The peer links (record exchange, telemetry, admission); null before start. */
    public PeerNetwork network() {
        return network;
    }

    /** Whether the loop thread owns the replica and takes input (false after a halt). */
    public boolean isRunning() {
        return loop != null && loop.running() && loop.alive();
    }

    /** Why the replica stopped for good (a broken invariant), or null. */
    public String haltReason() {
        return lifecycle.haltReason();
    }

    /** Why the node takes no input yet (it is fetching the state of a checkpoint), or null. */
    public String joining() {
        return joiner == null ? null : "fetching the state of the last stable checkpoint from its peers";
    }

    /** Why this server of a clustered member does not run the replica now (another server does), or null. */
    public String standby() {
        return lifecycle.standby();
    }

    /** This server's name in its clustered member, or null for a member of one server. */
    public String serverName() {
        return lease == null ? null : lease.server();
    }

    /** Why the replica is paused (the store refused what it decided), or null; it resumes by itself. */
    public String pauseReason() {
        return lifecycle.pauseReason();
    }

    /** From acknowledgement to commit on this node, for the transactions of this node's clients. */
    public CommitLatency.Snapshot commitLatency() {
        return loop.commitLatency();
    }

    /** The replica's figures as of the last persist, without a trip through the queue. */
    public ReplicaStatus status() {
        return loop.status();
    }

    /** The committed height as of the last persist, without a trip through the queue. */
    public long committedHeight() {
        return loop.status().committedHeight();
    }

    /** How long a replica tick is (node.properties {@code tick.millis}). */
    public long tickMillis() {
        return tickMillis;
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
