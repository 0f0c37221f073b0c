package org.batteryledger.core.pbft;

/**
 * Why a replica dropped an input: a closed set, so metrics have bounded labels whatever a peer sends (the free
 * text goes into {@link Rejected#detail}, for logs only). {@link #provesFault} marks what an honest replica never
 * sends: such a rejection is evidence against the peer that sent it. The rest happen to honest nodes too: lag,
 * duplicates from retransmission, a vote for a view this replica has not reached.
 */
public enum Rejection {
    // Bytes and timing.
    MALFORMED(true, "message does not decode"),
    COMMITTED_HEIGHT(false, "message for a committed height"),
    TOO_FAR_AHEAD(false, "message too far ahead"),
    FUTURE_SHARE_FULL(false, "sender's share of the future-height buffer is full"),
    VIEW_OUT_OF_RANGE(false, "view out of range"),
    /** Reaching it would take longer than any chain stays at one height: at least 65,536 timeouts. */
    VIEW_FAR_AHEAD(true, "view tens of thousands of timeouts ahead"),
    /**
     * A signed vote for a height every other validator says is far from committed: the sender claims a chain that a
     * quorum, hence an honest validator, would have had to commit and announce.
     */
    HEIGHT_BEYOND_CONSORTIUM(true, "vote for a height no other validator is near"),
    OTHER_VIEW(false, "pre-prepare for another view (only valid inside its NEW-VIEW)"),
    DUPLICATE(false, "duplicate"),
    /** Not even looked at: the peer proved itself faulty many times just now, and is ignored for a while. */
    QUARANTINED(false, "from a peer in quarantine after many provable faults"),

    // Who sent it.
    NOT_A_VALIDATOR(false, "sender is not a validator"),
    NOT_FROM_PRIMARY(true, "not from the primary of its view"),
    PREPARE_FROM_PRIMARY(true, "prepare from the primary"),
    BAD_SIGNATURE(true, "bad signature"),
    EQUIVOCATION(true, "equivocation: a second, different vote for one slot"),
    CONFLICTS_WITH_OWN_VOTE(false, "proposal conflicts with this replica's own vote"),

    // View change and new view (Castro & Liskov §4.4).
    PREPARED_OTHER_SLOT(true, "prepared certificate for another slot"),
    PREPARED_BAD_PRE_PREPARE(true, "prepared certificate with an invalid pre-prepare"),
    PREPARED_BAD_PREPARE(true, "prepared certificate with an invalid prepare"),
    PREPARED_NO_QUORUM(true, "prepared certificate without a quorum"),
    PREPARED_BLOCK_MISSING(true, "view change names a prepared block it does not carry"),
    NEW_VIEW_BAD_VIEW_CHANGES(true, "new view with view changes for another view or repeated"),
    NEW_VIEW_NO_QUORUM(true, "new view without a quorum of view changes"),
    NEW_VIEW_BAD_PRE_PREPARE(true, "new view with a bad pre-prepare"),
    NOT_HIGHEST_PREPARED(true, "not the block prepared in the highest view"),

    // The block (proposal, re-proposal or synced block).
    BLOCK_HEIGHT(true, "block of another height"),
    BLOCK_PARENT(true, "parent is not the head"),
    BLOCK_PROPOSER(true, "header names another proposer or view"),
    BLOCK_PROPOSER_NOT_VALIDATOR(true, "proposer is not a validator"),
    BLOCK_EMPTY(true, "empty block"),
    BLOCK_TOO_MANY_TXS(true, "too many transactions"),
    BLOCK_TOO_LARGE(true, "block too large"),
    BLOCK_TIMESTAMP(true, "timestamp before the parent's"),
    BLOCK_TX_ROOT(true, "transaction root mismatch"),
    BLOCK_SIG_ROOT(true, "signature root mismatch"),
    BLOCK_TX_SENDER(true, "transaction from an unknown or revoked sender"),
    BLOCK_TX_SIGNATURE(true, "invalid transaction signature"),
    BLOCK_TX_INVALID(true, "invalid transaction"),
    BLOCK_STATE_ROOT(true, "state root mismatch"),

    // Block sync.
    SYNC_CERTIFICATE_MISMATCH(true, "synced block does not match its certificate"),
    SYNC_BAD_CERTIFICATE(true, "synced block with an invalid certificate"),

    // Checkpoints and snapshots (§4.3).
    CHECKPOINT_STALE(false, "checkpoint at or below one already stable or already sent"),
    UNSOLICITED(false, "snapshot data this replica did not ask for (the node's joiner takes it)"),

    // Transactions from peers.
    FORWARDED_TX_REJECTED(false, "forwarded transaction rejected"),
    FORWARDED_TX_SIGNATURE(true, "forwarded transaction with an invalid signature (the rest of its batch is dropped)"),
    SENDER_QUOTA(false, "the transaction sender's share of the pool is full"),
    NO_LONGER_INCLUDABLE(false, "pooled transaction no longer includable");

    private final boolean provesFault;
    private final String description;

    Rejection(boolean provesFault, String description) {
        this.provesFault = provesFault;
        this.description = description;
    }

    /** True when an honest replica never sends what was rejected: evidence against the sender. */
    public boolean provesFault() {
        return provesFault;
    }

    public String description() {
        return description;
    }
}
