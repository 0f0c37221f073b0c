package org.batteryledger.node.service;

import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.node.net.LinkStats;

/**
 * A registered node with how it takes part in consensus: {@code participation} is its share of the last 1,000 commit
 * certificates (fewer on a young chain), {@code recentParticipation} the same over the last 100; {@code link} is this
 * node's link to it (null for this node itself, or when no address is known); {@code status} and {@code reason} come
 * from {@link NodeDiagnosis}; {@code misbehaviour} is what this node saw it send that an honest node never sends (null
 * when nothing).
 */
public record NodeView(NodeRecord node, boolean self, double participation, double recentParticipation, LinkStats link,
                       Long lagBlocks, Status status, String reason, Misbehaviour misbehaviour) {

    /**
     * Evidence against a node: its provable faults by kind (a bad signature, an equivocation, an invalid proposal...),
     * when the first and the last were seen (approximate: the replica counts in ticks), the last one's detail, and
     * what its link cost: frames dropped because it overran its share of the replica's queue, and times this node
     * paused reading it because it sent above its rate. {@code recent} when the last fault is under 10 minutes old.
     */
    public record Misbehaviour(java.util.Map<String, Long> faults, long total, java.time.Instant firstSeen, java.time.Instant lastSeen,
                               String lastDetail, long framesOverShare, long throttled, boolean recent) {
    }

    public enum Status {
        AGILE, SLUGGISH, DOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
