package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.pbft.PbftMessage.TxBatch;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.batteryledger.core.pbft.Fixture.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client requests (Castro & Liskov, OSDI 1999, §4.1: a client's request is signed, and replicas discard a request
 * whose signature is invalid or that was already executed, by its timestamp; §4.2: a backup that receives a request
 * forwards it to the primary). Here: signed transactions with an expiry height instead of a timestamp, deduplicated
 * by hash, forwarded to every validator so whoever is primary can propose them. Validators 0..3, observer 4.
 */
class TransactionAdmissionTest {

    private static SubmitResult.Outcome outcome(Fixture.Probe p, Transaction tx) {
        return p.submit(tx).outcome();
    }

    // §4.1/§4.2: accepted once, acknowledged through Ready.accepted (persist before acking), forwarded to the
    // validators; the same request again is a duplicate and is neither acknowledged nor forwarded twice.
    @Test
    void aTransactionIsAcceptedOnceAcknowledgedAndForwardedToTheValidators() {
        Fixture fx = new Fixture(4, 1, Map.of());
        Fixture.Probe p = fx.probe(0);
        Transaction tx = fx.tx(3, 0);

        SubmitResult r = p.submit(tx);
        assertEquals(SubmitResult.Outcome.ACCEPTED, r.outcome());
        assertEquals(tx.hash(fx.suite), r.txHash());
        Ready ready = p.last;
        assertEquals(List.of(tx.hash(fx.suite)), ready.accepted().stream().map(t -> t.hash(fx.suite)).toList());
        List<TxBatch> batches = sent(ready, TxBatch.class);
        assertEquals(1, batches.size());
        assertEquals(List.of(tx.hash(fx.suite)), batches.get(0).transactions().stream().map(t -> t.hash(fx.suite)).toList());
        Ready.Outbound out = ready.messages().stream().filter(o -> o.message() instanceof TxBatch).findFirst().orElseThrow();
        assertEquals(Set.of(fx.id(1), fx.id(2), fx.id(3)), new HashSet<>(out.to()), "forwarded to the validators only");
        assertEquals(1, p.replica.poolSize());

        SubmitResult again = p.submit(tx);
        assertEquals(SubmitResult.Outcome.DUPLICATE, again.outcome());
        assertEquals("already pending", again.reason());
        assertTrue(p.last.accepted().isEmpty());
        assertTrue(sent(p.last, TxBatch.class).isEmpty());
        assertEquals(1, p.replica.poolSize());
    }

    // §4.1: a request whose signature does not verify, or from a sender that is not a client (here: not a registered
    // node), is discarded; so is one outside its validity window.
    @Test
    void invalidTransactionsAreRejectedWithAReason() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        long lifetime = Params.get(fx.genesisState(), Params.TX_LIFETIME_BLOCKS);
        Transaction good = fx.tx(3, 0);

        SubmitResult badSig = p.submit(good.withSignature(Fixture.flipped(good.signature(), 4)));
        assertEquals(SubmitResult.Outcome.REJECTED, badSig.outcome());
        assertTrue(badSig.reason().contains("signature"), badSig.reason());

        SubmitResult stranger = p.submit(fx.tx(fx.outsider(), 0));
        assertEquals(SubmitResult.Outcome.REJECTED, stranger.outcome());
        assertTrue(stranger.reason().contains("not a registered node"), stranger.reason());

        SubmitResult expired = p.submit(fx.tx(3, 1, 0));
        assertEquals(SubmitResult.Outcome.REJECTED, expired.outcome());
        assertTrue(expired.reason().contains("expired"), expired.reason());

        SubmitResult tooFar = p.submit(fx.tx(3, 2, 1 + lifetime + 1));
        assertEquals(SubmitResult.Outcome.REJECTED, tooFar.outcome());
        assertTrue(tooFar.reason().contains("blocks ahead"), tooFar.reason());

        Transaction garbage = Transaction.sign(fx.suite, fx.signers.get(3), TxType.ANCHOR_BATCH, 3, 50, new byte[]{1, 2, 3});
        SubmitResult refused = p.submit(garbage);
        assertEquals(SubmitResult.Outcome.REJECTED, refused.outcome(), "the contract refuses a malformed payload at submission");
        assertTrue(refused.reason() != null && refused.reason().startsWith("truncated: "), refused.reason());

        assertEquals(0, p.replica.poolSize());
        assertTrue(p.accepted.isEmpty());
        assertTrue(p.allSent(TxBatch.class).isEmpty(), "forwarded a rejected transaction");

