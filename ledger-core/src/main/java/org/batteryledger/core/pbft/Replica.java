package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CheckedSignatures;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.chain.Block;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.Status;
import org.batteryledger.core.pbft.PbftMessage.SyncRequest;
import org.batteryledger.core.pbft.PbftMessage.SyncResponse;
import org.batteryledger.core.pbft.PbftMessage.TxBatch;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.pbft.ReplicaState.VoteKind;
import org.batteryledger.core.snapshot.StableCheckpoint;
import org.batteryledger.core.state.StateView;
import org.batteryledger.core.state.WorldState;

import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *
 * <p>This class is the public face only: it dispatches each input to a part ({@link NormalCase},
 * {@link ViewChanges}, {@link BlockSync}, {@link TxAdmission}, {@link Recovery}), each message through its validator
 * (a typed {@link Rejection} when dropped), and checks the invariants after every input.
 */
public final class Replica implements ReplicaView {
    private static final int MAX_TXS_PER_FORWARD = 2_000;
    /** Messages kept for later heights per signer ({@link FutureBuffer}); the simulator checks honest replicas hold it. */
    public static final int MAX_FUTURE_MESSAGES_PER_SIGNER = FutureBuffer.MAX_MESSAGES_PER_SENDER;
    /** A forwarded batch stays well inside a frame, whatever the transactions' sizes. */
    static final long MAX_BYTES_PER_FORWARD = 4L * 1024 * 1024;

    /**
     * @param blocks              committed blocks, to answer block sync; null when the node answers sync requests
     *                            itself, off the replica's thread
     * @param statusIntervalTicks how often the committed height is announced (lagging nodes learn they lag)
     * @param retransmitTicks     without progress for this long, own votes of the height are sent again
     * @param futureHeightWindow  how many heights ahead messages are buffered rather than dropped
     * @param checkedSeals        commit seals of synced blocks the owner verified already (a node checks a sync
     *                            response's seals on another thread), not verified again; {@link CheckedSignatures#NONE}
     */
    public record Config(CryptoSuite suite, Signer signer, LongSupplier wallClockMillis, BlockSource blocks,
                         int statusIntervalTicks, int retransmitTicks, int maxPoolTxs, int futureHeightWindow, int syncBatchBlocks,
                         CheckedSignatures checkedSeals) {
        public Config {
            Objects.requireNonNull(checkedSeals, "checkedSeals");
        }

        /** Every signature verified by the replica itself. */
        public Config(CryptoSuite suite, Signer signer, LongSupplier wallClockMillis, BlockSource blocks,
                      int statusIntervalTicks, int retransmitTicks, int maxPoolTxs, int futureHeightWindow, int syncBatchBlocks) {
            this(suite, signer, wallClockMillis, blocks, statusIntervalTicks, retransmitTicks, maxPoolTxs, futureHeightWindow, syncBatchBlocks,
                    CheckedSignatures.NONE);
        }

        public static Config defaults(CryptoSuite suite, Signer signer, LongSupplier wallClockMillis, BlockSource blocks) {
            return new Config(suite, signer, wallClockMillis, blocks, 10, 10, 200_000, 4, BlockSync.MAX_BLOCKS_PER_REQUEST);
        }

        /** This configuration, with the commit seals of synced blocks that the owner verified beforehand. */
        public Config withCheckedSeals(CheckedSignatures checked) {
            return new Config(suite, signer, wallClockMillis, blocks, statusIntervalTicks, retransmitTicks, maxPoolTxs, futureHeightWindow,
                    syncBatchBlocks, checked);
        }
    }

    private final ReplicaState s;
    private final MessageSignatures signatures;
    private final FutureBuffer future;
    private final BlockSync sync;
    private final NormalCase normal;
    private final ViewChanges viewChanges;
    private final Proposer proposer;
    private final TxAdmission admission;
    private final Recovery recovery;
    private final Checkpoints checkpoints;
    /** A non-empty Ready was handed out and not yet acknowledged with advance(). */
    private boolean unpersisted;

