package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.crypto.Hash;

/**
 * Makes a block final: applies the execution kept when it was validated, hands it out with its certificate, and moves
 * the replica to the next height. Only a validated block can be committed.
 */
final class Committer {
    private final ReplicaState s;
    private final TxSignatures signatures;
    private final Checkpoints checkpoints;

    Committer(ReplicaState s, TxSignatures signatures, Checkpoints checkpoints) {
        this.s = s;
        this.signatures = signatures;
        this.checkpoints = checkpoints;
    }

    void commit(Block offered, CommitCertificate certificate) {
        Hash h = offered.hash(s.suite);
        // The block this replica validated, not the copy at hand: the hash covers the header only, and a block already
        // known passes validation by its hash, so a peer could send its header with other transactions.
        Block block = s.knownBlocks.get(h);
        BlockExecutor.Execution ex = s.executions.get(h);
        if (ex == null || block == null) {
            throw new IllegalStateException("CONSENSUS FAILURE: committing block " + h + " that was never validated");
        }
        s.state.apply(ex.writeSet());
        s.outCommitted.add(new Ready.Committed(new CommittedBlock(block, certificate), ex.writeSet(), ex.receipts()));
        s.metrics.blocksCommitted++;
        s.metrics.txsCommitted += block.transactions().size();
        boolean registryTouched = false;
        for (Transaction tx : block.transactions()) {
            Hash th = tx.hash(s.suite);
            s.pool.remove(th);
            signatures.forget(th);
            // Only governance and node revocations change who may send; anchors, valuations, signers and withdrawals
            // (which run no action) do not.
            registryTouched |= !Payloads.AnchorBatch.anchors(tx.type()) && tx.type() != TxType.REGISTER_VALUATION
                    && tx.type() != TxType.REGISTER_VALUATIONS && tx.type() != TxType.GOVERNANCE_WITHDRAW
                    && tx.type() != TxType.REGISTER_SIGNER && tx.type() != TxType.REVOKE_SIGNER;
        }
        s.head = block.header();
        s.headHash = h;
        s.startHeight(s.head.height() + 1);
        if (registryTouched) {
            purgeInadmissiblePoolTxs();
        }
        checkpoints.committed();
    }

    private void purgeInadmissiblePoolTxs() {
        for (Transaction tx : s.pool.candidates(Integer.MAX_VALUE, Long.MAX_VALUE)) {
            if (s.executor.checkEnvelope(s.state, s.height, tx) != null) {
                s.pool.remove(tx.hash(s.suite));
            }
        }
    }
}
