package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Castro & Liskov §4.4: a view change counts if a validator signed it for a later view in range, and the prepared
 * certificate it carries (if any) holds: the primary's signed pre-prepare of an earlier view of this height, quorum-1
 * signed matching prepares from distinct backups, and a valid block.
 */
final class ViewChangeValidator {
    private final ReplicaState s;
    private final MessageSignatures signatures;
    private final BlockValidator blocks;

    ViewChangeValidator(ReplicaState s, MessageSignatures signatures, BlockValidator blocks) {
        this.s = s;
        this.signatures = signatures;
        this.blocks = blocks;
    }

    /** A view change arriving on its own. */
    Rejected validate(ViewChange vc) {
        if (vc.view() < s.view || vc.view() == 0 || vc.view() > s.view + ReplicaState.MAX_VIEW_AHEAD) {
            return s.viewOutOfRange(vc.view(), "view change");
        }
        Map<NodeId, ViewChange> set = s.viewChanges.get(vc.view());
        if (set != null && set.containsKey(vc.sender())) {
            return Rejected.of(Rejection.DUPLICATE);
        }
        PreparedCertificate pc = vc.prepared();
        if (pc != null && pc.prePrepare().block().transactions().isEmpty()) {
            // Alone, a view change carries the block it prepared (blocks are never empty): the new primary needs it.
            return Rejected.of(Rejection.PREPARED_BLOCK_MISSING, "view change of " + vc.sender().shortId());
        }
        return check(vc, true);
    }

    /**
     * The view change's signature and its prepared certificate. With {@code withBlock} (a view change on its own) the
     * prepared block is validated too; inside a NEW-VIEW only its hash travels, and the NEW-VIEW's own pre-prepare
     * carries the block that matters.
     */
    Rejected check(ViewChange vc, boolean withBlock) {
        if (vc.height() != s.height) {
            return Rejected.of(Rejection.NEW_VIEW_BAD_VIEW_CHANGES, "view change of height " + vc.height());
        }
        Rejected bad = signatures.check(vc);
        if (bad != null) {
            return bad;
        }
        PreparedCertificate pc = vc.prepared();
        if (pc == null) {
            return null;
        }
        PrePrepare pp = pc.prePrepare();
        if (pp.height() != s.height || pp.view() >= vc.view()) {
            return Rejected.of(Rejection.PREPARED_OTHER_SLOT, "prepared at height " + pp.height() + " view " + pp.view());
        }
        if (!pp.sender().equals(s.validators.primary(s.height, pp.view())) || !signatures.verify(pp.sender(), pp)) {
            return Rejected.of(Rejection.PREPARED_BAD_PRE_PREPARE);
        }
        Hash h = pp.block().hash(s.suite);
        NodeId primary = pp.sender();
        Set<NodeId> distinct = new HashSet<>();
        for (Prepare p : pc.prepares()) {
            if (p.height() != s.height || p.view() != pp.view() || !p.blockHash().equals(h) || p.sender().equals(primary)
                    || !s.validators.contains(p.sender()) || !distinct.add(p.sender()) || !signatures.verify(p.sender(), p)) {
                return Rejected.of(Rejection.PREPARED_BAD_PREPARE, "prepare of " + p.sender().shortId());
            }
        }
        if (distinct.size() + 1 < s.validators.quorum()) {
            return Rejected.of(Rejection.PREPARED_NO_QUORUM, distinct.size() + 1 + " of " + s.validators.quorum());
        }
        equivocationsIn(pc, h);
        if (!withBlock) {
            return null;
        }
        Rejected block = blocks.validate(pp.block(), pp.view(), pp.sender(), h);
        return block == null ? null : block.within("prepared block");
    }

    /**
     * A valid certificate carries signed votes of the slot it names: where this replica holds a vote of the same kind
     * from the same signer for another block (the primary's pre-prepare, a backup's prepare), the signer signed twice
     * for one slot. Proof of equivocation against the signer, whoever brought the certificate.
     */
    private void equivocationsIn(PreparedCertificate pc, Hash h) {
        Slot mine = s.slots.get(pc.view());
        if (mine == null) {
            return;
        }
        PrePrepare pp = pc.prePrepare();
        if (mine.prePrepare != null && mine.prePrepare.sender().equals(pp.sender()) && !mine.prePrepare.block().hash(s.suite).equals(h)) {
            s.proven(pp.sender(), Rejected.of(Rejection.EQUIVOCATION, "primary " + pp.sender().shortId() + " proposed "
                    + mine.prePrepare.block().hash(s.suite).shortHex() + " here and " + h.shortHex() + " elsewhere at height "
                    + pp.height() + " view " + pp.view()));
        }
        for (Prepare p : pc.prepares()) {
            Prepare seen = mine.prepares.get(p.sender());
            if (seen != null && !seen.blockHash().equals(h)) {
                s.proven(p.sender(), Rejected.of(Rejection.EQUIVOCATION, p.sender().shortId() + " prepared " + seen.blockHash().shortHex()
                        + " here and " + h.shortHex() + " elsewhere at height " + pp.height() + " view " + pp.view()));
            }
        }
    }
}
