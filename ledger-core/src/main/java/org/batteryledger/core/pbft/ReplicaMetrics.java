package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.NodeId;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Counters a replica keeps about itself; read by the node's metrics endpoint and by the simulator. Drops are keyed by
 * {@link Rejection} (a closed set), and evidence by peer only for peers of the registry: nothing a peer sends can add
 * a label or a key.
 */
public final class ReplicaMetrics {
    private final EnumMap<Rejection, Long> dropped = new EnumMap<>(Rejection.class);
    private final Map<NodeId, PeerEvidence> evidence = new HashMap<>();
    long viewChangesStarted;
    long proposalsSigned;
    long commitsSigned;
    long equivocationsSeen;
    long blocksCommitted;
    long txsCommitted;
    long blocksSynced;
    long syncRequestsSent;
    long signaturesVerified;
    /** Transaction signatures of certified blocks taken on their certificate's word (see BlockValidator), not verified. */
    long signaturesVouched;
    long faultsFromOutsiders;
    long stableCheckpoint;
    long checkpointsDiverged;

    /**
     * What one peer sent that an honest replica never sends: counts by reason, the ticks of the first and the last
     * one, and the last detail (for operators: what, how much, when).
     */
    public record PeerEvidence(Map<Rejection, Long> counts, long firstTick, long lastTick, String lastDetail) {
        public PeerEvidence {
            counts = Map.copyOf(counts);
        }

        public long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    void signed(ReplicaState.VoteKind kind) {
        if (kind == ReplicaState.VoteKind.COMMIT) {
            commitsSigned++;
        } else if (kind == ReplicaState.VoteKind.PRE_PREPARE) {
            proposalsSigned++;
        }
    }

    void drop(Rejection reason) {
        dropped.merge(reason, 1L, Long::sum);
    }

    /** Counts the drop; when it proves a fault, notes it against {@code from} if a member (registry bounded). */
    void drop(Rejected r, NodeId from, boolean member, long tick) {
        drop(r.reason());
        note(r, from, member, tick);
    }

    /** Notes a provable fault against {@code from} (if a member) without counting a drop: the input itself was valid. */
    void note(Rejected r, NodeId from, boolean member, long tick) {
        if (!r.reason().provesFault() || from == null) {
            return;
        }
        if (!member) {
            faultsFromOutsiders++;
            return;
        }
        PeerEvidence e = evidence.get(from);
        EnumMap<Rejection, Long> counts = new EnumMap<>(Rejection.class);
        if (e != null) {
            counts.putAll(e.counts());
        }
        counts.merge(r.reason(), 1L, Long::sum);
        evidence.put(from, new PeerEvidence(counts, e == null ? tick : e.firstTick(), tick, r.detail()));
    }

    /** Forgets peers that left the registry, so the map stays as small as the registry. */
    void retainMembers(java.util.Collection<NodeId> members) {
        evidence.keySet().retainAll(members);
    }

    /** Invalid or useless input, by reason: counted, logged by the caller, dropped. */
    public Map<Rejection, Long> dropped() {
        return Map.copyOf(dropped);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Evidence of faults, per registered peer that sent any. */
    public Map<NodeId, PeerEvidence> evidence() {
        return Map.copyOf(evidence);
    }

    /** Faulty input from links of nodes outside the registry (not kept per sender: they are unbounded). */
    public long faultsFromOutsiders() {
        return faultsFromOutsiders;
    }

    public long viewChangesStarted() {
        return viewChangesStarted;
    }

    /** PRE-PREPAREs this replica signed as primary since it started (each height and view once). */
    public long proposalsSigned() {
        return proposalsSigned;
    }

    /** COMMITs this replica signed since it started (each height and view once): its seals, the quorum's or not. */
    public long commitsSigned() {
        return commitsSigned;
    }

    public long equivocationsSeen() {
        return equivocationsSeen;
    }

    public long blocksCommitted() {
        return blocksCommitted;
    }

    public long txsCommitted() {
        return txsCommitted;
    }

    public long blocksSynced() {
        return blocksSynced;
    }

    public long syncRequestsSent() {
        return syncRequestsSent;
    }

    public long signaturesVerified() {
        return signaturesVerified;
    }

    public long signaturesVouched() {
        return signaturesVouched;
    }

    /** The height of the last checkpoint a quorum signed with this replica's own digest; 0 before the first. */
    public long stableCheckpoint() {
        return stableCheckpoint;
    }

    /**
     * Checkpoints where a quorum signed another digest of the state than this replica's own: its state differs from
     * theirs although every block matched. Should stay 0; anything else is a bug in applying or storing state.
     */
    public long checkpointsDiverged() {
        return checkpointsDiverged;
    }
}
