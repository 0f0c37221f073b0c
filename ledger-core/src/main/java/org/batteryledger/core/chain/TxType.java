package org.batteryledger.core.chain;

import org.batteryledger.core.codec.DecodeException;

/**
 * Built-in transaction types (system contracts). Wire codes are stable: a retired code stays reserved and is
 * never reused.
 */
public enum TxType {
    /** Proposes a governance action (registry change, revocation, parameter); the proposer's agency approves it. */
    GOVERNANCE_PROPOSE(1),
    /** An agency approves an open proposal; the action runs when approvals reach the quorum. */
    GOVERNANCE_APPROVE(2),
    /** An agency revokes one of its own nodes at once (cross-agency revocation goes through governance). */
    REVOKE_OWN_NODE(3),
    /** Anchors the Merkle root of a batch of off-chain records. */
    ANCHOR_BATCH(4),
    /** Registers the hash of a signed valuation certificate; a newer one for the same battery supersedes. */
    REGISTER_VALUATION(5),
    /**
     * Anchors the Merkle root of a batch of off-chain records and registers the batteries whose master records it
     * holds (code, master record hash, manufacture time): the anchoring flow of nodes since the battery registry.
     */
    ANCHOR_RECORDS(6),
    /** Registers a document signer (the key valuation certificates are signed with) for a node of the sender's agency. */
    REGISTER_SIGNER(7),
    /** An agency revokes one of its own document signers at once, with an RFC 5280 reason. */
    REVOKE_SIGNER(8),
    /**
     * Registers several valuation certificates in one transaction, each as {@link #REGISTER_VALUATION} does, all or none:
     * a busy valuer's registrations share one transaction and one block slot.
     */
    REGISTER_VALUATIONS(9),
    /**
     * An agency withdraws one of its own open proposals: the proposal leaves the state (the chain keeps its history),
     * and the agency has room for another under {@code maxOpenProposalsPerAgency}.
     */
    GOVERNANCE_WITHDRAW(10);

    private final int code;

    TxType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static TxType fromCode(int code) {
        for (TxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new DecodeException("unknown transaction type " + code);
    }
}
