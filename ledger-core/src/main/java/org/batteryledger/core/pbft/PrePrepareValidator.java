package org.batteryledger.core.pbft;

import org.batteryledger.core.pbft.PbftMessage.PrePrepare;

/**
 * Castro & Liskov §4.2: a backup accepts a pre-prepare for (height, view) if it is in that view, signed by the view's
 * primary, the first for the slot, and proposes a valid block. The height was checked on arrival.
 */
final class PrePrepareValidator {
    private final ReplicaState s;
    private final MessageSignatures signatures;
    private final BlockValidator blocks;

    PrePrepareValidator(ReplicaState s, MessageSignatures signatures, BlockValidator blocks) {
        this.s = s;
        this.signatures = signatures;
        this.blocks = blocks;
    }

    Rejected validate(PrePrepare pp) {
        if (pp.view() != s.view) {
            // A pre-prepare for a later view is only valid inside its NEW-VIEW (§4.4).
            return Rejected.of(Rejection.OTHER_VIEW, "view " + pp.view() + " while in view " + s.view);
        }
        Slot slot = s.slot(pp.view());
        if (slot.prePrepare != null) {
            return signatures.duplicateOrEquivocation(slot.prePrepare.block().hash(s.suite).equals(pp.block().hash(s.suite)), pp);
        }
        if (!pp.sender().equals(s.validators.primary(s.height, pp.view()))) {
            return Rejected.of(Rejection.NOT_FROM_PRIMARY, "pre-prepare from " + pp.sender().shortId());
        }
        Rejected bad = signatures.check(pp);
        if (bad != null) {
            return bad;
        }
        Rejected block = blocks.validate(pp.block(), pp.view(), pp.sender(), null);
        return block == null ? null : block.within("proposal");
    }
}
