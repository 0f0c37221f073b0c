package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.Checkpoint;
import org.batteryledger.core.pbft.PbftMessage.ChunkRequest;
import org.batteryledger.core.pbft.PbftMessage.ChunkResponse;
import org.batteryledger.core.pbft.PbftMessage.SnapshotOffer;
import org.batteryledger.core.pbft.PbftMessage.SnapshotRequest;
import org.batteryledger.core.snapshot.CheckpointCertificate;
import org.batteryledger.core.snapshot.SnapshotChunk;
import org.batteryledger.core.snapshot.SnapshotJoin;
import org.batteryledger.core.snapshot.SnapshotManifest;
import org.batteryledger.core.snapshot.StableCheckpoint;
import org.batteryledger.core.snapshot.StateSnapshot;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints and starting from one (Castro & Liskov, OSDI 1999, §4.3): at every checkpoint height each validator
 * signs the digest of the whole state; a quorum of matching signatures makes the checkpoint stable and is its proof;
 * a replica that lacks state fetches it from others and checks it against that proof. Here four real replicas talk
 * through the codec, and a fourth node joins from a snapshot, then syncs the tail block by block.
 */
class CheckpointTest {
    private static final long INTERVAL = 4;

    private final Fixture fx = new Fixture(4, 0, Map.of(Params.CHECKPOINT_INTERVAL_BLOCKS, INTERVAL));
    private final List<Fixture.Probe> probes = new ArrayList<>();
    private final Set<Integer> down = new HashSet<>();
    private long nonce;

    private Fixture.Probe start(int i) {
        Fixture.Probe p = new Fixture.Probe(fx, i, Replica.create(fx.config(i, 10, 10), fx.genesis));
        probes.add(p);
        return p;
    }