    private Replica(Config config, Genesis genesis, BlockHeader head, WorldState state, List<VoteLogEntry> voteLog) {
        s = new ReplicaState(config, genesis, head, state);
        TxSignatures txSignatures = new TxSignatures(s);
        signatures = new MessageSignatures(s);
        BlockValidator blocks = new BlockValidator(s, txSignatures);
        checkpoints = new Checkpoints(s);
        Committer committer = new Committer(s, txSignatures, checkpoints);
        sync = new BlockSync(s, blocks, committer);
        checkpoints.validatorsReached(sync::validatorsReached);
        future = new FutureBuffer(s, signatures, sync);
        normal = new NormalCase(s, future, new PrePrepareValidator(s, signatures, blocks), new PrepareValidator(s, signatures),
                new CommitValidator(s, signatures), committer, sync);
        proposer = new Proposer(s);
        ViewChangeValidator viewChangeValidator = new ViewChangeValidator(s, signatures, blocks);
        viewChanges = new ViewChanges(s, future, viewChangeValidator, new NewViewValidator(s, signatures, viewChangeValidator, blocks),
                normal, proposer);
        admission = new TxAdmission(s, txSignatures);
        recovery = new Recovery(s, blocks, normal, voteLog);
        s.startHeight(head.height() + 1);
        afterInput();
    }

