package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.batteryledger.core.pbft.Fixture.persisted;
import static org.batteryledger.core.pbft.Fixture.sent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The normal-case operation of Castro & Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999, §4.2, applied to
 * one block per height: pre-prepare, prepare, commit. The replica under test is driven alone; the test speaks as
 * every other validator.
 */
class NormalCaseTest {

    // §4.1: "the primary of a view is replica p such that p = v mod |R|"; here rotated by the height as well.
    @Test
    void primaryOfHeightAndViewIsValidatorHeightPlusViewModN() {
        for (int n : new int[]{1, 4, 7}) {
            Fixture fx = new Fixture(n);
            Replica r = fx.replica(0);
            for (long h = 1; h <= 12; h++) {
                for (int v = 0; v <= 9; v++) {
                    assertEquals(fx.id((int) ((h + v) % n)), r.validators().primary(h, v), "n=" + n + " h=" + h + " v=" + v);
                }
            }
            assertEquals(1, r.height());
            assertEquals(0, r.view());
            assertEquals(fx.id(1 % n), r.primary());
        }
    }

    // §4.2: a backup accepts a valid pre-prepare and multicasts one PREPARE; Ready's contract (persist, then send)
    // puts that PREPARE in the same Ready's votes, so a crash can never leave it sent but forgotten.
    @Test
    void backupAcceptingAPrePrepareSendsExactlyOnePrepareAndPersistsItInTheSameReady() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);

        Ready r = p.step(1, fx.prePrepare(1, 1, 0, b));

        List<Prepare> prepares = sent(r, Prepare.class);
        assertEquals(1, prepares.size());
        Prepare prepare = prepares.get(0);
        assertEquals(1, prepare.height());
        assertEquals(0, prepare.view());
        assertEquals(h, prepare.blockHash());
        assertEquals(fx.id(0), prepare.sender());
        assertTrue(fx.suite.verify(fx.signers.get(0).publicKey(), prepare.signingBytes(fx.suite, fx.chainId), prepare.signature()));
        assertEquals(List.of(prepare), persisted(r, Prepare.class));
        assertEquals(Set.of(fx.id(1), fx.id(2), fx.id(3)), new HashSet<>(r.messages().get(0).to()));
        assertTrue(sent(r, Commit.class).isEmpty(), "one prepare is not quorum-1 prepares");

        // The same pre-prepare again is a duplicate: no second PREPARE.
        Ready again = p.step(1, fx.prePrepare(1, 1, 0, b));
        assertTrue(again.isEmpty(), "duplicate pre-prepare produced " + again);
    }

    // §4.2: the primary's pre-prepare stands for its prepare; the primary never sends PREPARE.
    @Test
    void primaryProposesWithAPrePrepareAndNeverSendsPrepare() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(1);
        p.submit(fx.tx(3, 0));
        Ready r = p.last;

        List<PrePrepare> pps = sent(r, PrePrepare.class);
        assertEquals(1, pps.size());
        Block b = pps.get(0).block();
        assertEquals(1, b.height());
        assertEquals(fx.id(1), b.header().proposer());
        assertEquals(0, b.header().view());
        assertEquals(fx.genesisBlock.hash(fx.suite), b.header().parentHash());
        assertEquals(pps, persisted(r, PrePrepare.class));
        assertTrue(sent(r, Prepare.class).isEmpty());

        Hash h = b.hash(fx.suite);
        assertTrue(sent(p.step(2, fx.prepare(2, 1, 0, h)), Commit.class).isEmpty(), "primary + 1 prepare is below quorum 3");
        Ready prepared = p.step(3, fx.prepare(3, 1, 0, h));
        assertEquals(1, sent(prepared, Commit.class).size());
        assertTrue(p.allSent(Prepare.class).isEmpty(), "the primary sent a PREPARE");
        // What operators count (and a clustered member's failover drill waits for): its proposals and its seals.
        assertEquals(1, p.replica.metrics().proposalsSigned());
        assertEquals(1, p.replica.metrics().commitsSigned());
        p.step(2, fx.prepare(2, 1, 0, h)); // a duplicate prepare signs nothing more
        assertEquals(1, p.replica.metrics().commitsSigned());
    }

    // §4.2 "prepared(m, v, n, i)": the pre-prepare and 2f (here quorum-1) prepares from distinct backups that
    // match it. n = 7, f = 2, quorum 5: the backup's own prepare plus three others.
    @Test
    void preparedNeedsQuorumMinusOneMatchingPreparesFromDistinctBackups() {
        Fixture fx = new Fixture(7);
        Fixture.Probe p = fx.probe(0);
        Fixture.Chain chain = fx.chain();
        Block b = chain.block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);
        Hash other = fx.chain().block(1, 0, fx.tx(3, 1)).hash(fx.suite);

        p.step(1, fx.prePrepare(1, 1, 0, b));
        p.step(2, fx.prepare(2, 1, 0, h));
        p.step(2, fx.prepare(2, 1, 0, h));                            // duplicate from one sender
        p.step(1, fx.prepare(1, 1, 0, h));                            // from the primary: not a backup
        p.step(3, fx.prepare(3, 1, 0, other));                        // for another block
        p.step(4, fx.prepare(4, 1, 1, h));                            // for another view
        p.step(fx.outsider(), fx.prepare(fx.outsider(), 1, 0, h));    // from a non-validator
        Prepare forged = fx.prepare(5, 1, 0, h);
        p.step(5, new Prepare(1, 0, h, fx.id(5), Fixture.flipped(forged.signature(), 3)));
        p.step(6, fx.prepare(6, 1, 0, h));
        assertTrue(p.allSent(Commit.class).isEmpty(), "prepared with only self, 2 and 6 matching (one fewer than quorum-1)");

        Ready r = p.step(4, fx.prepare(4, 1, 0, h));
        assertEquals(1, sent(r, Commit.class).size());
        Commit c = sent(r, Commit.class).get(0);
        assertEquals(h, c.blockHash());
        assertEquals(0, c.view());

        // The prepared certificate goes to the vote log with the commit: pre-prepare + quorum-1 distinct backups.
        List<VoteLogEntry.Prepared> certs = r.votes().stream().filter(VoteLogEntry.Prepared.class::isInstance)
                .map(VoteLogEntry.Prepared.class::cast).toList();
        assertEquals(1, certs.size());
        PreparedCertificate pc = certs.get(0).certificate();
        assertEquals(h, pc.blockHash(fx.suite));
        assertEquals(fx.quorum() - 1, pc.prepares().size());
        Set<NodeId> senders = new HashSet<>();
        for (Prepare pr : pc.prepares()) {
            assertEquals(h, pr.blockHash());
            assertEquals(0, pr.view());
            assertFalse(pr.sender().equals(fx.id(1)), "primary's prepare in the certificate");
            assertTrue(senders.add(pr.sender()));
        }
        assertEquals(List.of(c), persisted(r, Commit.class));
    }

    // §4.2: the replica logs prepares that arrive before the pre-prepare; they count once it arrives.
    @Test
    void preparesArrivingBeforeThePrePrepareCountOnceItArrives() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);
        p.step(2, fx.prepare(2, 1, 0, h));
        p.step(3, fx.prepare(3, 1, 0, h));
        assertTrue(p.allSent(Prepare.class).isEmpty(), "prepared a block it never saw");

        Ready r = p.step(1, fx.prePrepare(1, 1, 0, b));
        assertEquals(1, sent(r, Prepare.class).size());
        assertEquals(1, sent(r, Commit.class).size());
    }

    // §4.2 "committed-local": prepared and a quorum (2f+1) of matching COMMITs of the same view. The commit
    // signatures become the block's certificate: exactly a quorum of seals that verify offline.
    @Test
    void commitNeedsAQuorumOfCommitsOfOneViewAndTheCertificateHoldsExactlyAQuorumOfValidSeals() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);
        p.step(1, fx.prePrepare(1, 1, 0, b));
        p.step(2, fx.prepare(2, 1, 0, h));
        assertEquals(1, p.allSent(Commit.class).size());
        assertEquals(1, p.replica.metrics().commitsSigned());
        assertEquals(0, p.replica.metrics().proposalsSigned(), "a backup proposes nothing");

        p.step(2, fx.commit(2, 1, 0, h));
        p.step(2, fx.commit(2, 1, 0, h));   // duplicate
        p.step(3, fx.commit(3, 1, 1, h));   // same block, another view: does not add up with view 0
        Commit forged = fx.commit(1, 1, 0, h);
        p.step(1, new Commit(1, 0, h, fx.id(1), Fixture.flipped(forged.signature(), 0)));
        assertTrue(p.committed.isEmpty(), "committed with two commits of view 0");
        assertEquals(0, p.replica.committedHeight());

        Ready r = p.step(1, fx.commit(1, 1, 0, h));
        assertEquals(1, r.committed().size());
        CommittedBlock cb = r.committed().get(0).block();
        assertEquals(h, cb.block().hash(fx.suite));
        CommitCertificate cert = cb.certificate();
        assertEquals(1, cert.height());
        assertEquals(0, cert.view());
        assertEquals(h, cert.blockHash());
        assertEquals(fx.quorum(), cert.seals().size());
        assertNull(cert.verify(fx.suite, fx.chainId, p.replica.validators().keys(), fx.quorum()));
        Set<NodeId> sealers = new HashSet<>();
        for (CommitSeal s : cert.seals()) {
            sealers.add(s.nodeId());
        }
        assertEquals(Set.of(fx.id(0), fx.id(1), fx.id(2)), sealers);
        // The certificate must be checkable without the replica: one seal short fails.
        assertTrue(new CommitCertificate(1, 0, h, cert.seals().subList(0, 2))
                .verify(fx.suite, fx.chainId, p.replica.validators().keys(), fx.quorum()) != null);
        assertTrue(r.committed().get(0).receipts().stream().allMatch(rc -> rc.ok()));
        assertEquals(1, p.replica.metrics().blocksCommitted());
    }

    // §4.2 (sequence numbers advance) with §4.4's view numbering reset per height: after a commit the replica
    // decides the next height at view 0, led by the next validator in rotation.
    @Test
    void afterACommitTheNextHeightStartsAtViewZeroWithTheNextPrimary() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Fixture.Chain chain = fx.chain();
        Block b1 = chain.block(1, 0, fx.tx(3, 0));
        commitThroughMessages(fx, p, b1, 0);
        chain.commit(b1, 0, 0, 1, 2);

        assertEquals(1, p.replica.committedHeight());
        assertEquals(2, p.replica.height());
        assertEquals(0, p.replica.view());
        assertEquals(fx.id(2), p.replica.primary());
        assertEquals(b1.hash(fx.suite), p.replica.headHash());

        // Height 2: validator 1 is no longer primary, validator 2 is.
        Block wrongPrimary = chain.block(1, 0, fx.tx(3, 1));
        assertTrue(sent(p.step(1, fx.prePrepare(1, 2, 0, wrongPrimary)), Prepare.class).isEmpty());
        Block b2 = chain.block(2, 0, fx.tx(3, 1));
        Ready r = p.step(2, fx.prePrepare(2, 2, 0, b2));
        assertEquals(1, sent(r, Prepare.class).size());
        assertEquals(2, sent(r, Prepare.class).get(0).height());
        commitThroughMessages(fx, p, b2, 0);
        assertEquals(2, p.replica.committedHeight());
        assertEquals(fx.id(3), p.replica.primary());
    }

    // §4.2: messages for later sequence numbers are accepted (within the water marks) before earlier ones are
    // decided; here, a pre-prepare for the next height is buffered and handled once that height starts.
    @Test
    void aPrePrepareForTheNextHeightIsBufferedUntilThatHeightStarts() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Fixture.Chain chain = fx.chain();
        Block b1 = chain.block(1, 0, fx.tx(3, 0));
        chain.commit(b1, 0, 0, 1, 2);
        Block b2 = chain.block(2, 0, fx.tx(3, 1));

        assertTrue(p.step(2, fx.prePrepare(2, 2, 0, b2)).messages().isEmpty(), "acted on a height it has not reached");
        Ready r = commitThroughMessages(fx, p, b1, 0);
        List<Prepare> prepares = sent(r, Prepare.class);
        assertEquals(1, prepares.size(), "the buffered pre-prepare of height 2 was not handled when height 2 started");
        assertEquals(2, prepares.get(0).height());
        assertEquals(b2.hash(fx.suite), prepares.get(0).blockHash());
    }

    /** Drives the probe (a backup) through prepare and commit of {@code b} at its height; returns the committing Ready. */
    static Ready commitThroughMessages(Fixture fx, Fixture.Probe p, Block b, int view) {
        long h = b.height();
        Hash hash = b.hash(fx.suite);
        int primary = fx.primary(h, view);
        p.step(primary, fx.prePrepare(primary, h, view, b));
        int voted = 1;
        for (int i = 0; i < fx.n && voted < fx.quorum() - 1; i++) {
            if (i != primary && i != p.index) {
                p.step(i, fx.prepare(i, h, view, hash));
                voted++;
            }
        }
        Ready last = Ready.EMPTY;
        int commits = 1;
        for (int i = 0; i < fx.n && commits < fx.quorum(); i++) {
            if (i != p.index) {
                last = p.step(i, fx.commit(i, h, view, hash));
                commits++;
            }
        }
        assertEquals(h, p.replica.committedHeight(), "block of height " + h + " did not commit");
        assertArrayEquals(hash.bytes(), p.replica.headHash().bytes());
        return last;
    }

    // etcd raft's Ready/Advance: the next Ready is handed out only once the previous one is acknowledged as persisted,
    // so a caller that failed to persist cannot take (and send) what came after it.
    @Test
    void aReadyMustBeAdvancedBeforeTheNextIsTaken() {
        Fixture fx = new Fixture(4);
        Replica r = Replica.create(fx.config(0), fx.genesis);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        r.step(fx.id(1), fx.prePrepare(1, 1, 0, b));
        Ready first = r.ready();
        assertEquals(1, sent(first, Prepare.class).size());
        assertTrue(r.awaitingAdvance());
        r.step(fx.id(2), fx.prepare(2, 1, 0, b.hash(fx.suite)));   // prepared now: a COMMIT is due
        IllegalStateException e = assertThrows(IllegalStateException.class, r::ready);
        assertTrue(e.getMessage().contains("before advance()"), e.getMessage());
        r.advance();
        assertFalse(r.awaitingAdvance());
        assertThrows(IllegalStateException.class, r::advance, "advanced twice");
        assertEquals(1, sent(r.ready(), Commit.class).size(), "the input taken between ready() and advance() is in the next Ready");
    }
}
