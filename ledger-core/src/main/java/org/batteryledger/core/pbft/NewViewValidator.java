package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Castro & Liskov §4.4: a backup accepts a NEW-VIEW only if the new primary signed it, it holds a quorum of valid
 * VIEW-CHANGEs for that view from distinct validators, and its pre-prepare proposes the block those view changes
 * dictate: the one prepared in the highest view, or any valid block when none was prepared.
 */
final class NewViewValidator {
    private final ReplicaState s;
    private final MessageSignatures signatures;
    private final ViewChangeValidator viewChanges;
    private final BlockValidator blocks;

    NewViewValidator(ReplicaState s, MessageSignatures signatures, ViewChangeValidator viewChanges, BlockValidator blocks) {
        this.s = s;
        this.signatures = signatures;
        this.viewChanges = viewChanges;
        this.blocks = blocks;
    }

    Rejected validate(NewView nv) {
        if (nv.view() < s.view || nv.view() == 0 || nv.view() > s.view + ReplicaState.MAX_VIEW_AHEAD) {
            return s.viewOutOfRange(nv.view(), "new view");
        }
        if (s.slot(nv.view()).prePrepare != null) {
            return Rejected.of(Rejection.DUPLICATE);
        }
        if (!nv.sender().equals(s.validators.primary(s.height, nv.view()))) {
            return Rejected.of(Rejection.NOT_FROM_PRIMARY, "new view from " + nv.sender().shortId());
        }
        Rejected bad = signatures.check(nv);
        if (bad != null) {
            return bad;
        }
        Set<NodeId> senders = new HashSet<>();
        Map<NodeId, ViewChange> known = s.viewChanges.getOrDefault(nv.view(), new LinkedHashMap<>());
        for (ViewChange vc : nv.viewChanges()) {
            if (vc.view() != nv.view() || !senders.add(vc.sender())) {
                return Rejected.of(Rejection.NEW_VIEW_BAD_VIEW_CHANGES, "view change of " + vc.sender().shortId() + " for view " + vc.view());
            }
            ViewChange seen = known.get(vc.sender());
            if (seen == null || !Arrays.equals(seen.signature(), vc.signature())) {
                Rejected why = viewChanges.check(vc, false);
                if (why != null) {
                    return why.within("view change of " + vc.sender().shortId() + " in a new view");
                }
            }
        }
        if (senders.size() < s.validators.quorum()) {
            return Rejected.of(Rejection.NEW_VIEW_NO_QUORUM, senders.size() + " of " + s.validators.quorum());
        }
        PrePrepare pp = nv.prePrepare();
        if (pp.height() != s.height || pp.view() != nv.view() || !pp.sender().equals(nv.sender()) || !signatures.verify(pp.sender(), pp)) {
            return Rejected.of(Rejection.NEW_VIEW_BAD_PRE_PREPARE);
        }
        PreparedCertificate best = ViewChanges.highestPrepared(nv.viewChanges());
        Rejected block = blocks.validate(pp.block(), nv.view(), nv.sender(), best == null ? null : best.blockHash(s.suite));
        return block == null ? null : block.within("new view's proposal");
    }
}
