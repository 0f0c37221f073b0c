package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.Checkpoint;
import org.batteryledger.core.pbft.PbftMessage.ChunkRequest;
import org.batteryledger.core.pbft.PbftMessage.ChunkResponse;
import org.batteryledger.core.pbft.PbftMessage.SnapshotOffer;
import org.batteryledger.core.pbft.PbftMessage.SnapshotRequest;
import org.batteryledger.core.snapshot.CheckpointCertificate;
import org.batteryledger.core.snapshot.SnapshotChunk;
import org.batteryledger.core.snapshot.StableCheckpoint;
import org.batteryledger.core.snapshot.StateSnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Checkpoints (Castro & Liskov, OSDI 1999, §4.3): after committing a height that is a multiple of
 * {@link Params#CHECKPOINT_INTERVAL_BLOCKS}, a replica takes a {@link StateSnapshot} of the state, and a validator signs
 * its digest and sends the CHECKPOINT to every peer. A quorum of matching CHECKPOINTs from the validators the state
 * names makes the checkpoint stable: the certificate and the snapshot then go out in {@link Ready#stable}, and a new
 * node can start from it instead of replaying the chain. Checkpoints are not persisted: signing one again after a
 * crash signs the same digest, since the state is the same.
 *
 * <p>Bounded whatever peers send: one vote per validator (its highest), one pending snapshot and one stable one.
 */
final class Checkpoints {
    /** Chunks of state (of about 1 MiB) hashed per input while a snapshot is pending. */
    static final int SLICE_CHUNKS = 1;
    private final ReplicaState s;
    /** This replica's snapshot of its last checkpoint height, until a quorum matches it or a later one replaces it. */
    private StateSnapshot pending;
    private Checkpoint ownVote;
    private StableCheckpoint stable;
    private final Map<NodeId, Checkpoint> votes = new HashMap<>();
    private LongPredicate validatorsReached = h -> false;

    Checkpoints(ReplicaState s) {
        this.s = s;
    }

    /** Tells whether f+1 validators announced a committed height at least the given one ({@link BlockSync}). */
    void validatorsReached(LongPredicate reached) {
        this.validatorsReached = reached;
    }

    /** After a commit (the replica is at the next height already): a checkpoint when the height is one. */
    void committed() {
        long h = s.head.height();
        long interval = Params.get(s.state, Params.CHECKPOINT_INTERVAL_BLOCKS);
        // Catching up by a checkpoint interval or more: this snapshot would be superseded before anyone asked for it, and a
        // replay of many small blocks would pay a pass over the state every interval. Nodes at the head take theirs.
        if (h % interval == 0 && !validatorsReached.test(h + interval)) {
            pending = StateSnapshot.freeze(s.suite, h, s.headHash, s.state);
            ownVote = null;
        }
        digestSome();
    }

    /** With each tick: the pending snapshot's next slice. */
    void tick() {
        digestSome();
    }

    /**
     * Hashes the next chunk of the pending snapshot; once all are hashed, the validator signs the digest and sends the
     * CHECKPOINT. A chunk per commit and per tick: a state of 30 MB is hashed within 3 s of 100 ms ticks, and a commit
     * waits for one chunk's hashing, not for the whole state's.
     */
    private void digestSome() {
        if (pending == null || pending.digested() || !pending.digestSome(SLICE_CHUNKS)) {
            return;
        }
        if (s.isValidator()) {
            Checkpoint unsigned = new Checkpoint(pending.height(), pending.blockHash(), pending.digest(), s.self, new byte[0]);
            ownVote = new Checkpoint(unsigned.height(), unsigned.blockHash(), unsigned.stateDigest(), s.self,
                    s.config.signer().sign(unsigned.signingBytes(s.chainId)));
            votes.put(s.self, ownVote);
            s.send(s.peers, ownVote);
        }
        tryStable();
    }

    /** With each STATUS: the own vote again while its checkpoint is not stable (a lost one would keep it so). */
    void resend() {
        if (ownVote != null && pending != null && ownVote.height() == pending.height()) {
            s.send(s.peers, ownVote);
        }
    }

    void onCheckpoint(NodeId from, Checkpoint c) {
        if (!s.validators.contains(c.sender())) {
            s.reject(from, Rejected.of(Rejection.NOT_A_VALIDATOR, "checkpoint from " + c.sender().shortId()));
            return;
        }
        if (stable != null && c.height() <= stable.height()) {
            s.reject(from, Rejection.CHECKPOINT_STALE);
            return;
        }
        Checkpoint earlier = votes.get(c.sender());
        if (earlier != null && earlier.height() >= c.height()) {
            if (earlier.height() > c.height()) {
                s.reject(from, Rejection.CHECKPOINT_STALE);
            } else if (earlier.blockHash().equals(c.blockHash()) && earlier.stateDigest().equals(c.stateDigest())) {
                s.reject(from, Rejection.DUPLICATE);
            } else if (verifies(c)) {
                s.proven(c.sender(), Rejected.of(Rejection.EQUIVOCATION, c.sender().shortId() + " signed two state digests for height " + c.height()));
            } else {
                s.reject(from, Rejected.of(Rejection.BAD_SIGNATURE, "second checkpoint with a bad signature"));
            }
            return;
        }
        if (!verifies(c)) {
            s.reject(from, Rejected.of(Rejection.BAD_SIGNATURE, "checkpoint of " + c.sender().shortId()));
            return;
        }
        votes.put(c.sender(), c);
        tryStable();
    }

    private boolean verifies(Checkpoint c) {
        s.metrics.signaturesVerified++;
        return s.suite.verify(s.validators.publicKey(c.sender()), c.signingBytes(s.chainId), c.signature());
    }

    /** Stable once a quorum of today's validators signed this replica's own digest; in registry order. */
    private void tryStable() {
        if (pending == null || !pending.digested()) {
            return;
        }
        List<CommitSeal> matching = new ArrayList<>();
        int other = 0;
        for (NodeRecord v : s.validators.members()) {
            Checkpoint c = votes.get(v.nodeId());
            if (c == null || c.height() != pending.height()) {
                continue;
            }
            if (c.blockHash().equals(pending.blockHash()) && c.stateDigest().equals(pending.digest())) {
                matching.add(new CommitSeal(c.sender(), c.signature()));
            } else {
                other++;
            }
        }
        if (matching.size() >= s.validators.quorum()) {
            stable = new StableCheckpoint(new CheckpointCertificate(pending.height(), pending.blockHash(), pending.digest(), matching), pending);
            s.outStable.add(stable);
            s.metrics.stableCheckpoint = stable.height();
            long h = stable.height();
            votes.values().removeIf(c -> c.height() <= h);
            pending = null;
            ownVote = null;
        } else if (other >= s.validators.quorum()) {
            // A quorum vouches for another state after the same blocks: this replica's copy went wrong. Its snapshot is
            // never served; the counter tells operators.
            s.metrics.checkpointsDiverged++;
            pending = null;
            ownVote = null;
        }
    }

    /** The offer of the last stable checkpoint at or above the asked height, or NO-SNAPSHOT when there is none. */
    static PbftMessage serve(StableCheckpoint stable, BlockSource blocks, long committedHeight, SnapshotRequest r) {
        CommittedBlock b = stable == null || stable.height() < r.minHeight() ? null : blocks.block(stable.height());
        return b == null ? new PbftMessage.NoSnapshot(committedHeight) : new SnapshotOffer(stable.certificate(), b, stable.snapshot().manifest());
    }

    /** The asked chunk of the last stable checkpoint, or null when this node does not hold it (any more). */
    static ChunkResponse serve(StableCheckpoint stable, ChunkRequest r) {
        if (stable == null || stable.height() != r.height()) {
            return null;
        }
        SnapshotChunk c = stable.snapshot().chunk(r.index());
        return c == null ? null : new ChunkResponse(c);
    }

    void onSnapshotRequest(NodeId from, SnapshotRequest r) {
        if (s.config.blocks() != null) { // else the node serves it off the replica's thread
            s.send(List.of(from), serve(stable, s.config.blocks(), s.head.height(), r));
        }
    }

    void onChunkRequest(NodeId from, ChunkRequest r) {
        if (s.config.blocks() != null) {
            ChunkResponse c = serve(stable, r);
            if (c != null) {
                s.send(List.of(from), c);
            }
        }
    }
}
