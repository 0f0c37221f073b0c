package org.batteryledger.core.pbft;

import org.batteryledger.core.pbft.PbftMessage.Commit;

/**
 * §4.2: a commit counts if signed by a validator, one per sender and view. Commits of earlier views still count: a
 * quorum of them proves the block final whatever view this replica is in.
 */
final class CommitValidator {
    private final ReplicaState s;
    private final MessageSignatures signatures;

    CommitValidator(ReplicaState s, MessageSignatures signatures) {
        this.s = s;
        this.signatures = signatures;
    }

    Rejected validate(Commit c) {
        if (!s.viewInRange(c.view(), true)) {
            return s.viewOutOfRange(c.view(), "commit");
        }
        Commit existing = s.slot(c.view()).commits.get(c.sender());
        if (existing != null) {
            return signatures.duplicateOrEquivocation(existing.blockHash().equals(c.blockHash()), c);
        }
        return signatures.check(c);
    }
}
