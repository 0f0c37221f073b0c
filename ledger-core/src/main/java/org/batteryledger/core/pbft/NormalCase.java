package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.ReplicaState.VoteKey;
import org.batteryledger.core.pbft.ReplicaState.VoteKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The normal case of one height (Castro & Liskov §4.2): pre-prepare, prepare, commit. Each message is validated by
 * its validator, collected in its {@link Slot}, and acted on only at the transition (prepared, committed).
 */
final class NormalCase {
    private final ReplicaState s;
    private final FutureBuffer future;
    private final PrePrepareValidator prePrepares;
    private final PrepareValidator prepares;
    private final CommitValidator commits;
    private final Committer committer;
    private final BlockSync sync;

    NormalCase(ReplicaState s, FutureBuffer future, PrePrepareValidator prePrepares, PrepareValidator prepares, CommitValidator commits,
               Committer committer, BlockSync sync) {
        this.s = s;
        this.future = future;
        this.prePrepares = prePrepares;
        this.prepares = prepares;
        this.commits = commits;
        this.committer = committer;
        this.sync = sync;
    }

    void onPrePrepare(NodeId from, PrePrepare pp) {
        if (!future.atCurrentHeight(from, pp) || !s.passes(from, prePrepares.validate(pp))) {
            return;
        }
        accept(s.slot(pp.view()), pp);
    }

    /** The primary's own proposal (or a NEW-VIEW's): sent already, now accepted like any other. */
    void propose(PrePrepare pp) {
        s.emit(pp);
        accept(s.slot(pp.view()), pp);
    }

    /**
     * A valid pre-prepare takes its slot and a backup prepares it. If this replica already signed a vote for another
     * block in the slot (known from its vote log after a restart, when the proposal it voted for may be gone), the
     * proposal is equivocation and is dropped.
     */
    void accept(Slot slot, PrePrepare pp) {
        Hash h = pp.block().hash(s.suite);
        for (VoteKind kind : List.of(VoteKind.PREPARE, VoteKind.COMMIT, VoteKind.PRE_PREPARE)) {
            Hash mine = s.ownVotes.get(new VoteKey(kind, s.height, pp.view()));
            if (mine != null && !mine.equals(h)) {
                s.metrics.equivocationsSeen++;
                s.reject(null, Rejected.of(Rejection.CONFLICTS_WITH_OWN_VOTE, "proposal " + h.shortHex() + ", signed " + mine.shortHex()));
                return;
            }
        }
        slot.prePrepare = pp;
        if (s.isValidator() && !s.self.equals(pp.sender())) {
            Prepare p = new Prepare(s.height, pp.view(), h, s.self,
                    s.sign(VoteKind.PREPARE, pp.view(), h, new Prepare(s.height, pp.view(), h, s.self, new byte[0])));
            s.emit(p);
            slot.prepares.putIfAbsent(s.self, p);
        }
        checkPrepared(slot);
        checkCommittedAll();
    }

    void onPrepare(NodeId from, Prepare p) {
        if (!future.atCurrentHeight(from, p) || !s.passes(from, prepares.validate(p))) {
            return;
        }
        Slot slot = s.slot(p.view());
        slot.prepares.put(p.sender(), p);
        checkPrepared(slot);
    }

    /** §4.2: prepared once the pre-prepare and quorum-1 matching prepares from distinct backups are in. */
    void checkPrepared(Slot slot) {
        if (slot.prepared || slot.prePrepare == null || slot.view != s.view) {
            return;
        }
        Hash h = slot.prePrepare.block().hash(s.suite);
        List<Prepare> matching = slot.preparesFor(h);
        int quorum = s.validators.quorum();
        if (matching.size() + 1 < quorum) {
            return;
        }
        slot.prepared = true;
        if (slot.commits.containsKey(s.self)) {
            checkCommitted(slot); // restored after a restart: prepared and committed-to already
            return;
        }
        s.prepared = new PreparedCertificate(slot.prePrepare, matching.subList(0, quorum - 1));
        if (s.isValidator()) {
            s.outVotes.add(new VoteLogEntry.Prepared(s.prepared));
            Commit c = new Commit(s.height, slot.view, h, s.self,
                    s.sign(VoteKind.COMMIT, slot.view, h, new Commit(s.height, slot.view, h, s.self, new byte[0])));
            s.emit(c);
            slot.commits.putIfAbsent(s.self, c);
        }
        checkCommitted(slot);
    }

    void onCommit(NodeId from, Commit c) {
        if (!future.atCurrentHeight(from, c) || !s.passes(from, commits.validate(c))) {
            return;
        }
        Slot slot = s.slot(c.view());
        slot.commits.put(c.sender(), c);
        checkCommitted(slot);
    }

    private void checkCommittedAll() {
        for (Slot slot : List.copyOf(s.slots.values())) {
            if (checkCommitted(slot)) {
                return;
            }
        }
    }

    /** §4.2: committed once a quorum of one view's commits match; the first quorum becomes the certificate. */
    private boolean checkCommitted(Slot slot) {
        int quorum = s.validators.quorum();
        Set<Hash> candidates = new TreeSet<>();
        for (Commit c : slot.commits.values()) {
            candidates.add(c.blockHash());
        }
        for (Hash h : candidates) {
            List<Commit> matching = slot.commitsFor(h);
            if (matching.size() < quorum) {
                continue;
            }
            Block block = s.knownBlocks.get(h);
            if (block == null) {
                // Final, but this replica never saw a valid proposal of it: fetch it with its certificate.
                List<NodeId> signers = new ArrayList<>();
                matching.forEach(c -> signers.add(c.sender()));
                sync.requestFromOneOf(signers);
                return false;
            }
            List<CommitSeal> seals = new ArrayList<>(quorum);
            for (Commit c : matching.subList(0, quorum)) {
                seals.add(new CommitSeal(c.sender(), c.signature()));
            }
            committer.commit(block, new CommitCertificate(s.height, slot.view, h, seals));
            return true;
        }
        return false;
    }
}
