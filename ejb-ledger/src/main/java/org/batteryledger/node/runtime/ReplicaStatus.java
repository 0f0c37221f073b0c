package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.ReplicaView;

/** The replica's figures after a persist, immutable: health and status read them without waiting for the loop. */
public record ReplicaStatus(long committedHeight, int view, NodeId primary, boolean validator, int validators, int quorum, int poolSize,
                            int futureBuffered) {
    static ReplicaStatus of(ReplicaView r) {
        return new ReplicaStatus(r.committedHeight(), r.view(), r.primary(), r.isValidator(), r.validators().size(), r.validators().quorum(),
                r.poolSize(), r.futureBuffered());
    }
}
