package org.batteryledger.core.snapshot;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.sim.SimSuite;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot's chunks and manifest depend on the state alone (every validator must sign the same digest), every
 * chunk re-encodes to the hash its manifest lists, and no entry of the state can change without changing the digest.
 */
class StateSnapshotTest {
    private static final long SEED = 20_261_204L;
    private final SimSuite suite = new SimSuite();
    private final Hash block = suite.hash(new byte[]{1});

    private static WorldState state(long seed, int entries) {
        Random r = new Random(seed);
        List<WriteSet.Entry> writes = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            byte[] value = new byte[r.nextInt(4_000)];
            r.nextBytes(value);
            writes.add(new WriteSet.Entry("t" + r.nextInt(5), "k" + r.nextInt(1_000_000), value));
        }
        WorldState s = new WorldState();
        s.apply(new WriteSet(writes));
        return s;
    }

    @Test
    void chunksAreCutBySizeInKeyOrderAndHashAsTheManifestLists() {
        WorldState s = state(SEED, 2_000); // about 4 MB
        StateSnapshot snap = StateSnapshot.of(suite, 9, block, s);

        assertTrue(snap.chunkCount() >= 4, "cut into chunks of about 1 MiB: " + snap.chunkCount());
        assertEquals(s.size(), snap.entryCount());
        long entries = 0;
        String last = "";
        for (int i = 0; i < snap.chunkCount(); i++) {
            SnapshotChunk c = snap.chunk(i);
            byte[] bytes = c.encode();
            assertTrue(bytes.length <= StateSnapshot.CHUNK_TARGET_BYTES + 64, "chunk " + i + " is " + bytes.length + " bytes");
            assertEquals(snap.manifest().chunkHashes().get(i), c.hash(suite));
            SnapshotChunk back = SnapshotChunk.read(new CanonicalReader(bytes));
            assertArrayEquals(bytes, back.encode());
            for (WriteSet.Entry e : c.entries()) {
                String k = e.table() + "\u0000" + e.key();
                assertTrue(k.compareTo(last) > 0, "in (table, key) order");
                last = k;
            }
            entries += c.entries().size();
        }
        assertEquals(s.size(), entries);
        assertNull(snap.chunk(snap.chunkCount()));
        assertEquals(snap.digest(), snap.manifest().digest(suite));
    }

    @Test
    void hashedInSlicesItIsTheSnapshotHashedAtOnceAndHoldsTheStateAsFrozen() {
        WorldState s = state(SEED, 2_000);
        StateSnapshot whole = StateSnapshot.of(suite, 9, block, s);
        StateSnapshot sliced = StateSnapshot.freeze(suite, 9, block, s);
        s.apply(new WriteSet(List.of(new WriteSet.Entry("t0", "changed after the freeze", new byte[]{1}))));

        assertThrows(IllegalStateException.class, sliced::digest, "no digest before every chunk is hashed");
        int slices = 1;
        while (!sliced.digestSome(1)) {
            slices++;
        }
        assertEquals(whole.chunkCount(), slices);
        assertEquals(whole.manifest(), sliced.manifest());
        assertEquals(whole.digest(), sliced.digest());
        assertTrue(sliced.digestSome(1), "digested stays digested");
        assertNotEquals(whole.digest(), StateSnapshot.of(suite, 9, block, s).digest(), "the write after the freeze is in the state");
    }

    @Test
    void theDigestDependsOnEveryEntryAndOnNothingElse() {
        WorldState s = state(SEED, 600);
        Hash digest = StateSnapshot.of(suite, 9, block, s).digest();
        assertEquals(digest, StateSnapshot.of(suite, 9, block, s.copy()).digest(), "the same state, the same digest");
        assertEquals(digest, StateSnapshot.of(suite, 9, block, state(SEED, 600)).digest(), "built again from the same writes");

        Random r = new Random(SEED);
        List<String> tables = new ArrayList<>(s.tables());
        for (int trial = 0; trial < 20; trial++) {
            String table = tables.get(r.nextInt(tables.size()));
            List<String> keys = new ArrayList<>(s.scan(table).keySet());
            String key = keys.get(r.nextInt(keys.size()));
            WorldState changed = s.copy();
            byte[] v = s.get(table, key).clone();
            if (v.length == 0) {
                v = new byte[]{0};
            } else {
                v[r.nextInt(v.length)] ^= 1;
            }
            changed.apply(new WriteSet(List.of(new WriteSet.Entry(table, key, v))));
            assertNotEquals(digest, StateSnapshot.of(suite, 9, block, changed).digest(), "a changed value");
            WorldState removed = s.copy();
            removed.apply(new WriteSet(List.of(new WriteSet.Entry(table, key, null))));
            assertNotEquals(digest, StateSnapshot.of(suite, 9, block, removed).digest(), "a removed entry");
        }
        assertNotEquals(digest, StateSnapshot.of(suite, 10, block, s).digest(), "another height");
        assertNotEquals(digest, StateSnapshot.of(suite, 9, suite.hash(new byte[]{2}), s).digest(), "another block");
    }

    @Test
    void anEntryLargerThanAChunkGetsAChunkOfItsOwnAndAnEmptyStateNone() {
        WorldState s = new WorldState();
        s.apply(new WriteSet(List.of(new WriteSet.Entry("a", "small", new byte[10]),
                new WriteSet.Entry("b", "large", new byte[StateSnapshot.CHUNK_TARGET_BYTES * 2]),
                new WriteSet.Entry("c", "small", new byte[10]))));
        StateSnapshot snap = StateSnapshot.of(suite, 1, block, s);
        assertEquals(3, snap.chunkCount());
        assertEquals(List.of(1, 1, 1), List.of(snap.chunk(0).entries().size(), snap.chunk(1).entries().size(), snap.chunk(2).entries().size()));

        StateSnapshot empty = StateSnapshot.of(suite, 1, block, new WorldState());
        assertEquals(0, empty.chunkCount());
        assertEquals(0, empty.entryCount());
    }
    /**
     * The contract's layout packs the replay index; a snapshot of it must be byte for byte the snapshot of the same
     * state held plain, or validators of either kind would sign different digests. Also after writes that follow the
     * freeze, which the packed leaves see only through copies.
     */
    @Test
    void aStateWithItsReplayIndexPackedSnapshotsAsTheSameStatePlain() {
        Random r = new Random(SEED);
        List<WriteSet.Entry> writes = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) { // about 6 MB of replay index: chunks cut inside and across its two tables
            byte[] hash = new byte[32];
            r.nextBytes(hash);
            String hex = java.util.HexFormat.of().formatHex(hash);
            long expiry = 1_000 + r.nextInt(1_000);
            writes.add(new WriteSet.Entry(Tables.TX, hex, new CanonicalWriter(8).u64(expiry).toByteArray()));
            writes.add(new WriteSet.Entry(Tables.TX_EXPIRY, BlockExecutor.expiryKey(expiry, hex), new byte[0]));
        }
        for (int i = 0; i < 500; i++) {
            writes.add(new WriteSet.Entry(i % 2 == 0 ? Tables.ANCHOR : Tables.VALUATION, "k" + i, new byte[r.nextInt(3_000)]));
        }
        writes.sort((a, b) -> a.table().equals(b.table()) ? a.key().compareTo(b.key()) : a.table().compareTo(b.table()));
        WorldState plain = new WorldState();
        WorldState packed = new WorldState(Tables.LAYOUT);
        plain.apply(new WriteSet(writes));
        packed.apply(new WriteSet(writes));
        StateSnapshot fromPlain = StateSnapshot.freeze(suite, 9, block, plain);
        StateSnapshot fromPacked = StateSnapshot.freeze(suite, 9, block, packed);
        List<WriteSet.Entry> later = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            later.add(new WriteSet.Entry(writes.get(i).table(), writes.get(i).key(), null));
        }
        plain.apply(new WriteSet(later));
        packed.apply(new WriteSet(later));

        assertTrue(fromPacked.digestSome(Integer.MAX_VALUE) && fromPlain.digestSome(Integer.MAX_VALUE));
        assertTrue(fromPacked.chunkCount() >= 5, "several chunks: " + fromPacked.chunkCount());
        assertEquals(fromPlain.digest(), fromPacked.digest());
        assertEquals(fromPlain.entryCount(), fromPacked.entryCount());
        for (int i = 0; i < fromPlain.chunkCount(); i++) {
            assertArrayEquals(fromPlain.chunk(i).encode(), fromPacked.chunk(i).encode(), "chunk " + i);
        }
        assertEquals(StateSnapshot.of(suite, 9, block, plain).digest(), StateSnapshot.of(suite, 9, block, packed).digest());
        assertNotEquals(fromPlain.digest(), StateSnapshot.of(suite, 9, block, packed).digest());
    }
}
