package org.batteryledger.core.pbft;

import org.batteryledger.core.pbft.PbftMessage.Prepare;

/** §4.2: a prepare counts if it is for this view or a later one in range, from a backup, signed, one per sender. */
final class PrepareValidator {
    private final ReplicaState s;
    private final MessageSignatures signatures;

    PrepareValidator(ReplicaState s, MessageSignatures signatures) {
        this.s = s;
        this.signatures = signatures;
    }

    Rejected validate(Prepare p) {
        if (!s.viewInRange(p.view(), false)) {
            return s.viewOutOfRange(p.view(), "prepare");
        }
        if (p.sender().equals(s.validators.primary(s.height, p.view()))) {
            return Rejected.of(Rejection.PREPARE_FROM_PRIMARY);
        }
        Prepare existing = s.slot(p.view()).prepares.get(p.sender());
        if (existing != null) {
            return signatures.duplicateOrEquivocation(existing.blockHash().equals(p.blockHash()), p);
        }
        return signatures.check(p);
    }
}
