package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.TxBatch;

/**
 * Transactions into the pool, from this node's clients or forwarded by peers: cheap checks first (pending, envelope,
 * pool and sender share), the signature last. Honest nodes forward only transactions they verified, so a forwarded
 * one whose signature fails proves the forwarder faulty: the rest of its batch is dropped unverified.
 */
final class TxAdmission {
    private final ReplicaState s;
    private final TxSignatures signatures;

    TxAdmission(ReplicaState s, TxSignatures signatures) {
        this.s = s;
        this.signatures = signatures;
    }

    SubmitResult admit(Transaction tx, boolean fromClient) {
        return check(tx, fromClient).result();
    }

    /** The answer, and the typed reason when the signature or the sender's share refused it. */
    private record Verdict(SubmitResult result, Rejection cause) {
        Verdict(SubmitResult result) {
            this(result, null);
        }
    }

    private Verdict check(Transaction tx, boolean fromClient) {
        Hash h = tx.hash(s.suite);
        if (s.pool.contains(h)) {
            return new Verdict(new SubmitResult(SubmitResult.Outcome.DUPLICATE, h, "already pending"));
        }
        String envelope = s.executor.checkEnvelope(s.state, s.height, tx);
        if (envelope != null) {
            SubmitResult.Outcome o = envelope.startsWith(BlockExecutor.DUPLICATE_PREFIX) ? SubmitResult.Outcome.DUPLICATE : SubmitResult.Outcome.REJECTED;
            return new Verdict(new SubmitResult(o, h, envelope));
        }
        if (s.pool.isFull()) {
            return new Verdict(new SubmitResult(SubmitResult.Outcome.POOL_FULL, h, "transaction pool is full (" + s.config.maxPoolTxs() + ")"));
        }
        if (s.pool.isFull(tx.sender())) {
            return new Verdict(new SubmitResult(SubmitResult.Outcome.POOL_FULL, h, "sender " + tx.sender().shortId()
                    + " has its share of the pool pending (" + s.pool.senderShare() + " transactions)"), Rejection.SENDER_QUOTA);
        }
        Rejected why = signatures.verify(tx);
        if (why != null) {
            return new Verdict(new SubmitResult(SubmitResult.Outcome.REJECTED, h, why.reason().description()), why.reason());
        }
        if (fromClient) {
            // Immediate feedback: refuse what the contract would refuse now (it may still fail later, with a receipt).
            String refused = s.executor.checkContract(s.state, s.height, tx);
            if (refused != null) {
                return new Verdict(new SubmitResult(SubmitResult.Outcome.REJECTED, h, refused));
            }
        }
        s.pool.add(h, tx, s.tick);
        return new Verdict(new SubmitResult(SubmitResult.Outcome.ACCEPTED, h, null));
    }

    void onTxBatch(NodeId from, TxBatch b) {
        for (Transaction tx : b.transactions()) {
            Verdict v = check(tx, false);
            SubmitResult r = v.result();
            if (v.cause() == Rejection.BLOCK_TX_SIGNATURE) {
                s.reject(from, Rejected.of(Rejection.FORWARDED_TX_SIGNATURE, "transaction " + r.txHash().shortHex()));
                return;
            }
            if (v.cause() == Rejection.SENDER_QUOTA) {
                s.reject(from, Rejected.of(Rejection.SENDER_QUOTA, r.reason()));
            } else if (r.outcome() == SubmitResult.Outcome.REJECTED) {
                s.reject(from, Rejected.of(Rejection.FORWARDED_TX_REJECTED, r.reason()));
            }
        }
    }
}