    /** Delivers every queued message through the codec to every running addressee, until none is left. */
    private void settle() {
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Fixture.Probe p : List.copyOf(probes)) {
                if (down.contains(p.index)) {
                    p.outbox.clear();
                    continue;
                }
                List<Ready.Outbound> out = new ArrayList<>(p.outbox);
                p.outbox.clear();
                for (Ready.Outbound o : out) {
                    byte[] bytes = MessageCodec.encode(o.message());
                    for (NodeId to : o.to()) {
                        Fixture.Probe q = probe(to);
                        if (q != null && !down.contains(q.index)) {
                            q.receive(p.index, bytes);
                            moved = true;
                        }
                    }
                }
            }
        }
    }

    private Fixture.Probe probe(NodeId id) {
        for (Fixture.Probe p : probes) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }

    /** Commits {@code blocks} more blocks of one transaction each, through probe 0. */
    private void commitBlocks(int blocks) {
        for (int b = 0; b < blocks; b++) {
            long before = probes.get(0).replica.committedHeight();
            assertTrue(probes.get(0).submit(fx.tx(1 + (int) (nonce % 3), nonce++, 500)).accepted());
            settle();
            for (int t = 0; t < 100 && probes.get(0).replica.committedHeight() == before; t++) {
                for (Fixture.Probe p : probes) {
                    if (!down.contains(p.index)) {
                        p.tick();
                    }
                }
                settle();
            }
            assertEquals(before + 1, probes.get(0).replica.committedHeight(), "a block commits");
        }
    }

    /** The state after {@code height} by re-executing every committed block from genesis. */
    private WorldState replayed(long height) {
        WorldState ws = fx.genesisState();
        BlockHeader parent = fx.genesisBlock.header();
        for (long h = 1; h <= height; h++) {
            CommittedBlock cb = fx.store.get(h);
            BlockExecutor.Execution ex = fx.executor.execute(ws, parent.stateRoot(), h, cb.block().transactions(), false);
            assertEquals(cb.block().header().stateRoot(), ex.stateRoot());
            ws.apply(ex.writeSet());
            parent = cb.block().header();
        }
        return ws;
    }

    private StableCheckpoint last(Fixture.Probe p) {
        return p.stable.isEmpty() ? null : p.stable.get(p.stable.size() - 1);
    }

    // §4.3: "a checkpoint with a proof becomes stable" once 2f+1 replicas signed the same digest; the digest is that of
    // the state after the checkpoint's block, as anyone re-executing the chain computes it.
    @Test
    void aQuorumOfMatchingCheckpointsMakesTheStateAfterACheckpointHeightStable() {
        for (int i = 0; i < 4; i++) {
            start(i);
        }
        commitBlocks(9);

        for (Fixture.Probe p : probes) {
            assertEquals(List.of(4L, 8L), p.stable.stream().map(StableCheckpoint::height).toList(), "node" + p.index);
            assertEquals(8, p.replica.metrics().stableCheckpoint());
            assertEquals(0, p.replica.metrics().checkpointsDiverged());
        }
        CheckpointCertificate cert = last(probes.get(0)).certificate();
        Hash expected = StateSnapshot.of(fx.suite, 8, fx.store.get(8L).block().hash(fx.suite), replayed(8)).digest();
        assertEquals(expected, cert.stateDigest());
        assertEquals(fx.store.get(8L).block().hash(fx.suite), cert.blockHash());
        assertNull(cert.verify(fx.suite, fx.chainId, probes.get(0).replica.validators().keys(), fx.quorum()));
        assertTrue(cert.signatures().size() >= fx.quorum());
        for (Fixture.Probe p : probes) {
            assertEquals(cert.stateDigest(), last(p).certificate().stateDigest(), "every node has the same state after 8");
        }
    }

    // A state of several chunks is hashed a chunk per commit and per tick, not at once on the commit of the checkpoint's
    // block (Castro & Liskov compute checkpoints incrementally, TOCS 2002 §6.2.2): the vote goes out a few ticks later,
    // with the digest the whole snapshot at once gives.
    @Test
    void aLargeStateIsHashedInSlicesAndItsCheckpointHasTheDigestOfTheWholeSnapshot() {
        WriteSet filler = filler(4 * StateSnapshot.CHUNK_TARGET_BYTES);
        for (int i = 0; i < 4; i++) {
            WorldState state = fx.genesisState();
            state.apply(filler);
            probes.add(new Fixture.Probe(fx, i, Replica.recover(fx.config(i, 10, 10), fx.genesis, fx.genesisBlock.header(), state, List.of())));
        }
        commitBlocks((int) INTERVAL);
        for (Fixture.Probe p : probes) {
            assertTrue(p.stable.isEmpty(), "the commit of the checkpoint's block hashed one slice of node" + p.index + "'s state");
        }
        probes.forEach(Fixture.Probe::tick);
        settle();
        assertTrue(probes.get(0).stable.isEmpty(), "two slices of five chunks");

        int ticks = 1;
        for (; ticks < 20 && probes.stream().anyMatch(p -> p.stable.isEmpty()); ticks++) {
            probes.forEach(Fixture.Probe::tick);
            settle();
        }
        assertEquals(4, ticks, "a slice a tick: one chunk at the commit, four ticks for the other four");
        WorldState expected = replayed(INTERVAL);
        expected.apply(filler);
        StateSnapshot whole = StateSnapshot.of(fx.suite, INTERVAL, fx.store.get(INTERVAL).block().hash(fx.suite), expected);
        assertEquals(5, whole.chunkCount());
        for (Fixture.Probe p : probes) {
            assertEquals(whole.digest(), last(p).certificate().stateDigest(), "node" + p.index);
            assertEquals(whole.manifest(), last(p).snapshot().manifest());
        }
    }

    /** About {@code bytes} of state in entries of 1,000 bytes, in a table of their own. */
    private static WriteSet filler(int bytes) {
        List<WriteSet.Entry> entries = new ArrayList<>();
        for (int i = 0; i < bytes / 1_000; i++) {
            byte[] value = new byte[1_000];
            value[0] = (byte) i;
            value[1] = (byte) (i >> 8);
            entries.add(new WriteSet.Entry("filler", String.format("%06d", i), value));
        }
        return new WriteSet(entries);
    }

    // §4.3 state transfer: a node that has nothing but the genesis fetches the last stable checkpoint's state, checks it
    // against the quorum's signatures and the chunk hashes, starts there, and syncs the tail; its state then has the
    // digest the others sign at the next checkpoint, the same as full replay gives.
    @Test
    void aNodeThatJoinsFromASnapshotEndsWithTheStateOfFullReplay() {
        for (int i = 0; i < 4; i++) {
            start(i);
        }
        down.add(3);
        probes.get(0).replica.step(fx.id(3), new SnapshotRequest(0));
        probes.get(0).drain();
        assertEquals(new PbftMessage.NoSnapshot(0), probes.get(0).outbox.remove(probes.get(0).outbox.size() - 1).message(),
                "no stable checkpoint yet: the asker is told so rather than left to its timeout");
        commitBlocks(10); // stable at 4 and 8 with nodes 0-2 (a quorum of 4)
        probes.remove(3);
        down.clear();

        NodeId joinerId = fx.id(3);
        SnapshotJoin join = new SnapshotJoin(fx.suite, fx.chainId, probes.get(0).replica.validators().keys(), fx.quorum());
        for (Fixture.Probe p : probes) {
            p.replica.step(joinerId, new SnapshotRequest(0));
            p.drain();
        }
        for (Fixture.Probe p : probes) {
            for (Ready.Outbound o : p.outbox) {
                if (o.message() instanceof SnapshotOffer offer) {
                    assertNull(join.offer(p.id(), offer.certificate(), offer.block(), offer.manifest()));
                }
            }
            p.outbox.clear();
        }
        assertEquals(8, join.height());
        assertEquals(3, join.sources().size());
        for (int index : join.missing(100)) {
            Fixture.Probe server = probe(join.sources().get(index % 3));
            server.replica.step(joinerId, new ChunkRequest(8, index));
            server.drain();
            ChunkResponse c = (ChunkResponse) server.outbox.remove(server.outbox.size() - 1).message();
            assertNull(join.chunk(c.chunk()));
        }
        assertTrue(join.complete());
        SnapshotJoin.Joined joined = join.result();
        assertEquals(8, joined.block().block().height());

        Fixture.Probe joiner = new Fixture.Probe(fx, 3, Replica.recover(fx.config(3, 10, 10), fx.genesis,
                joined.block().block().header(), joined.state(), List.of()));
        probes.add(joiner);
        assertEquals(8, joiner.replica.committedHeight());
        commitBlocks(3); // the joiner learns from STATUS that it lags, syncs 9-10, then takes part in 11-13
        for (int t = 0; t < 50 && joiner.replica.committedHeight() < 13; t++) {
            probes.forEach(Fixture.Probe::tick);
            settle();
        }
        assertEquals(13, joiner.replica.committedHeight());
        assertEquals(probes.get(0).replica.headHash(), joiner.replica.headHash());
        Hash replay12 = StateSnapshot.of(fx.suite, 12, fx.store.get(12L).block().hash(fx.suite), replayed(12)).digest();
        assertEquals(replay12, last(joiner).certificate().stateDigest(), "the joiner's state after 12 is the replayed one");
        assertEquals(12, last(joiner).height());
    }

    // What a joiner is handed is checked before it is taken: a certificate short of a quorum, a manifest that is not the
    // certified one, a chunk whose bytes were changed.
    @Test
    void aJoinerRefusesAnUncertifiedCheckpointAnAlteredManifestAndAnAlteredChunk() {
        for (int i = 0; i < 4; i++) {
            start(i);
        }
        commitBlocks(5);
        StableCheckpoint stable = last(probes.get(0));
        CommittedBlock block = fx.store.get(4L);
        CheckpointCertificate cert = stable.certificate();
        SnapshotManifest manifest = stable.snapshot().manifest();
        SnapshotJoin join = new SnapshotJoin(fx.suite, fx.chainId, probes.get(0).replica.validators().keys(), fx.quorum());

        CheckpointCertificate short1 = new CheckpointCertificate(cert.height(), cert.blockHash(), cert.stateDigest(),
                cert.signatures().subList(0, fx.quorum() - 1));
        assertTrue(join.offer(fx.id(1), short1, block, manifest).contains("quorum"));
        CheckpointCertificate forged = new CheckpointCertificate(cert.height(), cert.blockHash(), fx.suite.hash(new byte[]{1}), cert.signatures());
        assertTrue(join.offer(fx.id(1), forged, block, manifest).contains("only 0 valid checkpoint signatures"));
        CommittedBlock uncertified = new CommittedBlock(block.block(), new CommitCertificate(4, block.certificate().view(),
                block.certificate().blockHash(), block.certificate().seals().subList(0, 1)));
        assertTrue(join.offer(fx.id(1), cert, uncertified, manifest).contains("commit certificate"));
        SnapshotManifest other = new SnapshotManifest(manifest.height(), manifest.blockHash(), manifest.entryCount() + 1, manifest.chunkHashes());
        assertTrue(join.offer(fx.id(1), cert, block, other).contains("digest"));
        assertTrue(join.offer(fx.id(1), cert, fx.store.get(3L), manifest).contains("block"));
        assertEquals(-1, join.height());

        // A signature of a node the joiner does not know (validators changed since its genesis) is not counted, not refused.
        List<CommitSeal> withStranger = new ArrayList<>(cert.signatures());
        withStranger.add(new CommitSeal(fx.id(fx.outsider()), new byte[64]));
        assertNull(join.offer(fx.id(1), new CheckpointCertificate(cert.height(), cert.blockHash(), cert.stateDigest(), withStranger), block, manifest));
        SnapshotChunk honest = stable.snapshot().chunk(0);
        List<WriteSet.Entry> entries = new ArrayList<>(honest.entries());
        WriteSet.Entry e = entries.get(entries.size() - 1);
        entries.set(entries.size() - 1, new WriteSet.Entry(e.table(), e.key(), new byte[]{42}));
        assertTrue(join.chunk(new SnapshotChunk(4, 0, entries)).contains("hash"));
        assertTrue(join.chunk(new SnapshotChunk(3, 0, honest.entries())).contains("not of the snapshot"));
        assertEquals(List.of(0), join.missing(10));
        assertNull(join.chunk(honest));
        assertTrue(join.complete());
        assertEquals(stable.snapshot().entryCount(), join.result().state().size());
    }

    // A replica catching up by more than an interval (f+1 validators announce heights beyond it) signs no checkpoint on
    // the way: the snapshot would be superseded before anyone asked for it. One that is not behind signs each.
    @Test
    void aReplicaFarBehindTakesNoSnapshotWhileItSyncs() {
        Fixture.Chain chain = fx.chain();
        List<CommittedBlock> blocks = new ArrayList<>();
        for (int h = 1; h <= 8; h++) {
            blocks.add(chain.commit(chain.block((h + 0) % 4, 0, fx.tx(1 + h % 3, h, 500)), 0, 0, 1, 2, 3));
        }
        Fixture.Probe behind = start(0);
        behind.step(1, new PbftMessage.Status(100, chain.headHash));
        behind.step(2, new PbftMessage.Status(100, chain.headHash));
        behind.outbox.clear();
        behind.step(1, new PbftMessage.SyncResponse(blocks));
        assertEquals(8, behind.replica.committedHeight());
        assertTrue(behind.allSent(Checkpoint.class).isEmpty(), "no checkpoint signed while far behind");

        Fixture.Probe level = start(1);
        level.step(2, new PbftMessage.SyncResponse(blocks));
        assertEquals(List.of(4L, 8L), level.allSent(Checkpoint.class).stream().map(Checkpoint::height).toList());
    }

    // A CHECKPOINT is a signed vote like any other: from outside the validator set, with a bad signature, or a second
    // digest for one height (two states after the same blocks) is refused, and the last is evidence.
    @Test
    void checkpointsFromNonValidatorsWithBadSignaturesOrTwoDigestsAreRefused() {
        Fixture.Probe p = start(0);
        Hash block = fx.suite.hash(new byte[]{7});
        Hash digest = fx.suite.hash(new byte[]{8});
        int outsider = fx.outsider();
        p.step(outsider, signed(outsider, 4, block, digest));
        assertEquals(1L, p.replica.metrics().dropped().get(Rejection.NOT_A_VALIDATOR));

        Checkpoint good = signed(2, 4, block, digest);
        p.step(2, new Checkpoint(4, block, digest, fx.id(2), Fixture.flipped(good.signature(), 5)));
        assertEquals(1L, p.replica.metrics().dropped().get(Rejection.BAD_SIGNATURE));

        p.step(2, good);
        p.step(2, good);
        assertEquals(1L, p.replica.metrics().dropped().get(Rejection.DUPLICATE));
        p.step(2, signed(2, 4, block, fx.suite.hash(new byte[]{9})));
        assertNotNull(p.replica.evidence(fx.id(2)).get(Rejection.EQUIVOCATION));
        p.step(2, signed(2, 0, block, digest));
        assertEquals(1L, p.replica.metrics().dropped().get(Rejection.CHECKPOINT_STALE));
    }

    private Checkpoint signed(int who, long height, Hash block, Hash digest) {
        Checkpoint unsigned = new Checkpoint(height, block, digest, fx.id(who), new byte[0]);
        return new Checkpoint(height, block, digest, fx.id(who), fx.signers.get(who).sign(unsigned.signingBytes(fx.chainId)));
    }
}
