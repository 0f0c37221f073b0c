package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.Status;
import org.batteryledger.core.pbft.PbftMessage.TxBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.batteryledger.core.pbft.Fixture.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one faulty member can make an honest replica hold or compute (issue 14): each input below is what the
 * `./consortium byzantine` drills send a real node. The replica under test is validator 0 of n = 4; the faulty one is 3.
 */
class ByzantineInputTest {
    private static Hash junk(Fixture fx, String s) {
        return fx.suite.hash(s.getBytes(StandardCharsets.UTF_8));
    }

    // A flood of votes for later heights fills the flooder's share of the future buffer, and no one else's.
    @Test
    void futureHeightVotesAreBoundedPerSigner() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        for (int i = 0; i < 10_000; i++) {
            p.step(3, fx.prepare(3, 2 + (i % 4), i / 4 % ReplicaState.MAX_VIEW_AHEAD, junk(fx, "b" + i)));
        }
        assertEquals(FutureBuffer.MAX_MESSAGES_PER_SENDER, p.replica.futureBuffered());
        assertEquals(10_000L - FutureBuffer.MAX_MESSAGES_PER_SENDER, p.replica.metrics().dropped().get(Rejection.FUTURE_SHARE_FULL));
        p.step(2, fx.prepare(2, 2, 0, junk(fx, "honest")));
        assertEquals(FutureBuffer.MAX_MESSAGES_PER_SENDER + 1, p.replica.futureBuffered(), "the honest validator's vote was not kept");
    }

    // Only a validator's signed vote is kept for later: a forged one is dropped on arrival, as evidence.
    @Test
    void aForgedFutureVoteIsNotBufferedAndCountsAgainstItsSender() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Prepare real = fx.prepare(2, 2, 0, junk(fx, "x"));
        p.step(3, new Prepare(2, 0, real.blockHash(), fx.id(2), Fixture.flipped(real.signature(), 3)));
        assertEquals(0, p.replica.futureBuffered());
        assertEquals(Map.of(Rejection.BAD_SIGNATURE, 1L), p.replica.evidence(fx.id(3)));
        p.step(fx.outsider(), fx.prepare(fx.outsider(), 2, 0, junk(fx, "y")));
        assertEquals(0, p.replica.futureBuffered());
        assertEquals(1L, p.replica.metrics().dropped().get(Rejection.NOT_A_VALIDATOR));
    }

    // Far-future heights: once every other validator announced its height, a signed vote far above all of them is a lie.
    @Test
    void aSignedVoteForAHeightNoOtherValidatorIsNearIsEvidence() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.step(3, fx.prepare(3, 1_000_000, 0, junk(fx, "far")));
        assertEquals(Map.of(Rejection.TOO_FAR_AHEAD, 1L), p.replica.metrics().dropped(), "without the others' heights it may be true");
        assertNull(p.replica.metrics().evidence().get(fx.id(3)));

        p.step(1, new Status(0, fx.genesisBlock.hash(fx.suite)));
        p.step(2, new Status(0, fx.genesisBlock.hash(fx.suite)));
        p.step(3, fx.prepare(3, 1_000_000, 0, junk(fx, "far")));
        assertEquals(Map.of(Rejection.HEIGHT_BEYOND_CONSORTIUM, 1L), p.replica.evidence(fx.id(3)));
    }

    // Far-future views: views tens of thousands of timeouts ahead are evidence; a few views ahead are not.
    @Test
    void aVoteForAViewFarAheadIsEvidenceAndOneJustOutOfRangeIsNot() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.step(3, fx.prepare(3, 1, ReplicaState.MAX_VIEW_AHEAD + 1, junk(fx, "a")));
        assertNull(p.replica.metrics().evidence().get(fx.id(3)));
        assertEquals(1L, p.replica.metrics().dropped().get(Rejection.VIEW_OUT_OF_RANGE));
        p.step(3, fx.prepare(3, 1, Integer.MAX_VALUE, junk(fx, "b")));
        assertEquals(Map.of(Rejection.VIEW_FAR_AHEAD, 1L), p.replica.evidence(fx.id(3)));
    }

    // A TxBatch of junk-signed transactions costs one signature verification, not one each.
    @Test
    void aBatchOfJunkSignedTransactionsCostsOneVerification() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        List<Transaction> junk = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Transaction t = fx.tx(3, i);
            junk.add(t.withSignature(Fixture.flipped(t.signature(), 0)));
        }
        long before = p.replica.metrics().signaturesVerified();
        p.step(3, new TxBatch(junk));
        assertEquals(1, p.replica.metrics().signaturesVerified() - before);
        assertEquals(0, p.replica.poolSize());
        assertEquals(Map.of(Rejection.FORWARDED_TX_SIGNATURE, 1L), p.replica.evidence(fx.id(3)));
        // The same junk again: the refused signature is remembered, no verification at all.
        p.step(3, new TxBatch(junk.subList(0, 1)));
        assertEquals(1, p.replica.metrics().signaturesVerified() - before);
    }

    // Each sender (a node) has an equal share of the pool: one member's backlog cannot crowd out the others.
    @Test
    void eachSenderHasAShareOfThePool() {
        Fixture fx = new Fixture(4);
        Replica r = Replica.create(new Replica.Config(fx.suite, fx.signers.get(0), () -> fx.clockMillis, fx.store::get, 10, 10, 40, 4, 64),
                fx.genesis);
        int share = 40 / 4;
        int accepted = 0;
        for (int i = 0; i < 30; i++) {
            if (r.submit(fx.tx(3, i)).accepted()) {
                accepted++;
            }
        }
        assertEquals(share, accepted);
        SubmitResult over = r.submit(fx.tx(3, 99));
        assertEquals(SubmitResult.Outcome.POOL_FULL, over.outcome());
        assertTrue(over.reason().contains("share of the pool"), over.reason());
        assertTrue(r.submit(fx.tx(2, 0)).accepted(), "another sender was crowded out");
    }

    // A peer proving itself faulty again and again is ignored for a while: its junk stops costing verifications.
    @Test
    void aPeerWithManyFaultsIsQuarantinedAndItsJunkCostsNothing() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        for (int i = 0; i < ReplicaState.QUARANTINE_FAULTS; i++) {
            Prepare real = fx.prepare(3, 1, 0, junk(fx, "v" + i));
            p.step(3, new Prepare(1, 0, real.blockHash(), fx.id(3), Fixture.flipped(real.signature(), 1)));
        }
        long verified = p.replica.metrics().signaturesVerified();
        for (int i = 0; i < 1_000; i++) {
            p.step(3, fx.prepare(3, 1, 0, junk(fx, "w" + i)));
        }
        assertEquals(verified, p.replica.metrics().signaturesVerified(), "a quarantined peer's votes were verified");
        assertEquals(1_000L, p.replica.metrics().dropped().get(Rejection.QUARANTINED));
        // Others are heard as before, and the quarantine ends.
        assertEquals(1, sent(p.step(1, fx.prePrepare(1, 1, 0, fx.chain().block(1, 0, fx.tx(2, 0)))), Prepare.class).size());
        for (int t = 0; t < ReplicaState.QUARANTINE_TICKS; t++) {
            p.replica.tick();
        }
        p.drain();
        p.step(3, fx.prepare(3, 1, 0, junk(fx, "after")));
        assertEquals(1_000L, p.replica.metrics().dropped().get(Rejection.QUARANTINED), "still quarantined after it ended");
    }

    // An equivocating primary shows itself when the block it got certified elsewhere arrives by sync: it proposed
    // another block to this replica in that slot, and both carry its signature.
    @Test
    void aPrimaryThatProposedAnotherBlockHereIsCaughtWhenTheCertifiedBlockArrives() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        org.batteryledger.core.chain.Block toMe = fx.chain().block(1, 0, fx.tx(3, 0));
        p.step(1, fx.prePrepare(1, 1, 0, toMe));
        org.batteryledger.core.chain.Block toOthers = fx.chain().block(1, 0, fx.tx(3, 1));
        org.batteryledger.core.chain.CommitCertificate cert = fx.certificate(1, 0, toOthers.hash(fx.suite), 1, 2, 3);
        p.step(2, new PbftMessage.SyncResponse(List.of(new org.batteryledger.core.chain.CommittedBlock(toOthers, cert))));
        assertEquals(1, p.replica.committedHeight(), "the certified block was not applied");
        assertEquals(Map.of(Rejection.EQUIVOCATION, 1L), p.replica.evidence(fx.id(1)));
        assertEquals(Map.of(), p.replica.evidence(fx.id(2)), "the peer that brought the proof is not to blame");
    }

    // The same primary caught through a view change: the prepared certificate another validator brings holds the
    // primary's signed pre-prepare of another block for the slot this replica was proposed a block in.
    @Test
    void aPrimaryThatProposedAnotherBlockHereIsCaughtByAViewChangesCertificate() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.step(1, fx.prePrepare(1, 1, 0, fx.chain().block(1, 0, fx.tx(3, 0))));
        org.batteryledger.core.chain.Block elsewhere = fx.chain().block(1, 0, fx.tx(3, 1));
        PreparedCertificate pc = fx.prepared(fx.prePrepare(1, 1, 0, elsewhere), 2, 3);
        p.step(2, fx.viewChange(2, 1, 1, pc));
        assertEquals(Map.of(Rejection.EQUIVOCATION, 1L), p.replica.evidence(fx.id(1)));
        assertEquals(Map.of(), p.replica.evidence(fx.id(2)), "the validator that brought the proof is not to blame");
    }
}
