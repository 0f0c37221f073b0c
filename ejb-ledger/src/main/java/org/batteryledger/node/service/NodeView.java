package org.batteryledger.node.service;

import org.batteryledger.core.contract.NodeRecord;

/**
 * A registered node with how it takes part in consensus: {@code participation} is its share of the last 1,000
 * commit certificates; {@code status} is agile, sluggish (in fewer than {@link #SLUGGISH_BELOW} of them) or down (in
 * none).
 */
public record NodeView(NodeRecord node, double participation, Status status) {
    /** Below this share of recent certificates a consensus node is flagged sluggish. */
    public static final double SLUGGISH_BELOW = 0.2;

    public enum Status {
        AGILE, SLUGGISH, DOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static Status status(NodeRecord n, double participation, long committedHeight) {
        if (n.role() == org.batteryledger.core.contract.Role.OBSERVER || committedHeight == 0) {
            return Status.AGILE; // observers sign nothing; before the first block nobody has
        }
        return participation >= SLUGGISH_BELOW ? Status.AGILE : participation > 0 ? Status.SLUGGISH : Status.DOWN;
    }
}
