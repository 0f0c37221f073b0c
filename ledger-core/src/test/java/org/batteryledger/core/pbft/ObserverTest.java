package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.PbftMessage.SyncRequest;
import org.batteryledger.core.pbft.PbftMessage.SyncResponse;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.batteryledger.core.pbft.Fixture.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node registered as OBSERVER is not in the replica set R of Castro & Liskov (OSDI 1999, §3): it takes no part in
 * the protocol (no PREPARE, COMMIT, VIEW-CHANGE or NEW-VIEW), but, like a client waiting for f+1 replies (§4.1), it
 * may accept what a quorum of replicas vouches for: it commits a block once it sees a quorum of COMMITs for it.
 * Four validators (0..3) and one observer (4).
 */
class ObserverTest {
    private static final int OBSERVER = 4;

    private static void assertSignedNothing(Fixture.Probe p) {
        for (Ready.Outbound o : p.outbox) {
            assertFalse(o.message() instanceof PbftMessage.Signed, "the observer sent " + o.message());
        }
        assertTrue(p.voteLog.stream().noneMatch(VoteLogEntry.Signed.class::isInstance), "the observer logged a signed vote");
    }

    // §3/§4.2: the observer validates the proposal, sends no vote, and commits on a quorum of commits.
    @Test
    void anObserverNeverVotesButCommitsOnAQuorumOfCommits() {
        Fixture fx = new Fixture(4, 1, Map.of());
        Fixture.Probe p = fx.probe(OBSERVER);
        assertFalse(p.replica.isValidator());
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);

        p.step(1, fx.prePrepare(1, 1, 0, b));
        p.step(2, fx.prepare(2, 1, 0, h));
        p.step(3, fx.prepare(3, 1, 0, h));
        p.step(1, fx.commit(1, 1, 0, h));
        p.step(2, fx.commit(2, 1, 0, h));
        assertEquals(0, p.replica.committedHeight(), "committed on two commits");
        Ready r = p.step(3, fx.commit(3, 1, 0, h));

        assertEquals(1, r.committed().size());
        assertEquals(h, r.committed().get(0).block().block().hash(fx.suite));
        assertEquals(1, p.replica.committedHeight());
        assertSignedNothing(p);
    }

    // §4.4: the observer has no timer to expire and never asks for a view change, even with transactions waiting.
    @Test
    void anObserverNeverSendsViewChangeNorJoinsOneVisibly() {
        Fixture fx = new Fixture(4, 1, Map.of());
        Fixture.Probe p = fx.probe(OBSERVER);
        assertTrue(p.submit(fx.tx(OBSERVER, 0)).accepted(), "an observer's own transaction");
        for (int t = 0; t < 200; t++) {
            p.tick();
        }
        p.step(1, fx.viewChange(1, 1, 1, null));
        p.step(2, fx.viewChange(2, 1, 1, null));
        p.step(3, fx.viewChange(3, 1, 1, null));
        assertTrue(p.allSent(ViewChange.class).isEmpty());
        assertSignedNothing(p);
    }

    // §4.4 seen from outside R: the observer follows a NEW-VIEW and commits at the new view, still silent.
    @Test
    void anObserverFollowsANewViewAndCommitsAtIt() {
        Fixture fx = new Fixture(4, 1, Map.of());
        Fixture.Probe p = fx.probe(OBSERVER);
        Block b = fx.chain().block(2, 1, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);
        List<ViewChange> vcs = List.of(fx.viewChange(1, 1, 1, null), fx.viewChange(2, 1, 1, null), fx.viewChange(3, 1, 1, null));

        p.step(2, fx.newView(2, 1, 1, vcs, fx.prePrepare(2, 1, 1, b)));
        assertEquals(1, p.replica.view());
        for (int i = 1; i <= 3; i++) {
            p.step(i, fx.commit(i, 1, 1, h));
        }
        assertEquals(1, p.replica.committedHeight());
        assertEquals(1, p.committed.get(0).certificate().view());
        assertSignedNothing(p);
    }

    // A quorum of commits for a block the observer never saw proposed: it fetches the block with its certificate.
    @Test
    void anObserverThatMissedTheProposalFetchesTheCommittedBlock() {
        Fixture fx = new Fixture(4, 1, Map.of());
        Fixture.Probe p = fx.probe(OBSERVER);
        Fixture.Chain chain = fx.chain();
        Block b = chain.block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);
        for (int i = 1; i <= 3; i++) {
            p.step(i, fx.commit(i, 1, 0, h));
        }
        assertEquals(0, p.replica.committedHeight());
        List<SyncRequest> reqs = p.allSent(SyncRequest.class);
        assertEquals(1, reqs.size(), "no block request after a quorum of commits for an unknown block");
        assertEquals(1, reqs.get(0).fromHeight());

        p.step(1, new SyncResponse(List.of(chain.commit(b, 0, 1, 2, 3))));
        assertEquals(1, p.replica.committedHeight());
        assertSignedNothing(p);
        assertTrue(sent(p.last, PbftMessage.Commit.class).isEmpty());
    }
}
