package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.batteryledger.core.pbft.Fixture.persisted;
import static org.batteryledger.core.pbft.Fixture.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * View changes (Castro & Liskov, OSDI 1999, §4.4 "View Changes" and §4.5.2 "Liveness"), per height. n = 4,
 * quorum 3, f + 1 = 2; at height 1 the primaries of views 0, 1, 2, 3 are validators 1, 2, 3, 0. Timeouts come from
 * the genesis parameters: 4 ticks, doubling, capped at 16.
 */
class ViewChangeTest {

    // §4.4: a backup whose timer expires while it waits for a request to execute starts a view change to v+1,
    // sending VIEW-CHANGE (persisted before it is sent).
    @Test
    void withTransactionsPendingAndNoPrePrepareTheTimeoutSendsViewChangeForViewOne() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        for (int t = 1; t < Fixture.VIEW_CHANGE_TIMEOUT; t++) {
            assertTrue(sent(p.tick(), ViewChange.class).isEmpty(), "view change after only " + t + " ticks");
        }
        Ready r = p.tick();
        List<ViewChange> vcs = sent(r, ViewChange.class);
        assertEquals(1, vcs.size());
        ViewChange vc = vcs.get(0);
        assertEquals(1, vc.height());
        assertEquals(1, vc.view());
        assertNull(vc.prepared());
        assertEquals(fx.id(0), vc.sender());
        assertTrue(fx.suite.verify(fx.signers.get(0).publicKey(), vc.signingBytes(fx.suite, fx.chainId), vc.signature()));
        assertEquals(vcs, persisted(r, ViewChange.class));
        assertEquals(1, p.replica.view());
        assertEquals(fx.id(2), p.replica.primary());
        assertEquals(1, p.replica.metrics().viewChangesStarted());
    }

    // §4.4: the timer runs only while the backup is waiting for something; an idle replica never changes view.
    @Test
    void anIdleReplicaNeverTimesOut() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        for (int t = 0; t < 200; t++) {
            p.tick();
        }
        assertTrue(p.allSent(ViewChange.class).isEmpty());
        assertEquals(0, p.replica.view());
    }

    // §4.5.2: "if a timer expires before [the new view starts], the replica starts the view change for view v+2
    // but this time it will wait 2T before starting a view change for view v+3"; capped by the genesis parameter.
    @Test
    void eachFurtherViewChangeWaitsTwiceAsLongUpToTheMaximum() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        List<Integer> waits = new ArrayList<>();
        for (int v = 1; v <= 6; v++) {
            int ticks = p.ticksUntilSent(ViewChange.class, 1_000);
            waits.add(ticks);
            assertEquals(v, p.replica.view());
            assertEquals(v, p.voteLog.size(), "one persisted VIEW-CHANGE per view");
        }
        assertEquals(List.of(4, 8, 16, 16, 16, 16), waits);
    }

    // §4.5.2 leaves the timer's length to the replica: one with no link to the view's primary (a killed node's sockets
    // close at once) waits two ticks, not the timeout. Validator 1 is height 1's view-0 primary, 2 view 1's.
    @Test
    void aViewWhosePrimaryThisNodeHasNoLinkToTimesOutAfterTwoTicks() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.replica.linkDown(fx.id(1));
        p.drain();
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        assertEquals(2, p.ticksUntilSent(ViewChange.class, 100));
        assertEquals(1, p.replica.view());
        // View 1's primary is linked: the doubled timeout of §4.5.2 again.
        assertEquals(2 * Fixture.VIEW_CHANGE_TIMEOUT, p.ticksUntilSent(ViewChange.class, 100));
    }

    @Test
    void aLinkThatCameUpAgainOrAnUnlinkedBackupLeavesTheTimeoutAsItWas() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.replica.linkDown(fx.id(1));
        p.replica.linkDown(fx.id(3)); // a backup: no primary of height 1 before view 2
        p.replica.linkUp(fx.id(1));
        p.drain();
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        assertEquals(Fixture.VIEW_CHANGE_TIMEOUT, p.ticksUntilSent(ViewChange.class, 100));
    }

    // With more than f validators out of reach no view can decide: no hurry then (a node started before its peers).
    @Test
    void withMoreThanFValidatorsOutOfReachTheTimeoutIsTheUsualOne() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.replica.linkDown(fx.id(1));
        p.replica.linkDown(fx.id(2));
        p.drain();
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        assertEquals(Fixture.VIEW_CHANGE_TIMEOUT, p.ticksUntilSent(ViewChange.class, 100));
        p.replica.linkUp(fx.id(2)); // f = 1 out of reach again: view 1's primary is reachable, its doubled timeout
        p.drain();
        assertEquals(2 * Fixture.VIEW_CHANGE_TIMEOUT, p.ticksUntilSent(ViewChange.class, 100));
        p.replica.linkUp(fx.id(1));
        p.replica.linkDown(fx.id(3)); // view 2's primary, and the only one out of reach now: two ticks
        p.drain();
        assertEquals(2, p.ticksUntilSent(ViewChange.class, 100));
    }

    @Test
    void anIdleReplicaWithNoLinkToThePrimaryNeverTimesOut() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        p.replica.linkDown(fx.id(1));
        p.drain();
        for (int t = 0; t < 200; t++) {
            p.tick();
        }
        assertTrue(p.allSent(ViewChange.class).isEmpty());
    }

    // The same with other genesis parameters: base 3, cap 20 gives 3, 6, 12, 20, 20.
    @Test
    void theTimeoutAndItsCapAreTheGenesisParameters() {
        Fixture fx = new Fixture(4, 0, java.util.Map.of(org.batteryledger.core.contract.Params.VIEW_CHANGE_TIMEOUT_TICKS, 3L,
                org.batteryledger.core.contract.Params.MAX_VIEW_CHANGE_TIMEOUT_TICKS, 20L));
        Fixture.Probe p = fx.probe(0);
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        List<Integer> waits = new ArrayList<>();
        for (int v = 1; v <= 5; v++) {
            waits.add(p.ticksUntilSent(ViewChange.class, 1_000));
        }
        assertEquals(List.of(3, 6, 12, 20, 20), waits);
    }

    // §4.5.2: "if a replica receives a set of f+1 valid VIEW-CHANGE messages from other replicas for views greater
    // than its current view, it sends a VIEW-CHANGE message for the smallest view in the set".
    @Test
    void fPlusOneValidViewChangesForHigherViewsMakeTheReplicaJoinTheSmallest() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        assertTrue(p.step(2, fx.viewChange(2, 1, 3, null)).isEmpty(), "joined with only f view changes");
        p.step(2, fx.viewChange(2, 1, 2, null));                     // the same replica again: still one replica
        ViewChange forged = fx.viewChange(3, 1, 3, null);
        p.step(3, new ViewChange(1, 3, null, fx.id(3), Fixture.flipped(forged.signature(), 2)));
        p.step(fx.outsider(), fx.viewChange(fx.outsider(), 1, 3, null));
        assertTrue(p.allSent(ViewChange.class).isEmpty(), "joined on one valid replica's view changes");
        assertEquals(0, p.replica.view());

        Ready r = p.step(1, fx.viewChange(1, 1, 4, null));

        List<ViewChange> vcs = sent(r, ViewChange.class);
        assertEquals(1, vcs.size());
        assertEquals(2, vcs.get(0).view(), "must join the smallest of views {2, 3, 4}");
        assertEquals(2, p.replica.view());
    }

    // §4.4: the primary of v+1, having 2f (with its own, a quorum of) valid VIEW-CHANGEs for v+1, multicasts
    // NEW-VIEW; with nothing prepared it proposes a fresh block of its own at the new view.
    @Test
    void theNewPrimarySendsNewViewOnceItHasAQuorumOfViewChanges() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(2);
        assertTrue(p.submit(fx.tx(3, 0)).accepted());
        assertEquals(Fixture.VIEW_CHANGE_TIMEOUT, p.ticksUntilSent(ViewChange.class, 100));

        assertTrue(sent(p.step(0, fx.viewChange(0, 1, 1, null)), NewView.class).isEmpty(), "NEW-VIEW with 2 of 3 view changes");

        Ready r = p.step(3, fx.viewChange(3, 1, 1, null));
        List<NewView> nvs = sent(r, NewView.class);
        assertEquals(1, nvs.size());
        NewView nv = nvs.get(0);
        assertEquals(nvs, persisted(r, NewView.class));
        assertEquals(1, nv.view());
        assertEquals(fx.id(2), nv.sender());
        Set<NodeId> senders = new HashSet<>();
        for (ViewChange vc : nv.viewChanges()) {
            assertEquals(1, vc.view());
            senders.add(vc.sender());
        }
        assertEquals(Set.of(fx.id(0), fx.id(2), fx.id(3)), senders);
        PrePrepare pp = nv.prePrepare();
        assertEquals(1, pp.view());
        assertEquals(fx.id(2), pp.sender());
        assertEquals(fx.id(2), pp.block().header().proposer());
        assertEquals(1, pp.block().header().view());
        assertEquals(List.of(fx.tx(3, 0).hash(fx.suite)), pp.block().transactions().stream().map(t -> t.hash(fx.suite)).toList());
        assertTrue(sent(r, Prepare.class).isEmpty(), "the new primary sent a PREPARE");
    }

    // §4.4: a VIEW-CHANGE carries the replica's prepared certificates (P); the NEW-VIEW's pre-prepare must carry the
    // request prepared in the highest view. A NEW-VIEW choosing another block is rejected; the correct one is
    // accepted, and the block then commits at view 1 and the next height restarts at view 0.
    @Test
    void aPreparedBlockIsReportedInTheViewChangeAndMustBeReproposedByTheNewView() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        Hash h = b.hash(fx.suite);
        PrePrepare pp0 = fx.prePrepare(1, 1, 0, b);
        p.step(1, pp0);
        p.step(2, fx.prepare(2, 1, 0, h));
        assertEquals(1, p.allSent(Commit.class).size(), "setup: not prepared");

        assertEquals(Fixture.VIEW_CHANGE_TIMEOUT, p.ticksUntilSent(ViewChange.class, 100));
        ViewChange own = p.allSent(ViewChange.class).get(0);
        assertEquals(1, own.view());
        assertNotNull(own.prepared(), "the view change does not report the prepared block");
        assertEquals(h, own.prepared().blockHash(fx.suite));
        assertEquals(0, own.prepared().view());
        assertEquals(fx.quorum() - 1, own.prepared().prepares().size());
        assertEquals(Set.of(fx.id(0), fx.id(2)), new HashSet<>(own.prepared().prepares().stream().map(Prepare::sender).toList()));

        List<ViewChange> vcs = List.of(own, fx.viewChange(2, 1, 1, null), fx.viewChange(3, 1, 1, null));
        Block other = fx.chain().block(2, 1, fx.tx(3, 1));
        Ready rejected = p.step(2, fx.newView(2, 1, 1, vcs, fx.prePrepare(2, 1, 1, other)));
        assertTrue(sent(rejected, Prepare.class).isEmpty(), "accepted a NEW-VIEW that drops the prepared block");
        assertTrue(p.replica.metrics().dropped().containsKey(Rejection.NOT_HIGHEST_PREPARED),
                p.replica.metrics().dropped().toString());

        Ready accepted = p.step(2, fx.newView(2, 1, 1, vcs, fx.prePrepare(2, 1, 1, b)));
        List<Prepare> prepares = sent(accepted, Prepare.class);
        assertEquals(1, prepares.size());
        assertEquals(1, prepares.get(0).view());
        assertEquals(h, prepares.get(0).blockHash());
        assertEquals(1, p.replica.view());

        p.step(3, fx.prepare(3, 1, 1, h));
        p.step(2, fx.commit(2, 1, 1, h));
        Ready committed = p.step(3, fx.commit(3, 1, 1, h));
        assertEquals(1, committed.committed().size());
        CommittedBlock cb = committed.committed().get(0).block();
        assertEquals(1, cb.certificate().view());
        assertNull(cb.certificate().verify(fx.suite, fx.chainId, p.replica.validators().keys(), fx.quorum()));
        assertEquals(0, p.replica.view(), "views restart at 0 with each height");
        assertEquals(fx.id(2), p.replica.primary());
    }

    // §4.4, from the new primary's side: with a prepared certificate among the quorum of view changes, it
    // re-proposes that block (keeping its original header) rather than the transactions in its own pool.
    @Test
    void theNewPrimaryReproposesThePreparedBlockInsteadOfItsOwnTransactions() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(2);
        assertTrue(p.submit(fx.tx(2, 5)).accepted());
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        PreparedCertificate pc = fx.prepared(fx.prePrepare(1, 1, 0, b), 0, 3);

        p.step(0, fx.viewChange(0, 1, 1, pc));
        Ready r = p.step(3, fx.viewChange(3, 1, 1, null));

        List<NewView> nvs = sent(r, NewView.class);
        assertEquals(1, nvs.size(), "f+1 view changes should have made it join view 1 and, with its own, send NEW-VIEW");
        PrePrepare pp = nvs.get(0).prePrepare();
        assertEquals(b.hash(fx.suite), pp.block().hash(fx.suite));
        assertEquals(1, pp.view());
        assertEquals(fx.id(1), pp.block().header().proposer(), "a re-proposed block keeps its header and hash");
        assertEquals(0, pp.block().header().view());
    }

    // Issue 14: a NEW-VIEW carries prepared certificates by block hash and one block, its own pre-prepare's. Before, it
    // carried the full block of every prepared certificate: with 7 validators and 4 MiB blocks more than the 16 MiB frame
    // limit, built alike by every later primary, so the chain halted.
    @Test
    void theNewViewCarriesOneBlockAndItsViewChangesByBlockHash() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(2);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0), fx.tx(3, 1), fx.tx(1, 2));
        PreparedCertificate pc = fx.prepared(fx.prePrepare(1, 1, 0, b), 0, 3);
        p.step(0, fx.viewChange(0, 1, 1, pc));
        p.step(3, fx.viewChange(3, 1, 1, fx.prepared(fx.prePrepare(1, 1, 0, b), 0, 2)));
        NewView nv = p.allSent(NewView.class).get(0);

        assertEquals(3, nv.prePrepare().block().transactions().size(), "the re-proposed block travels whole, once");
        for (ViewChange vc : nv.viewChanges()) {
            assertTrue(vc.prepared() == null || vc.prepared().prePrepare().block().transactions().isEmpty(),
                    "a view change inside the NEW-VIEW carries its block: " + vc);
        }
        int withBlocks = MessageCodec.encode(new NewView(nv.height(), nv.view(), List.of(fx.viewChange(0, 1, 1, pc)), nv.prePrepare(),
                nv.sender(), nv.signature())).length;
        assertTrue(MessageCodec.encode(nv).length < withBlocks + 2_000, "the NEW-VIEW grew with its view changes' blocks");

        // A backup accepts it: the certificates verify by hash, the block is checked against the highest one.
        Fixture.Probe backup = fx.probe(0);
        assertEquals(1, sent(backup.step(2, nv), Prepare.class).size(), "a backup refused a NEW-VIEW of view changes by hash");
    }

    // Alone, a view change must carry the block it prepared: the new primary re-proposes it.
    @Test
    void aViewChangeAloneWithoutItsPreparedBlockIsRefused() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(2);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        ViewChange stripped = fx.viewChange(0, 1, 1, fx.prepared(fx.prePrepare(1, 1, 0, b), 0, 3)).headerOnly();
        p.step(0, stripped);
        assertEquals(Map.of(Rejection.PREPARED_BLOCK_MISSING, 1L), p.replica.metrics().dropped());
    }

    // The bound behind Params.MAX_CONSENSUS_NODES: with the most validators governance allows, the largest block and
    // signatures of the largest size decoding admits, a NEW-VIEW of a quorum of view changes that each prepared a
    // block still fits in one frame.
    @Test
    void theLargestLegalNewViewFitsInAFrame() {
        int n = org.batteryledger.core.contract.Params.MAX_CONSENSUS_NODES;
        int quorum = Quorum.size(n);
        byte[] sig = new byte[org.batteryledger.core.codec.Limits.MAX_SIGNATURE_BYTES];
        Fixture fx = new Fixture(4);
        Block big = fx.chain().block(1, 0, fx.tx(3, 0));
        org.batteryledger.core.chain.BlockHeader h = big.header();
        // A block of the largest size: padded with transactions to maxBlockBytes.
        List<org.batteryledger.core.chain.Transaction> txs = new ArrayList<>();
        long bytes = 0;
        long maxBlock = org.batteryledger.core.contract.Params.MAX_FRAME_BYTES / 2;
        for (int i = 0; bytes < maxBlock - 70_000; i++) {
            org.batteryledger.core.chain.Transaction tx = new org.batteryledger.core.chain.Transaction(org.batteryledger.core.chain.TxType.GOVERNANCE_PROPOSE,
                    fx.id(3), i, 100, new byte[64 * 1024], sig);
            txs.add(tx);
            bytes += tx.encodedSize();
        }
        Block largest = new Block(h, txs);
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(new NodeId(String.format("%040x", i + 1)));
        }
        List<Prepare> prepares = new ArrayList<>();
        for (int i = 1; i < quorum; i++) {
            prepares.add(new Prepare(1, 0, largest.hash(fx.suite), ids.get(i), sig));
        }
        PrePrepare pp = new PrePrepare(1, 0, largest, ids.get(0), sig);
        List<ViewChange> vcs = new ArrayList<>();
        for (int i = 0; i < quorum; i++) {
            vcs.add(new ViewChange(1, 1, new PreparedCertificate(pp, prepares), ids.get(i), sig));
        }
        NewView nv = new NewView(1, 1, vcs, new PrePrepare(1, 1, largest, ids.get(1), sig), ids.get(1), sig);
        int size = MessageCodec.encode(nv).length;
        assertTrue(size <= org.batteryledger.core.contract.Params.MAX_FRAME_BYTES,
                "the largest NEW-VIEW is " + size + " bytes, over the frame limit");
        assertTrue(MessageCodec.encode(vcs.get(0)).length <= org.batteryledger.core.contract.Params.MAX_FRAME_BYTES);
    }

    // §4.4: among several prepared certificates the NEW-VIEW must pick the one of the highest view.
    @Test
    void theNewViewMustCarryTheBlockPreparedInTheHighestView() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        Block c = fx.chain().block(2, 1, fx.tx(3, 1));
        PreparedCertificate atView0 = fx.prepared(fx.prePrepare(1, 1, 0, b), 2, 3);
        PreparedCertificate atView1 = fx.prepared(fx.prePrepare(2, 1, 1, c), 1, 3);
        List<ViewChange> vcs = List.of(fx.viewChange(1, 1, 2, atView0), fx.viewChange(2, 1, 2, atView1), fx.viewChange(3, 1, 2, null));

        assertTrue(sent(p.step(3, fx.newView(3, 1, 2, vcs, fx.prePrepare(3, 1, 2, b))), Prepare.class).isEmpty(),
                "accepted the block prepared at view 0 over the one prepared at view 1");
        Ready r = p.step(3, fx.newView(3, 1, 2, vcs, fx.prePrepare(3, 1, 2, c)));
        assertEquals(List.of(c.hash(fx.suite)), sent(r, Prepare.class).stream().map(Prepare::blockHash).toList());
        assertEquals(2, p.replica.view());
    }

    record NvCase(String name, Rejection reason, Function<Fixture, NewView> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<ViewChange> plainViewChanges(Fixture fx, int view, int... who) {
        List<ViewChange> out = new ArrayList<>();
        for (int w : who) {
            out.add(fx.viewChange(w, 1, view, null));
        }
        return out;
    }

    static PrePrepare fresh(Fixture fx) {
        return fx.prePrepare(2, 1, 1, fx.chain().block(2, 1, fx.tx(3, 0)));
    }

    static Stream<NvCase> invalidNewViews() {
        return Stream.of(
                new NvCase("with fewer than a quorum of view changes", Rejection.NEW_VIEW_NO_QUORUM,
                        fx -> fx.newView(2, 1, 1, plainViewChanges(fx, 1, 2, 3), fresh(fx))),
                new NvCase("with one view change repeated to make up the quorum", Rejection.NEW_VIEW_BAD_VIEW_CHANGES,
                        fx -> {
                            List<ViewChange> vcs = plainViewChanges(fx, 1, 2, 3);
                            vcs.add(vcs.get(1));
                            return fx.newView(2, 1, 1, vcs, fresh(fx));
                        }),
                new NvCase("with a forged view change", Rejection.BAD_SIGNATURE, fx -> {
                    List<ViewChange> vcs = plainViewChanges(fx, 1, 2, 3);
                    ViewChange real = fx.viewChange(1, 1, 1, null);
                    vcs.add(new ViewChange(1, 1, null, fx.id(1), Fixture.flipped(real.signature(), 5)));
                    return fx.newView(2, 1, 1, vcs, fresh(fx));
                }),
                new NvCase("with a view change from a non-validator", Rejection.NOT_A_VALIDATOR,
                        fx -> fx.newView(2, 1, 1, plainViewChanges(fx, 1, 2, 3, fx.outsider()), fresh(fx))),
                new NvCase("with view changes for another view", Rejection.NEW_VIEW_BAD_VIEW_CHANGES,
                        fx -> {
                            List<ViewChange> vcs = plainViewChanges(fx, 1, 2, 3);
                            vcs.add(fx.viewChange(1, 1, 2, null));
                            return fx.newView(2, 1, 1, vcs, fresh(fx));
                        }),
                new NvCase("from a replica that is not the new primary", Rejection.NOT_FROM_PRIMARY,
                        fx -> fx.newView(3, 1, 1, plainViewChanges(fx, 1, 1, 2, 3), fx.prePrepare(3, 1, 1, fx.chain().block(3, 1, fx.tx(3, 0))))),
                new NvCase("with a forged NEW-VIEW signature", Rejection.BAD_SIGNATURE, fx -> {
                    NewView nv = fx.newView(2, 1, 1, plainViewChanges(fx, 1, 1, 2, 3), fresh(fx));
                    return new NewView(1, 1, nv.viewChanges(), nv.prePrepare(), nv.sender(), Fixture.flipped(nv.signature(), 0));
                }),
                new NvCase("whose pre-prepare is for another view", Rejection.NEW_VIEW_BAD_PRE_PREPARE,
                        fx -> fx.newView(2, 1, 1, plainViewChanges(fx, 1, 1, 2, 3), fx.prePrepare(2, 1, 0, fx.chain().block(2, 1, fx.tx(3, 0))))),
                new NvCase("whose fresh block is invalid", Rejection.BLOCK_STATE_ROOT, fx -> {
                    Block ok = fx.chain().block(2, 1, fx.tx(3, 0));
                    var h = ok.header();
                    Block bad = Fixture.withHeader(ok, new org.batteryledger.core.chain.BlockHeader(1, h.parentHash(), h.txRoot(),
                            fx.suite.hash(new byte[]{1}), h.proposer(), 1, h.timestamp()));
                    return fx.newView(2, 1, 1, plainViewChanges(fx, 1, 1, 2, 3), fx.prePrepare(2, 1, 1, bad));
                }),
                new NvCase("with a prepared certificate of too few prepares", Rejection.PREPARED_NO_QUORUM, fx -> {
                    Block b = fx.chain().block(1, 0, fx.tx(3, 5));
                    List<ViewChange> vcs = plainViewChanges(fx, 1, 2, 3);
                    vcs.add(fx.viewChange(1, 1, 1, fx.prepared(fx.prePrepare(1, 1, 0, b), 3)));
                    return fx.newView(2, 1, 1, vcs, fx.prePrepare(2, 1, 1, b));
                }),
                new NvCase("ignoring another replica's prepared certificate", Rejection.NOT_HIGHEST_PREPARED, fx -> {
                    Block b = fx.chain().block(1, 0, fx.tx(3, 5));
                    List<ViewChange> vcs = plainViewChanges(fx, 1, 1, 2);
                    vcs.add(fx.viewChange(3, 1, 1, fx.prepared(fx.prePrepare(1, 1, 0, b), 2, 3)));
                    return fx.newView(2, 1, 1, vcs, fresh(fx));
                }));
    }

    // §4.4: a backup accepts a NEW-VIEW only if it is signed by the new primary, holds 2f+1 (a quorum of) valid
    // VIEW-CHANGEs for that view from distinct replicas, and its pre-prepare is the one those view changes dictate.
    @ParameterizedTest(name = "a NEW-VIEW {0} is rejected")
    @MethodSource("invalidNewViews")
    void invalidNewViewIsRejectedAndTheValidOneStillAccepted(NvCase c) {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        NewView bad = c.make().apply(fx);

        Ready r = p.step(bad.sender().equals(fx.id(3)) ? 3 : 2, bad);

        assertTrue(sent(r, Prepare.class).isEmpty(), "prepared after a NEW-VIEW " + c);
        assertEquals(0, p.replica.view(), "moved to the view of a NEW-VIEW " + c);
        assertEquals(Map.of(c.reason(), 1L), p.replica.metrics().dropped());

        Ready ok = p.step(2, fx.newView(2, 1, 1, plainViewChanges(fx, 1, 1, 2, 3), fresh(fx)));
        assertEquals(1, sent(ok, Prepare.class).size(), "the valid NEW-VIEW was not accepted afterwards");
        assertEquals(1, p.replica.view());
    }
}
