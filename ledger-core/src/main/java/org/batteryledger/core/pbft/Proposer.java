package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.Hash;

import java.util.List;

/** The primary's block: the oldest pooled transactions that are still includable, within the block limits. */
final class Proposer {
    /** Room kept in a block for its header and framing. */
    static final int HEADER_MARGIN_BYTES = 1024;

    private final ReplicaState s;

    Proposer(ReplicaState s) {
        this.s = s;
    }

    /** A block for {@code inView}, executed and kept for its commit; null when nothing can be included. */
    Block buildBlock(int inView) {
        int maxTxs = (int) Math.min(Integer.MAX_VALUE, Params.get(s.state, Params.MAX_BLOCK_TXS));
        long maxBytes = Params.get(s.state, Params.MAX_BLOCK_BYTES) - HEADER_MARGIN_BYTES;
        List<Transaction> candidates = s.pool.candidates(maxTxs, maxBytes);
        if (candidates.isEmpty()) {
            return null;
        }
        BlockExecutor.Execution ex = s.executor.execute(s.state, s.head.stateRoot(), s.height, candidates, true);
        for (BlockExecutor.Rejected r : ex.rejected()) {
            s.pool.remove(r.tx().hash(s.suite));
            s.reject(null, Rejected.of(Rejection.NO_LONGER_INCLUDABLE, r.reason()));
        }
        if (ex.included().isEmpty()) {
            return null;
        }
        long timestamp = Math.max(s.config.wallClockMillis().getAsLong(), s.head.timestamp());
        BlockHeader header = new BlockHeader(s.height, s.headHash, Block.txRoot(s.suite, ex.included()), ex.stateRoot(), s.self, inView, timestamp,
                Block.sigRoot(s.suite, ex.included()));
        Block block = new Block(header, ex.included());
        Hash h = block.hash(s.suite);
        s.executions.put(h, ex);
        s.knownBlocks.put(h, block);
        return block;
    }
}
