package org.batteryledger.node.service;

import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.node.net.LinkStats;

/**
 * A registered node with how it takes part in consensus: {@code participation} is its share of the last 1,000 commit
 * certificates (fewer on a young chain), {@code recentParticipation} the same over the last 100; {@code link} is this
 * node's link to it (null for this node itself, or when no address is known); {@code status} and {@code reason} come
 * from {@link NodeDiagnosis}.
 */
public record NodeView(NodeRecord node, boolean self, double participation, double recentParticipation, LinkStats link,
                       Long lagBlocks, Status status, String reason) {

    public enum Status {
        AGILE, SLUGGISH, DOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
