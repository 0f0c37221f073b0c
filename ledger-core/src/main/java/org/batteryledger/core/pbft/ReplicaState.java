package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.state.WorldState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the parts of one replica share: the committed chain, the height being decided, what this replica signed,
 * the timers and the output of the current input. One thread owns it; the parts ({@link NormalCase},
 * {@link ViewChanges}, {@link BlockSync}, {@link Recovery}, {@link Proposer}, {@link TxAdmission}) read and change
 * it, and {@link Replica} is its only public face.
 */
final class ReplicaState {
    enum VoteKind { PRE_PREPARE, PREPARE, COMMIT, VIEW_CHANGE, NEW_VIEW }

    record VoteKey(VoteKind kind, long height, int view) {
    }

    /** How far beyond the current view votes are kept (they may arrive before this replica times out itself). */
    static final int MAX_VIEW_AHEAD = 32;
    /**
     * A peer that commits {@value #QUARANTINE_FAULTS} provable faults within {@value #QUARANTINE_WINDOW_TICKS} ticks is
     * ignored for {@value #QUARANTINE_TICKS} ticks: its junk then costs a map lookup, not a signature verification
     * each. Honest peers never commit provable faults, so this never silences one.
     */
    static final int QUARANTINE_FAULTS = 64;
    static final long QUARANTINE_WINDOW_TICKS = 100;
    static final long QUARANTINE_TICKS = 300;

    /** Beyond this many views ahead a vote proves its sender faulty ({@link Rejection#VIEW_FAR_AHEAD}). */
    static final int FAR_VIEWS = 1 << 16;

    final Replica.Config config;
    final CryptoSuite suite;
    final NodeId self;
    final Hash chainId;
    final BlockExecutor executor;
    final ReplicaMetrics metrics = new ReplicaMetrics();
    final TxPool pool;

    // The committed chain.
    final WorldState state;
    BlockHeader head;
    Hash headHash;
    ValidatorSet validators;
    /** Every other active node of the registry (validators and observers): who hears this replica's votes. */
    List<NodeId> peers = List.of();
    List<NodeId> validatorPeers = List.of();
    private Set<NodeId> members = Set.of();
    /** Peers this node has no link to now ({@link Replica#linkDown}); kept across heights, cleared by a link that comes up. */
    final Set<NodeId> unreachable = new HashSet<>();
    /** Per member peer: {window start tick, faults in the window, quarantined until tick}. */
    private final Map<NodeId, long[]> faultWindows = new HashMap<>();

    // The height being decided.
    long height;
    int view;
    final TreeMap<Integer, Slot> slots = new TreeMap<>();
    final Map<Hash, Block> knownBlocks = new HashMap<>();
    final Map<Hash, BlockExecutor.Execution> executions = new HashMap<>();
    PreparedCertificate prepared;
    final TreeMap<Integer, LinkedHashMap<NodeId, ViewChange>> viewChanges = new TreeMap<>();
    /** What this replica signed at this height, in order: retransmitted until the height commits. */
    final List<PbftMessage.Signed> ownMessages = new ArrayList<>();
    /** What this replica signed: never two different blocks for one (kind, height, view). */
    final Map<VoteKey, Hash> ownVotes = new HashMap<>();

    // Timers, in ticks.
    long tick;
    long ticksInView;
    long ticksAtHeight;
    /** Set when the height moved on: the facade then restores votes and replays buffered messages. */
    boolean heightAdvanced;

    // Output of the current input, handed out by Replica.ready().
    final List<VoteLogEntry> outVotes = new ArrayList<>();
    final List<Ready.Committed> outCommitted = new ArrayList<>();
    final List<Ready.Outbound> outMessages = new ArrayList<>();
    final List<Transaction> outAccepted = new ArrayList<>();
    final List<Transaction> forwardQueue = new ArrayList<>();
    final List<org.batteryledger.core.snapshot.StableCheckpoint> outStable = new ArrayList<>();

    ReplicaState(Replica.Config config, Genesis genesis, BlockHeader head, WorldState state) {
        this.config = config;
        this.suite = config.suite();
        this.self = NodeId.of(suite, config.signer().publicKey());
        this.chainId = genesis.chainId(suite);
        this.executor = new BlockExecutor(suite);
        this.state = state;
        this.pool = new TxPool(config.maxPoolTxs());
        this.head = head;
        this.headHash = head.hash(suite); // at height 0 the head is the genesis block's header
    }

