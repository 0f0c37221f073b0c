package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.NodeId;

/**
 * Who may vote, and whether a vote is theirs: membership in the validator set of the height and the signature under
 * the key the registry holds. A message verified before it was buffered for a later height is not verified twice.
 */
final class MessageSignatures {
    private final ReplicaState s;
    /** The buffered message being handled now, whose signature was verified when it arrived (identity, not equality). */
    private PbftMessage.Signed verifiedEarlier;

    MessageSignatures(ReplicaState s) {
        this.s = s;
    }

    /** Null when the sender is a validator of this height and the signature is its own. */
    Rejected check(PbftMessage.Signed m) {
        if (!s.validators.contains(m.sender())) {
            return Rejected.of(Rejection.NOT_A_VALIDATOR, "sender " + m.sender().shortId() + " is not a validator");
        }
        if (!verify(m.sender(), m)) {
            return Rejected.of(Rejection.BAD_SIGNATURE, "signature of " + m.sender().shortId() + " does not verify");
        }
        return null;
    }

    boolean verify(NodeId sender, PbftMessage.Signed m) {
        if (m == verifiedEarlier) {
            return sender.equals(m.sender());
        }
        byte[] key = s.validators.publicKey(sender);
        s.metrics.signaturesVerified++;
        return key != null && s.suite.verify(key, m.signingBytes(s.suite, s.chainId), m.signature());
    }

    /** While a buffered message is handled (null after): its signature was verified when it arrived. */
    void handling(PbftMessage.Signed buffered) {
        verifiedEarlier = buffered;
    }

    /**
     * A second message from one sender for a slot: a duplicate if it names the same block, else equivocation if the
     * sender really signed both (§4.2: a replica accepts one vote per sender and slot), else a forgery.
     */
    Rejected duplicateOrEquivocation(boolean same, PbftMessage.Signed m) {
        if (same) {
            return Rejected.of(Rejection.DUPLICATE);
        }
        if (verify(m.sender(), m)) {
            s.metrics.equivocationsSeen++;
            return Rejected.of(Rejection.EQUIVOCATION, m.getClass().getSimpleName() + " from " + m.sender().shortId()
                    + " at height " + m.height() + " view " + m.view() + " contradicts its earlier one");
        }
        return Rejected.of(Rejection.BAD_SIGNATURE, "second " + m.getClass().getSimpleName() + " with a bad signature");
    }
}
