package org.batteryledger.node.service;

import java.util.List;

/**
 * Counters and gauges of the replica, copied in one step of its loop. {@code stateEntries}: the committed state's entries
 * in the replica's memory; {@code replayTransactions}: how many of the transactions those entries remember against replay
 * (two packed entries and about 105-155 bytes of heap each, until their expiry height; BENCHMARKS.md, "The replay index
 * packed"); {@code signaturesVerified}: the ECDSA signatures the replica checked since it started (transactions, votes,
 * view changes, checkpoints, the seals of synced blocks), {@code signaturesVouched}: transaction signatures of synced blocks
 * taken on their commit certificate's word instead. {@code signaturesVerified / blocksCommitted} is what a block costs in checks.
 */
public record ConsensusMetrics(long height, long view, int validators, int poolSize, long blocksCommitted, long txsCommitted,
                               long proposalsSigned, long commitsSigned,
                               long viewChangesStarted, long equivocationsSeen, long messagesInvalid, long messagesUndelivered,
                               long stateEntries, long replayTransactions, long signaturesVerified, long signaturesVouched,
                               List<NodeView> nodes) {
}
