package org.batteryledger.node.service;

/**
 * Whether this node can do its work: its replica loop runs (it halts loudly on a broken invariant, and pauses while
 * its store refuses what it decided), a validator has enough peers linked to reach a quorum, there is disk left above
 * the floor to persist what it acknowledges, and the ledger database answers. {@code haltReason} says why the replica
 * stopped for good, {@code pauseReason} why it waits for the store, {@code database} why the database takes no writes;
 * {@code joining} that it is still fetching a checkpoint's state; each null when there is nothing to say. A clustered
 * member's server also names itself ({@code server}) and says whether it is the standby ({@code standby}: why it does
 * not run the replica); both null for a member of one server.
 */
public record NodeHealth(boolean replicaRunning, boolean validator, long linkedPeers, int quorum, long freeBytes, long minimumFreeBytes,
                         String haltReason, String pauseReason, String database, String joining, String server, String standby) {
    public boolean peersOk() {
        return !validator || linkedPeers + 1 >= quorum; // itself plus quorum-1 peers
    }

    public boolean diskOk() {
        return freeBytes >= minimumFreeBytes;
    }

    public boolean databaseOk() {
        return database == null;
    }

    /** A clustered member's server waiting to take over (not one that halted). */
    public boolean waitingStandby() {
        return standby != null && haltReason == null;
    }

    /**
     * A clustered member's server's part in its member: {@code halted} (a broken invariant, or it could not take over),
     * {@code standby}, {@code paused} (it holds the lease but its store refused a persist: it resumes, or stands down once
     * the other server takes the lease over), or {@code active}; null for a member of one server.
     */
    public String role() {
        if (server == null) {
            return null;
        }
        return haltReason != null ? "halted" : waitingStandby() ? "standby" : pauseReason != null ? "paused" : "active";
    }

    /** A standby is up when it is ready to take over: its store and disk are. */
    public boolean up() {
        if (waitingStandby()) {
            return diskOk() && databaseOk();
        }
        return replicaRunning && joining == null && peersOk() && diskOk() && databaseOk();
    }
}
