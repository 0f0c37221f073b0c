package org.batteryledger.core.pbft;

import java.util.Map;
import java.util.TreeMap;

/** Counters a replica keeps about itself; read by the node's metrics endpoint and by the simulator. */
public final class ReplicaMetrics {
    private final TreeMap<String, Long> dropped = new TreeMap<>();
    long viewChangesStarted;
    long equivocationsSeen;
    long blocksCommitted;
    long txsCommitted;
    long blocksSynced;
    long syncRequestsSent;
    long signaturesVerified;

    void drop(String reason) {
        dropped.merge(reason, 1L, Long::sum);
    }

    /** Invalid or useless input, by reason: counted, logged by the caller, dropped. */
    public Map<String, Long> dropped() {
        return Map.copyOf(dropped);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }

    public long viewChangesStarted() {
        return viewChangesStarted;
    }

    public long equivocationsSeen() {
        return equivocationsSeen;
    }

    public long blocksCommitted() {
        return blocksCommitted;
    }

    public long txsCommitted() {
        return txsCommitted;
    }

    public long blocksSynced() {
        return blocksSynced;
    }

    public long syncRequestsSent() {
        return syncRequestsSent;
    }

    public long signaturesVerified() {
        return signaturesVerified;
    }
}