    /** A replica of a new chain, at height 1. */
    public static Replica create(Config config, Genesis genesis) {
        WorldState s = new WorldState(Tables.LAYOUT);
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
            if (r.admission.admit(tx, false).accepted()) {
                r.s.forwardQueue.add(tx);
            }
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------------- inputs

    /** Bytes from the network: anything that does not decode is counted and dropped, never thrown. */
    public void receive(NodeId from, byte[] bytes) {
        if (s.quarantined(from)) {
            s.metrics.drop(Rejection.QUARANTINED);
            return;
        }
        PbftMessage m;
        try {
            m = MessageCodec.decode(bytes);
        } catch (DecodeException e) {
            s.reject(from, Rejected.of(Rejection.MALFORMED, e.getMessage()));
            return;
        }
        step(from, m);
    }

    /** A decoded message from peer {@code from} (the transport-authenticated peer, used for replies). */
    public void step(NodeId from, PbftMessage m) {
        if (s.quarantined(from)) {
            s.metrics.drop(Rejection.QUARANTINED);
            return;
        }
        try {
            dispatch(from, m);
        } catch (DecodeException e) {
            s.reject(from, Rejected.of(Rejection.MALFORMED, "content: " + e.getMessage()));
        }
        afterInput();
    }

    /**
     * A link to {@code peer} came up (either node started, or the peer's member moved its replica to its other server):
     * the peer hears this replica's committed height now rather than at the next STATUS round, so whichever of the two
     * lags asks for blocks at once (a member's takeover waited up to a round for it).
     */
    public void linkUp(NodeId peer) {
        s.unreachable.remove(peer);
        if (s.peers.contains(peer)) {
            s.send(List.of(peer), new Status(s.head.height(), s.headHash));
        }
        afterInput();
    }

    /**
     * This node's link to {@code peer} went down, or could not be made (a killed node's sockets close at once): until
     * {@link #linkUp}, a view whose primary it is times out after {@link ViewChanges#UNREACHABLE_PRIMARY_TICKS} ticks
     * rather than the view-change timeout. With the primary rotating each height, a crashed validator otherwise cost the
     * full timeout once every n heights. A local suspicion, as PBFT's timers are (Castro & Liskov §4.5.2): neither
     * safety nor the other replicas depend on it, and a primary that is in fact alive still decides with the others.
     */
    public void linkDown(NodeId peer) {
        if (!peer.equals(s.self)) {
            s.unreachable.add(peer);
        }
        afterInput();
    }

    public void tick() {
        s.tick++;
        s.ticksAtHeight++;
        viewChanges.onTick();
        checkpoints.tick();
        if (s.tick % s.config.statusIntervalTicks() == 0) {
            s.send(s.peers, new Status(s.head.height(), s.headHash));
            checkpoints.resend();
        }
        if (s.ticksAtHeight % s.config.retransmitTicks() == 0) {
            retransmit();
        }
        afterInput();
    }

    /** A transaction from a client of this node: verified, checked against the contracts, pooled, forwarded. */
    public SubmitResult submit(Transaction tx) {
        SubmitResult r = admission.admit(tx, true);
        if (r.accepted()) {
            s.forwardQueue.add(tx);
            s.outAccepted.add(tx);
        }
        afterInput();
        return r;
    }

    /**
     * Everything to persist, then send, since the last call (see {@link Ready} for the order). A non-empty Ready must be
     * acknowledged with {@link #advance} once it is durable, before the next one is taken (etcd raft's Ready/Advance):
     * a caller that cannot persist never advances, never sends, and restarts from what it did persist.
     */
    public Ready ready() {
        if (unpersisted) {
            throw new IllegalStateException("ready() called again before advance(): the previous Ready is not acknowledged as persisted");
        }
        forward(s.forwardQueue);
        s.forwardQueue.clear();
        if (s.outVotes.isEmpty() && s.outCommitted.isEmpty() && s.outMessages.isEmpty() && s.outAccepted.isEmpty() && s.outStable.isEmpty()) {
            return Ready.EMPTY;
        }
        Ready r = new Ready(s.outVotes, s.outAccepted, s.outCommitted, s.outMessages, s.outStable);
        unpersisted = true;
        s.outVotes.clear();
        s.outAccepted.clear();
        s.outCommitted.clear();
        s.outMessages.clear();
        s.outStable.clear();
        return r;
    }

    /** The last {@link #ready} is durable: its messages may go out now, and the next Ready may be taken. */
    public void advance() {
        if (!unpersisted) {
            throw new IllegalStateException("advance() without a Ready to acknowledge");
        }
        unpersisted = false;
    }

    /** True between a non-empty {@link #ready} and its {@link #advance}. */
    public boolean awaitingAdvance() {
        return unpersisted;
    }

    private void dispatch(NodeId from, PbftMessage m) {
        if (m instanceof PrePrepare p) {
            normal.onPrePrepare(from, p);
        } else if (m instanceof Prepare p) {
            normal.onPrepare(from, p);
        } else if (m instanceof Commit c) {
            normal.onCommit(from, c);
        } else if (m instanceof ViewChange v) {
            viewChanges.onViewChange(from, v);
        } else if (m instanceof NewView n) {
            viewChanges.onNewView(from, n);
        } else if (m instanceof TxBatch b) {
            admission.onTxBatch(from, b);
        } else if (m instanceof SyncRequest r) {
            sync.onSyncRequest(from, r);
        } else if (m instanceof SyncResponse r) {
            sync.onSyncResponse(from, r);
        } else if (m instanceof Status st) {
            sync.onStatus(from, st);
        } else if (m instanceof PbftMessage.Checkpoint c) {
            checkpoints.onCheckpoint(from, c);
        } else if (m instanceof PbftMessage.SnapshotRequest r) {
            checkpoints.onSnapshotRequest(from, r);
        } else if (m instanceof PbftMessage.ChunkRequest r) {
            checkpoints.onChunkRequest(from, r);
        } else if (m instanceof PbftMessage.SnapshotOffer || m instanceof PbftMessage.ChunkResponse || m instanceof PbftMessage.NoSnapshot) {
            s.metrics.drop(Rejection.UNSOLICITED);
        } else {
            throw new AssertionError("unhandled message " + m);
        }
    }

    private void afterInput() {
        // At a new height: restore what was signed there before a crash, then handle the messages buffered for it,
        // in arrival order (one of them may commit the height again).
        while (s.heightAdvanced) {
            s.heightAdvanced = false;
            sync.newHeight();
            recovery.restoreVotes();
            for (Map.Entry<NodeId, PbftMessage.Signed> buffered : future.takeCurrent()) {
                if (s.heightAdvanced) {
                    break; // the rest is for a committed height now
                }
                signatures.handling(buffered.getValue());
                try {
                    dispatch(buffered.getKey(), buffered.getValue());
                } finally {
                    signatures.handling(null);
                }
            }
        }
        maybePropose();
        s.checkInvariants();
    }

    private void maybePropose() {
        if (!s.isValidator() || s.pool.isEmpty() || !s.isPrimary(s.view)) {
            return;
        }
        if (s.view > 0) {
            viewChanges.tryNewView(s.view);
            return;
        }
        if (s.slot(0).prePrepare != null) {
            return;
        }
        Block block = proposer.buildBlock(0);
        if (block == null) {
            return;
        }
        Hash h = block.hash(s.suite);
        normal.propose(new PrePrepare(s.height, 0, block, s.self,
                s.sign(VoteKind.PRE_PREPARE, 0, h, new PrePrepare(s.height, 0, block, s.self, new byte[0]))));
    }

    private void retransmit() {
        for (PbftMessage.Signed m : s.ownMessages) {
            s.send(s.peers, m);
        }
        forward(s.pool.staleForForward(s.tick, 4L * s.config.retransmitTicks(), MAX_TXS_PER_FORWARD));
    }

    /** To the other validators, in batches bounded in count and bytes. */
    private void forward(List<Transaction> txs) {
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < txs.size(); i++) {
            long size = txs.get(i).encodedSize();
            if (i > from && (i - from >= MAX_TXS_PER_FORWARD || bytes + size > MAX_BYTES_PER_FORWARD)) {
                s.send(s.validatorPeers, new TxBatch(txs.subList(from, i)));
                from = i;
                bytes = 0;
            }
            bytes += size;
        }
        if (from < txs.size()) {
            s.send(s.validatorPeers, new TxBatch(txs.subList(from, txs.size())));
        }
    }

