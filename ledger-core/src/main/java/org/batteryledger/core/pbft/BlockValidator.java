package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

/**
 * Checks a block against the committed state: header, limits, every transaction's signature, and re-execution to
 * the state root it claims. A valid block's execution is kept for its commit. Used for proposals, re-proposals after
 * a view change, restored proposals and synced blocks.
 * <p>
 * A synced block comes with a commit certificate of a quorum of the validators at its height, so at least f+1 honest
 * ones checked its signatures before they signed. When its header commits to the signatures ({@code sigRoot}, version
 * 2) and the root holds, the certificate vouches for them and the signatures are not verified again: a quarter of a
 * catch-up's CPU was that verification (BENCHMARKS.md, "Catch-up"). A version 1 header leaves the signatures out of
 * what the certificate signs, so its signatures are verified as a proposal's are.
 */
final class BlockValidator {
    private final ReplicaState s;
    private final TxSignatures signatures;

    BlockValidator(ReplicaState s, TxSignatures signatures) {
        this.s = s;
        this.signatures = signatures;
    }

    /**
     * With {@code expectedHash} (a re-proposal after a view change, or a synced block) the block must have that hash
     * and may carry an earlier proposer and view. Null when valid.
     */
    Rejected validate(Block block, int inView, NodeId proposer, Hash expectedHash) {
        return validate(block, inView, proposer, expectedHash, false);
    }

    /** A synced block whose commit certificate for {@code certifiedHash} holds: see the class comment. Null when valid. */
    Rejected validateCertified(Block block, Hash certifiedHash) {
        return validate(block, block.header().view(), block.header().proposer(), certifiedHash, true);
    }

    private Rejected validate(Block block, int inView, NodeId proposer, Hash expectedHash, boolean certified) {
        Hash h = block.hash(s.suite);
        if (expectedHash != null && !h.equals(expectedHash)) {
            return Rejected.of(Rejection.NOT_HIGHEST_PREPARED, "block " + h.shortHex() + " instead of " + expectedHash.shortHex());
        }
        if (s.knownBlocks.containsKey(h)) {
            return null;
        }
        BlockHeader hd = block.header();
        if (hd.height() != s.height) {
            return Rejected.of(Rejection.BLOCK_HEIGHT, "height " + hd.height() + ", expected " + s.height);
        }
        if (!hd.parentHash().equals(s.headHash)) {
            return Rejected.of(Rejection.BLOCK_PARENT);
        }
        if (expectedHash == null && (!hd.proposer().equals(proposer) || hd.view() != inView)) {
            return Rejected.of(Rejection.BLOCK_PROPOSER);
        }
        if (!s.validators.contains(hd.proposer())) {
            return Rejected.of(Rejection.BLOCK_PROPOSER_NOT_VALIDATOR);
        }
        if (block.transactions().isEmpty()) {
            return Rejected.of(Rejection.BLOCK_EMPTY);
        }
        if (block.transactions().size() > Params.get(s.state, Params.MAX_BLOCK_TXS)) {
            return Rejected.of(Rejection.BLOCK_TOO_MANY_TXS, block.transactions().size() + " transactions");
        }
        if (block.encodedSize() > Params.get(s.state, Params.MAX_BLOCK_BYTES)) {
            return Rejected.of(Rejection.BLOCK_TOO_LARGE, block.encodedSize() + " bytes");
        }
        if (hd.timestamp() < s.head.timestamp()) {
            return Rejected.of(Rejection.BLOCK_TIMESTAMP);
        }
        if (!Block.txRoot(s.suite, block.transactions()).equals(hd.txRoot())) {
            return Rejected.of(Rejection.BLOCK_TX_ROOT);
        }
        if (hd.sigRoot() != null && !Block.sigRoot(s.suite, block.transactions()).equals(hd.sigRoot())) {
            return Rejected.of(Rejection.BLOCK_SIG_ROOT);
        }
        boolean vouched = certified && hd.sigRoot() != null;
        for (Transaction tx : block.transactions()) {
            Rejected bad = vouched ? signatures.sender(tx) : signatures.verify(tx);
            if (bad != null) {
                return bad;
            }
        }
        BlockExecutor.Execution ex = s.executor.execute(s.state, s.head.stateRoot(), s.height, block.transactions(), false);
        String rejected = BlockExecutor.firstRejection(ex);
        if (rejected != null) {
            return Rejected.of(Rejection.BLOCK_TX_INVALID, rejected);
        }
        if (!ex.stateRoot().equals(hd.stateRoot())) {
            return Rejected.of(Rejection.BLOCK_STATE_ROOT);
        }
        s.executions.put(h, ex);
        s.knownBlocks.put(h, block);
        return null;
    }
}
