package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.pbft.ReplicaState.VoteKey;
import org.batteryledger.core.pbft.ReplicaState.VoteKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;

/**
 * After a restart: what this replica signed at a height it had not committed is known again when it reaches that
 * height, and sent again, never changed (CometBFT's WAL replay). The vote log is handed to the constructor.
 */
final class Recovery {
    private final ReplicaState s;
    private final BlockValidator blocks;
    private final NormalCase normal;
    private final TreeMap<Long, List<VoteLogEntry>> recovered = new TreeMap<>();

    Recovery(ReplicaState s, BlockValidator blocks, NormalCase normal, List<VoteLogEntry> voteLog) {
        this.s = s;
        this.blocks = blocks;
        this.normal = normal;
        for (VoteLogEntry e : voteLog) {
            recovered.computeIfAbsent(e.height(), h -> new ArrayList<>()).add(e);
        }
    }

    /** Restores the votes of the height now being decided (if any were logged) and sends them again. */
    void restoreVotes() {
        recovered.headMap(s.height).clear();
        List<VoteLogEntry> entries = recovered.remove(s.height);
        if (entries == null) {
            return;
        }
        for (VoteLogEntry e : entries) {
            if (e instanceof VoteLogEntry.Prepared p) {
                restorePrepared(p.certificate());
            } else if (e instanceof VoteLogEntry.Signed signed) {
                restoreSigned(signed.message());
            }
        }
        for (PbftMessage.Signed m : s.ownMessages) {
            s.send(s.peers, m);
        }
        normal.checkPrepared(s.slot(s.view));
    }

    /**
     * The certificate holds the proposal and the prepares: the slot is rebuilt and, if this replica's COMMIT was lost
     * in the crash, the normal prepared transition sends it.
     */
    private void restorePrepared(PreparedCertificate pc) {
        if (s.prepared == null || pc.view() > s.prepared.view()) {
            s.prepared = pc;
        }
        Slot slot = s.slot(pc.view());
        Hash h = pc.blockHash(s.suite);
        if (slot.prePrepare == null && blocks.validate(pc.prePrepare().block(), pc.view(), pc.prePrepare().sender(), h) == null) {
            slot.prePrepare = pc.prePrepare();
        }
        for (Prepare pr : pc.prepares()) {
            slot.prepares.putIfAbsent(pr.sender(), pr);
        }
    }

    private void restoreSigned(PbftMessage.Signed m) {
        s.view = Math.max(s.view, m.view());
        s.ownMessages.add(m);
        if (m instanceof PrePrepare pp) {
            restoreProposal(pp);
        } else if (m instanceof NewView nv) {
            s.ownVotes.put(new VoteKey(VoteKind.NEW_VIEW, s.height, nv.view()), nv.prePrepare().block().hash(s.suite));
            restoreProposal(nv.prePrepare());
        } else if (m instanceof Prepare p) {
            s.ownVotes.put(new VoteKey(VoteKind.PREPARE, s.height, p.view()), p.blockHash());
            s.slot(p.view()).prepares.putIfAbsent(s.self, p);
        } else if (m instanceof Commit c) {
            s.ownVotes.put(new VoteKey(VoteKind.COMMIT, s.height, c.view()), c.blockHash());
            s.slot(c.view()).commits.putIfAbsent(s.self, c);
        } else if (m instanceof ViewChange vc) {
            s.ownVotes.put(new VoteKey(VoteKind.VIEW_CHANGE, s.height, vc.view()),
                    vc.prepared() == null ? Hash.ZERO : vc.prepared().blockHash(s.suite));
            s.viewChanges.computeIfAbsent(vc.view(), v -> new LinkedHashMap<>()).putIfAbsent(s.self, vc);
        }
    }

    private void restoreProposal(PrePrepare pp) {
        Hash h = pp.block().hash(s.suite);
        s.ownVotes.put(new VoteKey(VoteKind.PRE_PREPARE, s.height, pp.view()), h);
        if (blocks.validate(pp.block(), pp.view(), pp.sender(), h) == null) {
            s.slot(pp.view()).prePrepare = pp;
        }
    }
}
