package org.batteryledger.node.service;

import org.batteryledger.core.contract.Role;
import org.batteryledger.node.net.LinkStats;

import java.util.Locale;

/**
 * Why a node is agile, sluggish or down, from what this node sees: the share of recent commit certificates that carry
 * the node's seal, and this node's link to it. Certificates keep the first quorum of commits, so a node whose votes
 * arrive late drops out of them while it is still linked: that is the reference deployment's silent low-bandwidth
 * node, and the reason names the evidence (slow link, late votes, no link) so an operator knows what to look at.
 */
public final class NodeDiagnosis {
    /** Below this share of the certificates in the recent or the whole window a consensus node is sluggish. */
    public static final double SLUGGISH_BELOW = 0.2;
    /** A link is slow when its round trip exceeds this, and {@link #SLOW_RTT_FACTOR} times the other links' median. */
    public static final double SLOW_RTT_FLOOR_MILLIS = 100;
    public static final double SLOW_RTT_FACTOR = 4;
    /**
     * Fewer certificates than this judge nobody sluggish: each keeps only the first quorum of commits, so on a young
     * chain a healthy node can be missing from all of them by the luck of ordering.
     */
    public static final int MIN_JUDGED = 20;
    /**
     * A node whose announced height is more than this many blocks behind this node's lags. Heights are announced once
     * a second, so a busy chain shows a few blocks of lag that mean nothing.
     */
    public static final long LAGGING_BLOCKS = 10;

    public record Diagnosis(NodeView.Status status, String reason) {
    }

    private NodeDiagnosis() {
    }

    /**
     * @param window          certificates in the whole window (at most 1,000); 0 before the first block
     * @param recentWindow    certificates in the recent window (at most 100)
     * @param link            this node's link to it; null for this node itself or when none is configured
     * @param medianRttMillis the median round trip of this node's other links (negative if unknown)
     * @param lagBlocks       this node's committed height minus the height the node last announced (null if unknown)
     */
    public static Diagnosis diagnose(Role role, boolean self, double participation, int window, double recent, int recentWindow,
                                     LinkStats link, double medianRttMillis, Long lagBlocks) {
        if (role == Role.OBSERVER) {
            return !self && lagBlocks != null && lagBlocks > LAGGING_BLOCKS
                    ? new Diagnosis(NodeView.Status.SLUGGISH, "observer lagging: " + lagBlocks + " blocks behind this node")
                    : new Diagnosis(NodeView.Status.AGILE, "observer: receives blocks, signs no certificates");
        }
        if (window == 0) {
            return new Diagnosis(NodeView.Status.AGILE, "no commit certificate to judge it by yet");
        }
        String share = percent(recent) + " of the last " + recentWindow + " commit certificates"
                + (window == recentWindow ? "" : ", " + percent(participation) + " of the last " + window);
        boolean linked = self || (link != null && link.connected());
        if (!linked && recent == 0) {
            return new Diagnosis(NodeView.Status.DOWN, link == null ? "down: no address for it, and in none of the last "
                    + recentWindow + " commit certificates" : "down: no link to it, and in none of the last " + recentWindow + " commit certificates");
        }
        if (!self && lagBlocks != null && lagBlocks > LAGGING_BLOCKS) {
            return new Diagnosis(NodeView.Status.SLUGGISH, "lagging: " + lagBlocks + " blocks behind this node" + (linked ? "" : ", no link to it now")
                    + "; in " + share);
        }
        if (recentWindow < MIN_JUDGED) {
            return new Diagnosis(NodeView.Status.AGILE, "only " + recentWindow + " blocks so far: too few to judge; in " + share);
        }
        boolean slowLink = !self && link != null && link.connected() && link.rttMillis() > SLOW_RTT_FLOOR_MILLIS
                && (medianRttMillis < 0 || link.rttMillis() > SLOW_RTT_FACTOR * medianRttMillis);
        if (recent >= SLUGGISH_BELOW && participation >= SLUGGISH_BELOW) {
            return new Diagnosis(NodeView.Status.AGILE, slowLink ? "agile, but its link is slow: round trip " + millis(link.rttMillis()) : "in " + share);
        }
        if (slowLink) {
            return new Diagnosis(NodeView.Status.SLUGGISH, "slow link: round trip " + millis(link.rttMillis())
                    + (medianRttMillis >= 0 ? " (the other links " + millis(medianRttMillis) + ")" : "") + "; in only " + share);
        }
        if (!linked) {
            return new Diagnosis(NodeView.Status.SLUGGISH, "no link to it now; in only " + share);
        }
        return new Diagnosis(NodeView.Status.SLUGGISH, "its votes arrive after the quorum: in only " + share);
    }

    /**
     * A share of the last {@code of} certificates as a share of the last {@code within} of them, for a node admitted
     * {@code within} blocks ago: all its seals fall in those, and it is judged on the certificates it could sign.
     */
    public static double shareOfLast(double share, int of, int within) {
        return within <= 0 ? 0 : Math.min(1, share * of / within);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String millis(double ms) {
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }
}