    /** Resets everything of the height being decided and reads who takes part at the new one from the state. */
    void startHeight(long newHeight) {
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
        ownVotes.keySet().removeIf(k -> k.height() < newHeight);
        validators = new ValidatorSet(Registry.validators(state));
        List<NodeId> active = new ArrayList<>();
        for (NodeRecord n : Registry.activeNodes(state)) {
            if (!n.nodeId().equals(self)) {
                active.add(n.nodeId());
            }
        }
        peers = List.copyOf(active);
        members = new HashSet<>(active);
        metrics.retainMembers(members);
        faultWindows.keySet().retainAll(members);
        List<NodeId> vp = new ArrayList<>();
        for (NodeRecord n : validators.members()) {
            if (!n.nodeId().equals(self)) {
                vp.add(n.nodeId());
            }
        }
        validatorPeers = List.copyOf(vp);
        pool.evictExpired(height);
        pool.senderShare(Math.max(1, active.size() + 1));
        heightAdvanced = true;
    }

    boolean isValidator() {
        return validators.contains(self);
    }

    boolean isPrimary(int v) {
        return self.equals(validators.primary(height, v));
    }

    Slot slot(int v) {
        return slots.computeIfAbsent(v, Slot::new);
    }

    /** Counts a dropped input; a provable fault is noted against the peer that sent it (if a member). */
    void reject(NodeId from, Rejected r) {
        boolean member = from != null && members.contains(from);
        metrics.drop(r, from, member, tick);
        if (member && r.reason().provesFault()) {
            long[] w = faultWindows.computeIfAbsent(from, k -> new long[]{tick, 0, 0});
            if (tick - w[0] > QUARANTINE_WINDOW_TICKS) {
                w[0] = tick;
                w[1] = 0;
            }
            if (++w[1] >= QUARANTINE_FAULTS) {
                w[2] = tick + QUARANTINE_TICKS;
            }
        }
    }

    /**
     * A fault proven by messages signed by {@code culprit} (not necessarily the peer that brought them): two signed
     * votes of one kind and slot for different blocks. Noted as evidence; nothing is dropped.
     */
    void proven(NodeId culprit, Rejected r) {
        if (culprit.equals(self)) {
            return;
        }
        metrics.equivocationsSeen++;
        metrics.note(r, culprit, members.contains(culprit), tick);
    }

    /** True while {@code from} is ignored for its recent provable faults. */
    boolean quarantined(NodeId from) {
        long[] w = from == null ? null : faultWindows.get(from);
        return w != null && tick < w[2];
    }

    /** True when a validator found nothing wrong; else the verdict is counted (and noted against {@code from}). */
    boolean passes(NodeId from, Rejected verdict) {
        if (verdict == null) {
            return true;
        }
        reject(from, verdict);
        return false;
    }

    void reject(NodeId from, Rejection reason) {
        reject(from, Rejected.of(reason));
    }

    /** Signs a vote, refusing loudly to sign a second, different block for the same (kind, height, view). */
    byte[] sign(VoteKind kind, int v, Hash blockHash, PbftMessage.Signed unsigned) {
        VoteKey key = new VoteKey(kind, height, v);
        Hash earlier = ownVotes.putIfAbsent(key, blockHash);
        if (earlier != null && !earlier.equals(blockHash)) {
            throw new IllegalStateException("CONSENSUS FAILURE: " + self.shortId() + " would sign " + kind + " for " + blockHash.shortHex()
                    + " after " + earlier.shortHex() + " at height " + height + " view " + v);
        }
        if (earlier == null) { // a first signature for this slot, not a re-sign
            metrics.signed(kind);
        }
        return config.signer().sign(unsigned.signingBytes(suite, chainId));
    }

    /** Persist, then send: the vote log entry goes into the same Ready, ahead of the message. */
    void emit(PbftMessage.Signed m) {
        outVotes.add(new VoteLogEntry.Signed(m));
        ownMessages.add(m);
        send(peers, m);
    }

    /** Votes for views before the current one count only where {@code olderAllowed} (commits: §4.2 finality). */
    boolean viewInRange(int v, boolean olderAllowed) {
        return (v >= view || olderAllowed) && v <= view + MAX_VIEW_AHEAD;
    }

    /** The rejection of a vote for view {@code v} outside the range: far ahead proves a fault, the rest does not. */
    Rejected viewOutOfRange(int v, String what) {
        Rejection r = (long) v > (long) view + FAR_VIEWS ? Rejection.VIEW_FAR_AHEAD : Rejection.VIEW_OUT_OF_RANGE;
        return Rejected.of(r, what + " for view " + v + " while in view " + view);
    }

    void send(List<NodeId> to, PbftMessage m) {
        if (!to.isEmpty()) {
            outMessages.add(new Ready.Outbound(to, m));
        }
    }

    /** Halts loudly on a broken invariant (TigerBeetle's invariants(), CometBFT's CONSENSUS FAILURE). */
    void checkInvariants() {
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
}