        // The window's edges are inclusive: expiry = height and expiry = height + lifetime are accepted.
        assertEquals(SubmitResult.Outcome.ACCEPTED, outcome(p, fx.tx(3, 3, 1)));
        assertEquals(SubmitResult.Outcome.ACCEPTED, outcome(p, fx.tx(3, 4, 1 + lifetime)));
    }

    // §4.1 (no re-execution): a transaction already on chain is a duplicate.
    @Test
    void aCommittedTransactionSubmittedAgainIsADuplicate() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Transaction tx = fx.tx(3, 0);
        assertEquals(SubmitResult.Outcome.ACCEPTED, outcome(p, tx));
        NormalCaseTest.commitThroughMessages(fx, p, fx.chain().block(1, 0, tx), 0);
        assertEquals(0, p.replica.poolSize(), "a committed transaction left the pool");

        SubmitResult again = p.submit(tx);
        assertEquals(SubmitResult.Outcome.DUPLICATE, again.outcome());
        assertTrue(again.reason().contains("already on chain"), again.reason());
    }

    // Signatures are the dominant cost: a transaction is verified once per replica, whether it arrives from a
    // client, in a TxBatch or inside a proposed block.
    @Test
    void aTransactionSignatureIsVerifiedOnlyOnce() {
        Fixture fx = new Fixture(4);
        Transaction tx = fx.tx(3, 0);
        Block b = fx.chain().block(1, 0, tx);

        Fixture.Probe cold = fx.probe(0);
        long c0 = cold.replica.metrics().signaturesVerified();
        cold.step(1, fx.prePrepare(1, 1, 0, b));
        long coldCost = cold.replica.metrics().signaturesVerified() - c0;
        assertEquals(2, coldCost, "a pre-prepare costs its own signature and its transaction's");

        Fixture.Probe warm = fx.probe(0);
        assertEquals(SubmitResult.Outcome.ACCEPTED, outcome(warm, tx));
        assertEquals(1, warm.replica.metrics().signaturesVerified());
        warm.step(2, new TxBatch(List.of(tx)));
        assertEquals(1, warm.replica.metrics().signaturesVerified(), "the forwarded copy was verified again");
        warm.step(1, fx.prePrepare(1, 1, 0, b));
        assertEquals(2, warm.replica.metrics().signaturesVerified(), "the transaction inside the block was verified again");
        assertEquals(1, warm.allSent(PbftMessage.Prepare.class).size());
    }

    // §4.2: requests forwarded by other replicas are pooled (so this replica can propose them when it is primary),
    // but are not this node's to acknowledge, and are not forwarded again.
    @Test
    void forwardedTransactionsArePooledButNeitherAcknowledgedNorForwardedAgain() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(1);   // the primary of height 1
        Transaction good = fx.tx(3, 0);
        Transaction bad = fx.tx(3, 1).withSignature(new byte[32]);

        Ready r = p.step(2, new TxBatch(List.of(good, bad)));

        assertTrue(r.accepted().isEmpty());
        assertTrue(sent(r, TxBatch.class).isEmpty());
        // The bad signature proves the forwarder faulty (honest nodes forward only what they verified): noted against it.
        assertEquals(Map.of(Rejection.FORWARDED_TX_SIGNATURE, 1L), p.replica.metrics().dropped());
        assertEquals(Map.of(Rejection.FORWARDED_TX_SIGNATURE, 1L), p.replica.metrics().evidence().get(fx.id(2)).counts());
        List<PbftMessage.PrePrepare> pps = sent(r, PbftMessage.PrePrepare.class);
        assertEquals(1, pps.size(), "the primary did not propose the forwarded transaction");
        assertEquals(List.of(good.hash(fx.suite)), pps.get(0).block().transactions().stream().map(t -> t.hash(fx.suite)).toList());
    }

    // Ready's contract: transactions acknowledged to clients survive a crash (handed back to recover), and are
    // pooled and forwarded again.
    @Test
    void acknowledgedTransactionsAreRepooledAndForwardedAfterARestart() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Transaction tx = fx.tx(3, 0);
        assertEquals(SubmitResult.Outcome.ACCEPTED, outcome(p, tx));

        Replica restarted = Replica.recover(fx.config(0), fx.genesis, fx.genesisBlock.header(), fx.genesisState(), p.voteLog, p.accepted);

        assertEquals(1, restarted.poolSize());
        List<TxBatch> batches = sent(restarted.ready(), TxBatch.class);
        assertEquals(1, batches.size());
        assertEquals(tx.hash(fx.suite), batches.get(0).transactions().get(0).hash(fx.suite));
    }
}
