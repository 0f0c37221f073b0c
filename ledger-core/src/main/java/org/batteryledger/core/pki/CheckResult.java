package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.NodeId;

/**
 * The verdict on a certificate chain: {@code ok} with the node id derived from the leaf's key, or the first reason
 * it was rejected (with the node id when it was already known, e.g. for a revoked or non-admitted node).
 */
public record CheckResult(boolean ok, String reason, NodeId nodeId) {
    public static final String OK = "ok";

    public static CheckResult accepted(NodeId nodeId) {
        return new CheckResult(true, OK, nodeId);
    }

    public static CheckResult rejected(String reason) {
        return new CheckResult(false, reason, null);
    }

    public static CheckResult rejected(String reason, NodeId nodeId) {
        return new CheckResult(false, reason, nodeId);
    }
}
