package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.state.StateView;

import java.util.Map;

/**
 * What readers may see of a replica: queries only, no inputs. The node hands this to reads that run on the replica's
 * thread, so they see one consistent state and cannot step, tick or submit.
 */
public interface ReplicaView {
    NodeId self();

    Hash chainId();

    /** The height being decided (one above the last committed block). */
    long height();

    long committedHeight();

    int view();

    BlockHeader head();

    Hash headHash();

    ValidatorSet validators();

    NodeId primary();

    boolean isValidator();

    /** The committed state, read-only. */
    StateView state();

    /** How many entries the committed state holds in memory, for metrics. */
    int stateEntries();

    int poolSize();

    /** Messages held for later heights (each signer within its share). */
    int futureBuffered();

    /** Ticks since the replica started: the unit of {@link ReplicaMetrics.PeerEvidence}'s first and last tick. */
    long ticks();

    /** The committed height each peer last announced; absent if none yet. */
    Map<NodeId, Long> announcedHeights();

    ReplicaMetrics metrics();

    CryptoSuite suite();
}
