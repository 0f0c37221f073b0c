package org.batteryledger.node.service;

/**
 * Whether this node can do its work: its replica loop runs (it halts loudly on a broken invariant), a validator has
 * enough peers linked to reach a quorum, and there is disk left to persist what it acknowledges. {@code haltReason} says
 * why the replica stopped (a failed persist, a broken invariant), null while it runs.
 */
public record NodeHealth(boolean replicaRunning, boolean validator, long linkedPeers, int quorum, long freeBytes, long minimumFreeBytes,
                         String haltReason) {
    public boolean peersOk() {
        return !validator || linkedPeers + 1 >= quorum; // itself plus quorum-1 peers
    }

    public boolean diskOk() {
        return freeBytes >= minimumFreeBytes;
    }

    public boolean up() {
        return replicaRunning && peersOk() && diskOk();
    }
}
