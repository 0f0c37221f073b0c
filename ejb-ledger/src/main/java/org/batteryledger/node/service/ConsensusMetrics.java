package org.batteryledger.node.service;

import java.util.List;

/** Counters and gauges of the replica, copied in one step of its loop. */
public record ConsensusMetrics(long height, long view, int validators, int poolSize, long blocksCommitted, long txsCommitted,
                               long proposalsSigned, long commitsSigned,
                               long viewChangesStarted, long equivocationsSeen, long messagesInvalid, long messagesUndelivered,
                               List<NodeView> nodes) {
}
