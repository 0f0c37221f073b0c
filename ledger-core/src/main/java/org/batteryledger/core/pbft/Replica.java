package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.Status;
import org.batteryledger.core.pbft.PbftMessage.SyncRequest;
import org.batteryledger.core.pbft.PbftMessage.SyncResponse;
import org.batteryledger.core.pbft.PbftMessage.TxBatch;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.state.StateView;
import org.batteryledger.core.state.WorldState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * One PBFT replica as a pure state machine (etcd raft's shape): inputs are {@link #step}, {@link #receive},
 * {@link #tick} and {@link #submit}; the output is a {@link Ready}. No clock, threads or I/O: time is ticks,
 * the block timestamp comes from an injected supplier, and one thread owns the object.
 *
 * <p>Consensus runs per height (Castro & Liskov, OSDI 1999, applied to one block at a time, as in QBFT):
 * the primary of (height, view) is {@code validators[(height + view) mod n]}; PRE-PREPARE proposes a block,
 * quorum-1 PREPAREs plus the pre-prepare make it prepared, a quorum of COMMITs of one view make it committed,
 * and those commit signatures are kept as its certificate. A view change on timeout (exponential backoff)
 * carries the highest prepared certificate; the NEW-VIEW re-proposes the block prepared in the highest view.
 * Views restart at 0 with each height.
 */
public final class Replica {
    /** How far beyond the current view we keep messages (they may arrive before we time out ourselves). */
    private static final int MAX_VIEW_AHEAD = 32;
    private static final int MAX_FUTURE_MESSAGES = 20_000;
    private static final int MAX_SYNC_RESPONSE_BYTES = 8 * 1024 * 1024;
    private static final int MAX_TXS_PER_FORWARD = 2_000;

    /**
     * @param statusIntervalTicks how often the committed height is announced (lagging nodes learn they lag)
     * @param retransmitTicks     without progress for this long, own votes of the height are sent again
     * @param futureHeightWindow  how many heights ahead messages are buffered rather than dropped
     */
    public record Config(CryptoSuite suite, Signer signer, LongSupplier wallClockMillis, BlockSource blocks,
                         int statusIntervalTicks, int retransmitTicks, int maxPoolTxs, int futureHeightWindow, int syncBatchBlocks) {
        public static Config defaults(CryptoSuite suite, Signer signer, LongSupplier wallClockMillis, BlockSource blocks) {
            return new Config(suite, signer, wallClockMillis, blocks, 10, 10, 200_000, 4, 64);
        }
    }

    private enum VoteKind { PRE_PREPARE, PREPARE, COMMIT, VIEW_CHANGE, NEW_VIEW }

    private record VoteKey(VoteKind kind, long height, int view) {
    }

    private record Buffered(NodeId from, PbftMessage message, long height) {
    }

    private final Config config;
    private final CryptoSuite suite;
    private final NodeId self;
    private final Hash chainId;
    private final BlockExecutor executor;
    private final ReplicaMetrics metrics = new ReplicaMetrics();

    // The committed chain.
    private final WorldState state;
    private BlockHeader head;
    private Hash headHash;
    private ValidatorSet validators;
    private List<NodeId> peers;
    private List<NodeId> validatorPeers;

    // The height being decided.
    private long height;
    private int view;
    private final TreeMap<Integer, Slot> slots = new TreeMap<>();
    private final Map<Hash, Block> knownBlocks = new HashMap<>();
    private final Map<Hash, BlockExecutor.Execution> executions = new HashMap<>();
    private PreparedCertificate prepared;
    private final TreeMap<Integer, LinkedHashMap<NodeId, ViewChange>> viewChanges = new TreeMap<>();
    private final List<PbftMessage.Signed> ownMessages = new ArrayList<>();
    private final Map<NodeId, byte[]> senderKeys = new HashMap<>();

    // What this replica signed: never two different blocks for one (kind, height, view).
    private final Map<VoteKey, Hash> ownVotes = new HashMap<>();
    private final TreeMap<Long, List<VoteLogEntry>> recovered = new TreeMap<>();

    // Timers, in ticks.
    private long tick;
    private long ticksInView;
    private long ticksAtHeight;
    private long lastSyncRequestTick = Long.MIN_VALUE / 2;
    private final Map<NodeId, Long> peerCommitted = new HashMap<>();
    /** The committed height each peer last announced in a STATUS, for operators: who lags and by how much. */
    private final Map<NodeId, Long> announcedHeights = new HashMap<>();
    private final Map<NodeId, Integer> syncStrikes = new HashMap<>();
    private long syncRotation;

    private final TxPool pool;
    /** Transaction hash -> the signature verified for it (the hash excludes the signature, so both must match). */
    private final Map<Hash, byte[]> verifiedTxs = new HashMap<>();
    private final List<Transaction> forwardQueue = new ArrayList<>();
    private final List<Transaction> outAccepted = new ArrayList<>();
    private final ArrayDeque<Buffered> future = new ArrayDeque<>();
    private boolean heightAdvanced;

    // Output of the current input.
    private final List<VoteLogEntry> outVotes = new ArrayList<>();
    private final List<Ready.Committed> outCommitted = new ArrayList<>();
    private final List<Ready.Outbound> outMessages = new ArrayList<>();

    private Replica(Config config, Genesis genesis, BlockHeader head, WorldState state, List<VoteLogEntry> voteLog) {
        this.config = config;
        this.suite = config.suite();
        this.self = NodeId.of(suite, config.signer().publicKey());
        this.chainId = genesis.chainId(suite);
        this.executor = new BlockExecutor(suite);
        this.state = state;
        this.pool = new TxPool(config.maxPoolTxs());
        this.head = head;
        this.headHash = head.hash(suite); // at height 0 the head is the genesis block's header
        for (VoteLogEntry e : voteLog) {
            recovered.computeIfAbsent(e.height(), h -> new ArrayList<>()).add(e);
        }
        startHeight(head.height() + 1);
        checkInvariants();
    }

    /** A replica of a new chain, at height 1. */
    public static Replica create(Config config, Genesis genesis) {
        WorldState s = new WorldState();
        s.apply(genesis.initialWrites(config.suite()));
        return new Replica(config, genesis, genesis.genesisBlock(config.suite()).header(), s, List.of());
    }

    /**
     * A replica restarted from what its node persisted: the last committed header, the state after it, and the
     * vote log. Votes of heights not yet committed are restored when the replica reaches them, so it re-sends
     * what it signed rather than sign anything different.
     */
    public static Replica recover(Config config, Genesis genesis, BlockHeader head, WorldState state, List<VoteLogEntry> voteLog) {
        return recover(config, genesis, head, state, voteLog, List.of());
    }

    /**
     * As above, also taking back the transactions this node acknowledged to clients ({@link Ready#accepted}) that
     * may not be committed yet: they are pooled and forwarded again, so nothing acknowledged is lost in a crash.
     * Those already on chain or expired are skipped.
     */
    public static Replica recover(Config config, Genesis genesis, BlockHeader head, WorldState state, List<VoteLogEntry> voteLog,
                                  List<Transaction> acknowledged) {
        Replica r = new Replica(config, genesis, head, state, voteLog);
        for (Transaction tx : acknowledged) {
            if (r.admit(tx, false).accepted()) {
                r.forwardQueue.add(tx);
            }
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------- inputs

    /** Bytes from the network: anything that does not decode is counted and dropped, never thrown. */
    public void receive(NodeId from, byte[] bytes) {
        PbftMessage m;
        try {
            m = MessageCodec.decode(bytes);
        } catch (DecodeException e) {
            metrics.drop("malformed message");
            return;
        }
        step(from, m);
    }

    /** A decoded message from peer {@code from} (the transport-authenticated peer, used for replies). */
    public void step(NodeId from, PbftMessage m) {
        try {
            dispatch(from, m);
        } catch (DecodeException e) {
            metrics.drop("malformed content");
        }
        afterInput();
    }

    public void tick() {
        tick++;
        ticksAtHeight++;
        if (isValidator() && timerRunning()) {
            ticksInView++;
            if (ticksInView >= timeoutTicks()) {
                startViewChange(view + 1);
            }
        }
        if (tick % config.statusIntervalTicks() == 0) {
            send(peers, new Status(head.height(), headHash));
        }
        if (ticksAtHeight % config.retransmitTicks() == 0) {
            retransmit();
        }
        afterInput();
    }

    /** A transaction from a client of this node: verified, checked against the contracts, pooled, forwarded. */
    public SubmitResult submit(Transaction tx) {
        SubmitResult r = admit(tx, true);
        if (r.accepted()) {
            forwardQueue.add(tx);
            outAccepted.add(tx);
        }
        afterInput();
        return r;
    }

    /** Everything to persist, then send, since the last call (see {@link Ready} for the order). */
    public Ready ready() {
        for (int i = 0; i < forwardQueue.size(); i += MAX_TXS_PER_FORWARD) {
            send(validatorPeers, new TxBatch(forwardQueue.subList(i, Math.min(forwardQueue.size(), i + MAX_TXS_PER_FORWARD))));
        }
        forwardQueue.clear();
        if (outVotes.isEmpty() && outCommitted.isEmpty() && outMessages.isEmpty() && outAccepted.isEmpty()) {
            return Ready.EMPTY;
        }
        Ready r = new Ready(outVotes, outAccepted, outCommitted, outMessages);
        outVotes.clear();
        outAccepted.clear();
        outCommitted.clear();
        outMessages.clear();
        return r;
    }

    private void dispatch(NodeId from, PbftMessage m) {
        if (m instanceof PrePrepare p) {
            onPrePrepare(from, p);
        } else if (m instanceof Prepare p) {
            onPrepare(from, p);
        } else if (m instanceof Commit c) {
            onCommit(from, c);
        } else if (m instanceof ViewChange v) {
            onViewChange(from, v);
        } else if (m instanceof NewView n) {
            onNewView(from, n);
        } else if (m instanceof TxBatch b) {
            onTxBatch(b);
        } else if (m instanceof SyncRequest r) {
            onSyncRequest(from, r);
        } else if (m instanceof SyncResponse r) {
            onSyncResponse(from, r);
        } else if (m instanceof Status s) {
            onStatus(from, s);
        } else {
            throw new AssertionError("unhandled message " + m);
        }
    }

    private void afterInput() {
        // Messages buffered for a height we just reached are handled now, in arrival order.
        while (heightAdvanced) {
            heightAdvanced = false;
            int n = future.size();
            for (int i = 0; i < n && !heightAdvanced; i++) {
                Buffered b = future.pollFirst();
                if (b.height() == height) {
                    dispatch(b.from(), b.message());
                } else if (b.height() > height && b.height() <= height + config.futureHeightWindow()) {
                    future.addLast(b);
                }
            }
        }
        maybePropose();
        checkInvariants();
    }

    // ---------------------------------------------------------------------------------------------- normal case

    private void onPrePrepare(NodeId from, PrePrepare pp) {
        if (!atCurrentHeight(from, pp, pp.height())) {
            return;
        }
        if (pp.view() != view) {
            // A pre-prepare for a later view is only valid inside its NEW-VIEW (§4.4).
            metrics.drop("pre-prepare for another view");
            return;
        }
        Slot slot = slot(pp.view());
        if (slot.prePrepare != null) {
            duplicateOrEquivocation(slot.prePrepare.block().hash(suite).equals(pp.block().hash(suite)), pp);
            return;
        }
        if (!pp.sender().equals(validators.primary(height, pp.view()))) {
            metrics.drop("pre-prepare not from the primary");
            return;
        }
        if (!verifySignature(pp)) {
            return;
        }
        String why = validateBlock(pp.block(), pp.view(), pp.sender(), null);
        if (why != null) {
            metrics.drop("invalid proposal: " + why);
            return;
        }
        acceptPrePrepare(slot, pp);
    }

    /**
     * True when this replica already signed a vote for another block in the slot (known from its vote log after a
     * restart, when the proposal it voted for may be gone): such a proposal is equivocation and is dropped.
     */
    private boolean conflictsWithOwnVote(int v, Hash h) {
        for (VoteKind kind : List.of(VoteKind.PREPARE, VoteKind.COMMIT, VoteKind.PRE_PREPARE)) {
            Hash mine = ownVotes.get(new VoteKey(kind, height, v));
            if (mine != null && !mine.equals(h)) {
                metrics.equivocationsSeen++;
                metrics.drop("proposal conflicts with this replica's own vote");
                return true;
            }
        }
        return false;
    }

    private void acceptPrePrepare(Slot slot, PrePrepare pp) {
        Hash h = pp.block().hash(suite);
        if (conflictsWithOwnVote(pp.view(), h)) {
            return;
        }
        slot.prePrepare = pp;
        if (isValidator() && !self.equals(pp.sender())) {
            Prepare p = new Prepare(height, pp.view(), h, self,
                    sign(VoteKind.PREPARE, pp.view(), h, new Prepare(height, pp.view(), h, self, new byte[0])));
            emit(p);
            slot.prepares.putIfAbsent(self, p);
        }
        checkPrepared(slot);
        checkCommittedAll();
    }

    private void onPrepare(NodeId from, Prepare p) {
        if (!atCurrentHeight(from, p, p.height()) || !viewInRange(p.view(), false)) {
            return;
        }
        if (p.sender().equals(validators.primary(height, p.view()))) {
            metrics.drop("prepare from the primary");
            return;
        }
        Slot slot = slot(p.view());
        Prepare existing = slot.prepares.get(p.sender());
        if (existing != null) {
            duplicateOrEquivocation(existing.blockHash().equals(p.blockHash()), p);
            return;
        }
        if (!verifySignature(p)) {
            return;
        }
        slot.prepares.put(p.sender(), p);
        checkPrepared(slot);
    }

    /** §4.2: prepared once the pre-prepare and quorum-1 matching prepares from distinct backups are in. */
    private void checkPrepared(Slot slot) {
        if (slot.prepared || slot.prePrepare == null || slot.view != view) {
            return;
        }
        Hash h = slot.prePrepare.block().hash(suite);
        List<Prepare> matching = slot.preparesFor(h);
        int quorum = validators.quorum();
        if (matching.size() + 1 < quorum) {
            return;
        }
        slot.prepared = true;
        if (slot.commits.containsKey(self)) {
            checkCommitted(slot); // restored after a restart: prepared and committed-to already
            return;
        }
        prepared = new PreparedCertificate(slot.prePrepare, matching.subList(0, quorum - 1));
        if (isValidator()) {
            outVotes.add(new VoteLogEntry.Prepared(prepared));
            Commit c = new Commit(height, slot.view, h, self,
                    sign(VoteKind.COMMIT, slot.view, h, new Commit(height, slot.view, h, self, new byte[0])));
            emit(c);
            slot.commits.putIfAbsent(self, c);
        }
        checkCommitted(slot);
    }

    private void onCommit(NodeId from, Commit c) {
        // Commits of earlier views still count: a quorum of them proves the block final whatever our view.
        if (!atCurrentHeight(from, c, c.height()) || !viewInRange(c.view(), true)) {
            return;
        }
        Slot slot = slot(c.view());
        Commit existing = slot.commits.get(c.sender());
        if (existing != null) {
            duplicateOrEquivocation(existing.blockHash().equals(c.blockHash()), c);
            return;
        }
        if (!verifySignature(c)) {
            return;
        }
        slot.commits.put(c.sender(), c);
        checkCommitted(slot);
    }

    private void checkCommittedAll() {
        for (Slot s : List.copyOf(slots.values())) {
            if (checkCommitted(s)) {
                return;
            }
        }
    }

    /** §4.2: committed once a quorum of one view's commits match; the first quorum becomes the certificate. */
    private boolean checkCommitted(Slot slot) {
        int quorum = validators.quorum();
        Set<Hash> candidates = new TreeSet<>();
        for (Commit c : slot.commits.values()) {
            candidates.add(c.blockHash());
        }
        for (Hash h : candidates) {
            List<Commit> matching = slot.commitsFor(h);
            if (matching.size() < quorum) {
                continue;
            }
            Block block = knownBlocks.get(h);
            if (block == null) {
                // Final, but we never saw a valid proposal of it: fetch it with its certificate.
                requestSync(matching.get((int) Math.floorMod(syncRotation++, (long) matching.size())).sender(), false);
                return false;
            }
            List<CommitSeal> seals = new ArrayList<>(quorum);
            for (Commit c : matching.subList(0, quorum)) {
                seals.add(new CommitSeal(c.sender(), c.signature()));
            }
            commit(block, new CommitCertificate(height, slot.view, h, seals));
            return true;
        }
        return false;
    }

    private void commit(Block block, CommitCertificate certificate) {
        Hash h = block.hash(suite);
        BlockExecutor.Execution ex = executions.get(h);
        if (ex == null) {
            throw new IllegalStateException("CONSENSUS FAILURE: committing block " + h + " that was never validated");
        }
        state.apply(ex.writeSet());
        outCommitted.add(new Ready.Committed(new CommittedBlock(block, certificate), ex.writeSet(), ex.receipts()));
        metrics.blocksCommitted++;
        metrics.txsCommitted += block.transactions().size();
        boolean registryTouched = false;
        for (Transaction tx : block.transactions()) {
            Hash th = tx.hash(suite);
            pool.remove(th);
            verifiedTxs.remove(th);
            // Only governance and revocations change who may send; anchors and valuations do not.
            registryTouched |= !org.batteryledger.core.contract.Payloads.AnchorBatch.anchors(tx.type())
                    && tx.type() != org.batteryledger.core.chain.TxType.REGISTER_VALUATION;
        }
        head = block.header();
        headHash = h;
        startHeight(head.height() + 1);
        if (registryTouched) {
            purgeInadmissiblePoolTxs();
        }
    }

    // ---------------------------------------------------------------------------------------------- view change

    private boolean timerRunning() {
        return !pool.isEmpty() || !knownBlocks.isEmpty() || view > 0 || !ownMessages.isEmpty();
    }

    private long timeoutTicks() {
        long base = Params.get(state, Params.VIEW_CHANGE_TIMEOUT_TICKS);
        long max = Params.get(state, Params.MAX_VIEW_CHANGE_TIMEOUT_TICKS);
        return Math.min(max, base << Math.min(view, 20));
    }

    private void startViewChange(int newView) {
        if (newView <= view) {
            return;
        }
        view = newView;
        ticksInView = 0;
        metrics.viewChangesStarted++;
        if (!isValidator()) {
            return;
        }
        ViewChange unsigned = new ViewChange(height, newView, prepared, self, new byte[0]);
        Hash preparedHash = prepared == null ? Hash.ZERO : prepared.blockHash(suite);
        ViewChange vc = new ViewChange(height, newView, prepared, self, sign(VoteKind.VIEW_CHANGE, newView, preparedHash, unsigned));
        emit(vc);
        viewChanges.computeIfAbsent(newView, v -> new LinkedHashMap<>()).put(self, vc);
        tryNewView(newView);
    }

    private void onViewChange(NodeId from, ViewChange vc) {
        if (!atCurrentHeight(from, vc, vc.height())) {
            return;
        }
        if (vc.view() < view || vc.view() == 0 || vc.view() > view + MAX_VIEW_AHEAD) {
            metrics.drop("view change for a view out of range");
            return;
        }
        LinkedHashMap<NodeId, ViewChange> set = viewChanges.computeIfAbsent(vc.view(), v -> new LinkedHashMap<>());
        if (set.containsKey(vc.sender())) {
            metrics.drop("duplicate");
            return;
        }
        String why = checkViewChange(vc);
        if (why != null) {
            metrics.drop("invalid view change: " + why);
            return;
        }
        set.put(vc.sender(), vc);
        // §4.5.2: f+1 replicas asking for later views include an honest one that timed out: join the smallest.
        Set<NodeId> ahead = new HashSet<>();
        for (Map<NodeId, ViewChange> s : viewChanges.tailMap(view, false).values()) {
            ahead.addAll(s.keySet());
        }
        if (ahead.size() >= Quorum.weak(validators.size())) {
            startViewChange(viewChanges.tailMap(view, false).firstKey());
        }
        tryNewView(vc.view());
    }

    /** Returns null when the view change is signed by a validator and its prepared certificate holds. */
    private String checkViewChange(ViewChange vc) {
        if (vc.height() != height) {
            return "another height";
        }
        if (!validators.contains(vc.sender())) {
            return "sender is not a validator";
        }
        if (!suiteVerify(vc.sender(), vc)) {
            return "bad signature";
        }
        PreparedCertificate pc = vc.prepared();
        if (pc == null) {
            return null;
        }
        PrePrepare pp = pc.prePrepare();
        if (pp.height() != height || pp.view() >= vc.view()) {
            return "prepared certificate for another slot";
        }
        if (!pp.sender().equals(validators.primary(height, pp.view())) || !suiteVerify(pp.sender(), pp)) {
            return "prepared certificate with an invalid pre-prepare";
        }
        Hash h = pp.block().hash(suite);
        NodeId primary = pp.sender();
        Set<NodeId> distinct = new HashSet<>();
        for (Prepare p : pc.prepares()) {
            if (p.height() != height || p.view() != pp.view() || !p.blockHash().equals(h) || p.sender().equals(primary)
                    || !validators.contains(p.sender()) || !distinct.add(p.sender()) || !suiteVerify(p.sender(), p)) {
                return "prepared certificate with an invalid prepare";
            }
        }
        if (distinct.size() + 1 < validators.quorum()) {
            return "prepared certificate without a quorum";
        }
        String why = validateBlock(pp.block(), pp.view(), pp.sender(), h);
        return why == null ? null : "prepared block invalid: " + why;
    }

    /** The new primary, once a quorum asked for its view, sends NEW-VIEW (§4.4). */
    private void tryNewView(int v) {
        if (v != view || v == 0 || !isValidator() || !self.equals(validators.primary(height, v))) {
            return;
        }
        Slot slot = slot(v);
        LinkedHashMap<NodeId, ViewChange> set = viewChanges.get(v);
        if (slot.prePrepare != null || set == null || set.size() < validators.quorum()) {
            return;
        }
        List<ViewChange> chosen = new ArrayList<>(new TreeMap<>(set).values()).subList(0, validators.quorum());
        PreparedCertificate best = highestPrepared(chosen);
        Block block = best != null ? best.prePrepare().block() : buildBlock(v);
        if (block == null) {
            return; // nothing prepared and nothing to propose yet: retried as transactions arrive
        }
        Hash h = block.hash(suite);
        PrePrepare pp = new PrePrepare(height, v, block, self, sign(VoteKind.PRE_PREPARE, v, h, new PrePrepare(height, v, block, self, new byte[0])));
        NewView unsigned = new NewView(height, v, chosen, pp, self, new byte[0]);
        NewView nv = new NewView(height, v, chosen, pp, self, sign(VoteKind.NEW_VIEW, v, h, unsigned));
        emit(nv);
        acceptPrePrepare(slot, pp);
    }

    private static PreparedCertificate highestPrepared(List<ViewChange> vcs) {
        PreparedCertificate best = null;
        for (ViewChange vc : vcs) {
            if (vc.prepared() != null && (best == null || vc.prepared().view() > best.view())) {
                best = vc.prepared();
            }
        }
        return best;
    }

    private void onNewView(NodeId from, NewView nv) {
        if (!atCurrentHeight(from, nv, nv.height())) {
            return;
        }
        if (nv.view() < view || nv.view() == 0 || nv.view() > view + MAX_VIEW_AHEAD) {
            metrics.drop("new view for a view out of range");
            return;
        }
        Slot slot = slot(nv.view());
        if (slot.prePrepare != null) {
            metrics.drop("duplicate");
            return;
        }
        if (!nv.sender().equals(validators.primary(height, nv.view()))) {
            metrics.drop("new view not from the primary");
            return;
        }
        if (!verifySignature(nv)) {
            return;
        }
        Set<NodeId> senders = new HashSet<>();
        for (ViewChange vc : nv.viewChanges()) {
            if (vc.view() != nv.view() || !senders.add(vc.sender())) {
                metrics.drop("invalid new view: view changes for another view or repeated");
                return;
            }
            ViewChange known = viewChanges.getOrDefault(nv.view(), new LinkedHashMap<>()).get(vc.sender());
            if (known == null || !Arrays.equals(known.signature(), vc.signature())) {
                String why = checkViewChange(vc);
                if (why != null) {
                    metrics.drop("invalid new view: " + why);
                    return;
                }
            }
        }
        if (senders.size() < validators.quorum()) {
            metrics.drop("invalid new view: no quorum of view changes");
            return;
        }
        PrePrepare pp = nv.prePrepare();
        if (pp.height() != height || pp.view() != nv.view() || !pp.sender().equals(nv.sender()) || !suiteVerify(pp.sender(), pp)) {
            metrics.drop("invalid new view: bad pre-prepare");
            return;
        }
        PreparedCertificate best = highestPrepared(nv.viewChanges());
        String why = validateBlock(pp.block(), nv.view(), nv.sender(), best == null ? null : best.blockHash(suite));
        if (why != null) {
            metrics.drop("invalid new view: " + why);
            return;
        }
        if (nv.view() > view) {
            view = nv.view();
            ticksInView = 0;
        }
        for (ViewChange vc : nv.viewChanges()) {
            viewChanges.computeIfAbsent(nv.view(), v -> new LinkedHashMap<>()).putIfAbsent(vc.sender(), vc);
        }
        acceptPrePrepare(slot, pp);
    }

    // ---------------------------------------------------------------------------------------------- proposals

    private void maybePropose() {
        if (!isValidator() || pool.isEmpty() || !self.equals(validators.primary(height, view))) {
            return;
        }
        if (view > 0) {
            tryNewView(view);
            return;
        }
        Slot slot = slot(0);
        if (slot.prePrepare != null) {
            return;
        }
        Block block = buildBlock(0);
        if (block == null) {
            return;
        }
        Hash h = block.hash(suite);
        PrePrepare pp = new PrePrepare(height, 0, block, self, sign(VoteKind.PRE_PREPARE, 0, h, new PrePrepare(height, 0, block, self, new byte[0])));
        emit(pp);
        acceptPrePrepare(slot, pp);
    }

    /** The oldest pooled transactions that are still includable, within the block limits; null if none. */
    private Block buildBlock(int inView) {
        int maxTxs = (int) Math.min(Integer.MAX_VALUE, Params.get(state, Params.MAX_BLOCK_TXS));
        long maxBytes = Params.get(state, Params.MAX_BLOCK_BYTES) - 1024;
        List<Transaction> candidates = pool.candidates(maxTxs, maxBytes);
        if (candidates.isEmpty()) {
            return null;
        }
        BlockExecutor.Execution ex = executor.execute(state, head.stateRoot(), height, candidates, true);
        for (BlockExecutor.Rejected r : ex.rejected()) {
            pool.remove(r.tx().hash(suite));
            metrics.drop("pooled transaction no longer includable");
        }
        if (ex.included().isEmpty()) {
            return null;
        }
        long timestamp = Math.max(config.wallClockMillis().getAsLong(), head.timestamp());
        BlockHeader header = new BlockHeader(height, headHash, Block.txRoot(suite, ex.included()), ex.stateRoot(), self, inView, timestamp);
        Block block = new Block(header, ex.included());
        Hash h = block.hash(suite);
        executions.put(h, ex);
        knownBlocks.put(h, block);
        return block;
    }

    /**
     * Checks a proposed block against the committed state. With {@code expectedHash} (a re-proposal after a view
     * change, or a synced block) the block must have that hash and may carry an earlier proposer and view.
     * Returns null when valid; the execution is kept for the commit.
     */
    private String validateBlock(Block block, int inView, NodeId proposer, Hash expectedHash) {
        Hash h = block.hash(suite);
        if (expectedHash != null && !h.equals(expectedHash)) {
            return "not the block prepared in the highest view";
        }
        if (knownBlocks.containsKey(h)) {
            return null;
        }
        BlockHeader hd = block.header();
        if (hd.height() != height) {
            return "height " + hd.height() + ", expected " + height;
        }
        if (!hd.parentHash().equals(headHash)) {
            return "parent is not the head";
        }
        if (expectedHash == null && (!hd.proposer().equals(proposer) || hd.view() != inView)) {
            return "header names another proposer or view";
        }
        if (!validators.contains(hd.proposer())) {
            return "proposer is not a validator";
        }
        if (block.transactions().isEmpty()) {
            return "empty block";
        }
        if (block.transactions().size() > Params.get(state, Params.MAX_BLOCK_TXS)) {
            return "too many transactions";
        }
        if (block.encodedSize() > Params.get(state, Params.MAX_BLOCK_BYTES)) {
            return "block too large";
        }
        if (hd.timestamp() < head.timestamp()) {
            return "timestamp before the parent's";
        }
        if (!Block.txRoot(suite, block.transactions()).equals(hd.txRoot())) {
            return "transaction root mismatch";
        }
        for (Transaction tx : block.transactions()) {
            String why = verifyTransaction(tx);
            if (why != null) {
                return why;
            }
        }
        BlockExecutor.Execution ex = executor.execute(state, head.stateRoot(), height, block.transactions(), false);
        String rejected = BlockExecutor.firstRejection(ex);
        if (rejected != null) {
            return "invalid transaction: " + rejected;
        }
        if (!ex.stateRoot().equals(hd.stateRoot())) {
            return "state root mismatch";
        }
        executions.put(h, ex);
        knownBlocks.put(h, block);
        return null;
    }

    /** Each transaction's signature is verified once per replica, whether it came alone or inside a block. */
    private String verifyTransaction(Transaction tx) {
        Hash h = tx.hash(suite);
        byte[] verified = verifiedTxs.get(h);
        byte[] signature = tx.signature();
        if (verified != null && Arrays.equals(verified, signature)) {
            return null;
        }
        byte[] key = senderKey(tx.sender());
        if (key == null) {
            return "transaction from an unknown or revoked sender";
        }
        metrics.signaturesVerified++;
        if (!tx.verifySignature(suite, key)) {
            return "invalid transaction signature";
        }
        if (verifiedTxs.size() > 4 * config.maxPoolTxs()) {
            verifiedTxs.clear();
        }
        verifiedTxs.put(h, signature);
        return null;
    }

    private byte[] senderKey(NodeId id) {
        return senderKeys.computeIfAbsent(id, k -> {
            NodeRecord n = Registry.node(state, k);
            return n == null || Registry.isRevoked(state, k) ? null : n.publicKey();
        });
    }

    // ---------------------------------------------------------------------------------------------- transactions

    private SubmitResult admit(Transaction tx, boolean fromClient) {
        Hash h = tx.hash(suite);
        if (pool.contains(h)) {
            return new SubmitResult(SubmitResult.Outcome.DUPLICATE, h, "already pending");
        }
        String envelope = executor.checkEnvelope(state, height, tx);
        if (envelope != null) {
            SubmitResult.Outcome o = envelope.startsWith(BlockExecutor.DUPLICATE_PREFIX) ? SubmitResult.Outcome.DUPLICATE : SubmitResult.Outcome.REJECTED;
            return new SubmitResult(o, h, envelope);
        }
        if (pool.isFull()) {
            return new SubmitResult(SubmitResult.Outcome.POOL_FULL, h, "transaction pool is full (" + config.maxPoolTxs() + ")");
        }
        String why = verifyTransaction(tx);
        if (why != null) {
            return new SubmitResult(SubmitResult.Outcome.REJECTED, h, why);
        }
        if (fromClient) {
            // Immediate feedback: refuse what the contract would refuse now (it may still fail later, with a receipt).
            String refused = executor.checkContract(state, height, tx);
            if (refused != null) {
                return new SubmitResult(SubmitResult.Outcome.REJECTED, h, refused);
            }
        }
        pool.add(h, tx, tick);
        return new SubmitResult(SubmitResult.Outcome.ACCEPTED, h, null);
    }

    private void onTxBatch(TxBatch b) {
        for (Transaction tx : b.transactions()) {
            SubmitResult r = admit(tx, false);
            if (r.outcome() == SubmitResult.Outcome.REJECTED) {
                metrics.drop("forwarded transaction rejected");
            }
        }
    }

    private void purgeInadmissiblePoolTxs() {
        for (Transaction tx : pool.candidates(Integer.MAX_VALUE, Long.MAX_VALUE)) {
            if (executor.checkEnvelope(state, height, tx) != null) {
                pool.remove(tx.hash(suite));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- block sync

    /** The committed height each peer last announced (STATUS every {@code statusIntervalTicks}); absent if none yet. */
    public Map<NodeId, Long> announcedHeights() {
        return Map.copyOf(announcedHeights);
    }

    private void onStatus(NodeId from, Status s) {
        announcedHeights.put(from, s.committedHeight());
        if (s.committedHeight() >= height) {
            noteAhead(from, s.committedHeight());
        } else if (s.committedHeight() < head.height() && !peers.contains(from)) {
            // A node outside the registry (joining) hears from us only when it asks.
            send(List.of(from), new Status(head.height(), headHash));
        }
    }

    private void noteAhead(NodeId peer, long committed) {
        peerCommitted.merge(peer, committed, Math::max);
        maybeSync(false);
    }

    /**
     * Asks one peer that claims to be ahead for blocks, rotating among them and preferring those that never sent
     * an invalid block: a lying peer must not be able to keep a node from catching up.
     */
    private void maybeSync(boolean now) {
        if (!now && tick - lastSyncRequestTick < config.retransmitTicks()) {
            return;
        }
        List<NodeId> ahead = new ArrayList<>();
        int fewestStrikes = Integer.MAX_VALUE;
        for (Map.Entry<NodeId, Long> e : new TreeMap<>(peerCommitted).entrySet()) {
            if (e.getValue() >= height) {
                int strikes = syncStrikes.getOrDefault(e.getKey(), 0);
                if (strikes < fewestStrikes) {
                    ahead.clear();
                    fewestStrikes = strikes;
                }
                if (strikes == fewestStrikes) {
                    ahead.add(e.getKey());
                }
            }
        }
        if (!ahead.isEmpty()) {
            requestSync(ahead.get((int) Math.floorMod(syncRotation++, (long) ahead.size())), true);
        }
    }

    private void requestSync(NodeId peer, boolean now) {
        if (!now && tick - lastSyncRequestTick < config.retransmitTicks()) {
            return;
        }
        lastSyncRequestTick = tick;
        metrics.syncRequestsSent++;
        send(List.of(peer), new SyncRequest(height, config.syncBatchBlocks()));
    }

    private void syncStrike(NodeId peer, String reason) {
        metrics.drop(reason);
        syncStrikes.merge(peer, 1, Integer::sum);
        maybeSync(true);
    }

    private void onSyncRequest(NodeId from, SyncRequest r) {
        List<CommittedBlock> blocks = new ArrayList<>();
        long bytes = 0;
        int max = Math.min(Math.max(r.maxBlocks(), 1), 256);
        for (long h = Math.max(1, r.fromHeight()); h <= head.height() && blocks.size() < max; h++) {
            CommittedBlock b = config.blocks().block(h);
            if (b == null) {
                break;
            }
            bytes += b.block().encodedSize();
            if (!blocks.isEmpty() && bytes > MAX_SYNC_RESPONSE_BYTES) {
                break;
            }
            blocks.add(b);
        }
        if (!blocks.isEmpty()) {
            send(List.of(from), new SyncResponse(blocks));
        }
    }

    /** Each synced block must carry a valid commit certificate of the validators at its height, and re-execute. */
    private void onSyncResponse(NodeId from, SyncResponse r) {
        int applied = 0;
        for (CommittedBlock cb : r.blocks()) {
            Block b = cb.block();
            if (b.height() < height) {
                continue;
            }
            if (b.height() > height) {
                break;
            }
            CommitCertificate cert = cb.certificate();
            Hash h = b.hash(suite);
            if (cert.height() != height || !cert.blockHash().equals(h)) {
                syncStrike(from, "synced block does not match its certificate");
                return;
            }
            String bad = cert.verify(suite, chainId, validators.keys(), validators.quorum());
            if (bad != null) {
                syncStrike(from, "synced block with an invalid certificate");
                return;
            }
            String why = validateBlock(b, b.header().view(), b.header().proposer(), h);
            if (why != null) {
                syncStrike(from, "invalid synced block: " + why);
                return;
            }
            syncStrikes.remove(from);
            metrics.blocksSynced++;
            commit(b, cert);
            applied++;
        }
        if (applied > 0 && peerCommitted.getOrDefault(from, 0L) >= height) {
            requestSync(from, true);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void startHeight(long newHeight) {
        height = newHeight;
        view = 0;
        ticksInView = 0;
        ticksAtHeight = 0;
        slots.clear();
        knownBlocks.clear();
        executions.clear();
        prepared = null;
        viewChanges.clear();
        ownMessages.clear();
        senderKeys.clear();
        ownVotes.keySet().removeIf(k -> k.height() < newHeight);
        validators = new ValidatorSet(Registry.validators(state));
        List<NodeId> active = new ArrayList<>();
        for (NodeRecord n : Registry.activeNodes(state)) {
            if (!n.nodeId().equals(self)) {
                active.add(n.nodeId());
            }
        }
        peers = List.copyOf(active);
        peerCommitted.values().removeIf(h -> h < newHeight);
        List<NodeId> vp = new ArrayList<>();
        for (NodeRecord n : validators.members()) {
            if (!n.nodeId().equals(self)) {
                vp.add(n.nodeId());
            }
        }
        validatorPeers = List.copyOf(vp);
        pool.evictExpired(height);
        heightAdvanced = true;
        restoreVotes();
    }

    /** After a restart: what this replica signed at this height is known again and sent again, never changed. */
    private void restoreVotes() {
        recovered.headMap(height).clear();
        List<VoteLogEntry> entries = recovered.remove(height);
        if (entries == null) {
            return;
        }
        for (VoteLogEntry e : entries) {
            if (e instanceof VoteLogEntry.Prepared p) {
                PreparedCertificate pc = p.certificate();
                if (prepared == null || pc.view() > prepared.view()) {
                    prepared = pc;
                }
                // The certificate holds the proposal and the prepares: the slot is rebuilt and, if this replica's
                // COMMIT was lost in the crash, the normal prepared transition below sends it.
                Slot slot = slot(pc.view());
                Hash h = pc.blockHash(suite);
                if (slot.prePrepare == null && validateBlock(pc.prePrepare().block(), pc.view(), pc.prePrepare().sender(), h) == null) {
                    slot.prePrepare = pc.prePrepare();
                }
                for (Prepare pr : pc.prepares()) {
                    slot.prepares.putIfAbsent(pr.sender(), pr);
                }
            } else if (e instanceof VoteLogEntry.Signed s) {
                restoreSigned(s.message());
            }
        }
        for (PbftMessage.Signed m : ownMessages) {
            send(peers, m);
        }
        checkPrepared(slot(view));
    }

    private void restoreSigned(PbftMessage.Signed m) {
        view = Math.max(view, m.view());
        ownMessages.add(m);
        if (m instanceof PrePrepare pp) {
            restoreProposal(pp);
        } else if (m instanceof NewView nv) {
            ownVotes.put(new VoteKey(VoteKind.NEW_VIEW, height, nv.view()), nv.prePrepare().block().hash(suite));
            restoreProposal(nv.prePrepare());
        } else if (m instanceof Prepare p) {
            ownVotes.put(new VoteKey(VoteKind.PREPARE, height, p.view()), p.blockHash());
            slot(p.view()).prepares.putIfAbsent(self, p);
        } else if (m instanceof Commit c) {
            ownVotes.put(new VoteKey(VoteKind.COMMIT, height, c.view()), c.blockHash());
            slot(c.view()).commits.putIfAbsent(self, c);
        } else if (m instanceof ViewChange vc) {
            ownVotes.put(new VoteKey(VoteKind.VIEW_CHANGE, height, vc.view()), vc.prepared() == null ? Hash.ZERO : vc.prepared().blockHash(suite));
            viewChanges.computeIfAbsent(vc.view(), v -> new LinkedHashMap<>()).putIfAbsent(self, vc);
        }
    }

    private void restoreProposal(PrePrepare pp) {
        Hash h = pp.block().hash(suite);
        ownVotes.put(new VoteKey(VoteKind.PRE_PREPARE, height, pp.view()), h);
        if (validateBlock(pp.block(), pp.view(), pp.sender(), h) == null) {
            slot(pp.view()).prePrepare = pp;
        }
    }

    private boolean atCurrentHeight(NodeId from, PbftMessage m, long msgHeight) {
        if (msgHeight == height) {
            return true;
        }
        if (msgHeight < height) {
            metrics.drop("message for a committed height");
        } else if (msgHeight <= height + config.futureHeightWindow() && future.size() < MAX_FUTURE_MESSAGES) {
            future.addLast(new Buffered(from, m, msgHeight));
            if (msgHeight > height + 1) {
                noteAhead(from, msgHeight - 1);
            }
        } else {
            metrics.drop("message too far ahead");
            noteAhead(from, msgHeight - 1);
        }
        return false;
    }

    private boolean viewInRange(int v, boolean olderAllowed) {
        if ((v < view && !olderAllowed) || v > view + MAX_VIEW_AHEAD) {
            metrics.drop("vote for a view out of range");
            return false;
        }
        return true;
    }

    private void duplicateOrEquivocation(boolean same, PbftMessage.Signed m) {
        if (same) {
            metrics.drop("duplicate");
        } else if (suiteVerify(m.sender(), m)) {
            metrics.equivocationsSeen++;
            metrics.drop("equivocation");
        } else {
            metrics.drop("bad signature");
        }
    }

    private boolean verifySignature(PbftMessage.Signed m) {
        if (!validators.contains(m.sender())) {
            metrics.drop("sender is not a validator");
            return false;
        }
        if (!suiteVerify(m.sender(), m)) {
            metrics.drop("bad signature");
            return false;
        }
        return true;
    }

    private boolean suiteVerify(NodeId sender, PbftMessage.Signed m) {
        byte[] key = validators.publicKey(sender);
        metrics.signaturesVerified++;
        return key != null && suite.verify(key, m.signingBytes(suite, chainId), m.signature());
    }

    /** Signs a vote, refusing loudly to sign a second, different block for the same (kind, height, view). */
    private byte[] sign(VoteKind kind, int v, Hash blockHash, PbftMessage.Signed unsigned) {
        VoteKey key = new VoteKey(kind, height, v);
        Hash earlier = ownVotes.putIfAbsent(key, blockHash);
        if (earlier != null && !earlier.equals(blockHash)) {
            throw new IllegalStateException("CONSENSUS FAILURE: " + self.shortId() + " would sign " + kind + " for " + blockHash.shortHex()
                    + " after " + earlier.shortHex() + " at height " + height + " view " + v);
        }
        return config.signer().sign(unsigned.signingBytes(suite, chainId));
    }

    /** Persist, then send: the vote log entry goes into the same Ready, ahead of the message. */
    private void emit(PbftMessage.Signed m) {
        outVotes.add(new VoteLogEntry.Signed(m));
        ownMessages.add(m);
        send(peers, m);
    }

    private void send(List<NodeId> to, PbftMessage m) {
        if (!to.isEmpty()) {
            outMessages.add(new Ready.Outbound(to, m));
        }
    }

    private void retransmit() {
        for (PbftMessage.Signed m : ownMessages) {
            send(peers, m);
        }
        List<Transaction> stale = pool.staleForForward(tick, 4L * config.retransmitTicks(), MAX_TXS_PER_FORWARD);
        if (!stale.isEmpty()) {
            send(validatorPeers, new TxBatch(stale));
        }
    }

    private Slot slot(int v) {
        return slots.computeIfAbsent(v, Slot::new);
    }

    /** Halts loudly on a broken invariant (TigerBeetle's invariants(), CometBFT's CONSENSUS FAILURE). */
    private void checkInvariants() {
        if (height != head.height() + 1) {
            throw new IllegalStateException("CONSENSUS FAILURE: height " + height + " after head " + head.height());
        }
        if (prepared != null && prepared.height() != height) {
            throw new IllegalStateException("CONSENSUS FAILURE: prepared certificate of height " + prepared.height() + " at " + height);
        }
        for (Slot s : slots.values()) {
            if (s.prepared && s.prePrepare == null && prepared == null) {
                throw new IllegalStateException("CONSENSUS FAILURE: prepared without a pre-prepare in view " + s.view);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- queries

    public NodeId self() {
        return self;
    }

    public Hash chainId() {
        return chainId;
    }

    /** The height being decided (one above the last committed block). */
    public long height() {
        return height;
    }

    public long committedHeight() {
        return head.height();
    }

    public int view() {
        return view;
    }

    public BlockHeader head() {
        return head;
    }

    public Hash headHash() {
        return headHash;
    }

    public ValidatorSet validators() {
        return validators;
    }

    public NodeId primary() {
        return validators.primary(height, view);
    }

    public boolean isValidator() {
        return validators.contains(self);
    }

    /** The committed state, read-only: the node's read model and queries use it; never modify. */
    public StateView state() {
        return state;
    }

    public int poolSize() {
        return pool.size();
    }

    public ReplicaMetrics metrics() {
        return metrics;
    }

    public CryptoSuite suite() {
        return suite;
    }
}
