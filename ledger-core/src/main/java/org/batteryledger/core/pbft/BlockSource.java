package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.CommittedBlock;

/** Read access to the blocks this node has persisted, to answer block sync. Implemented by the adaptor. */
public interface BlockSource {
    /** @return the committed block at {@code height}, or null when this node does not have it */
    CommittedBlock block(long height);
}