    /**
     * The answer to a sync request from committed blocks, for a node that serves sync off the replica's thread: up to
     * {@value BlockSync#MAX_BLOCKS_PER_REQUEST} blocks and 8 MiB (at least one block); null when there is none.
     */
    public static SyncResponse serveSync(BlockSource blocks, long committedHeight, SyncRequest request) {
        return BlockSync.serve(blocks, committedHeight, request);
    }

    /**
     * The answer to a snapshot request for a node that serves snapshots off the replica's thread: the offer of its last
     * stable checkpoint, or NO-SNAPSHOT when it holds none at or above the asked height.
     */
    public static PbftMessage serveSnapshot(StableCheckpoint stable, BlockSource blocks, long committedHeight, PbftMessage.SnapshotRequest request) {
        return Checkpoints.serve(stable, blocks, committedHeight, request);
    }

    /** A chunk of a node's last stable checkpoint, or null when it does not hold that one. */
    public static PbftMessage.ChunkResponse serveChunk(StableCheckpoint stable, PbftMessage.ChunkRequest request) {
        return Checkpoints.serve(stable, request);
    }

    // ---------------------------------------------------------------------------------------------- queries

    @Override
    public NodeId self() {
        return s.self;
    }

    @Override
    public Hash chainId() {
        return s.chainId;
    }

    @Override
    public long height() {
        return s.height;
    }

    @Override
    public long committedHeight() {
        return s.head.height();
    }

    @Override
    public int view() {
        return s.view;
    }

    @Override
    public BlockHeader head() {
        return s.head;
    }

    @Override
    public Hash headHash() {
        return s.headHash;
    }

    @Override
    public ValidatorSet validators() {
        return s.validators;
    }

    @Override
    public NodeId primary() {
        return s.validators.primary(s.height, s.view);
    }

    @Override
    public boolean isValidator() {
        return s.isValidator();
    }

    /** The committed state, read-only: the node's read model and queries use it; never modify. */
    @Override
    public StateView state() {
        return s.state;
    }

    @Override
    public int stateEntries() {
        return s.state.size();
    }

    @Override
    public int poolSize() {
        return s.pool.size();
    }

    /** Messages held for later heights (each signer within its share). */
    @Override
    public int futureBuffered() {
        return future.size();
    }

    /** Ticks since this replica started: the unit of {@link ReplicaMetrics.PeerEvidence}'s first and last tick. */
    @Override
    public long ticks() {
        return s.tick;
    }

    /** The committed height each peer last announced (STATUS every {@code statusIntervalTicks}); absent if none yet. */
    @Override
    public Map<NodeId, Long> announcedHeights() {
        return sync.announcedHeights();
    }

    /** The faults noted against {@code peer}, by reason (empty when none). */
    public Map<Rejection, Long> evidence(NodeId peer) {
        ReplicaMetrics.PeerEvidence e = s.metrics.evidence().get(peer);
        return e == null ? Map.of() : e.counts();
    }

    @Override
    public ReplicaMetrics metrics() {
        return s.metrics;
    }

    @Override
    public CryptoSuite suite() {
        return s.suite;
    }
}
