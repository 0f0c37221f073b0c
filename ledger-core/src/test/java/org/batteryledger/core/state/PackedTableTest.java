package org.batteryledger.core.state;

import org.batteryledger.core.codec.CanonicalWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A packed table must be indistinguishable from the sorted map it replaces: the same reads, scans, views, copies and
 * frozen entries after any sequence of writes. Checked against a {@link TreeMap} under seeded random operations.
 */
class PackedTableTest {
    private static final PackedFormat BY_HASH = new PackedFormat(PackedFormat.Key.HEX_32, PackedFormat.Value.U64);
    private static final PackedFormat BY_EXPIRY = new PackedFormat(PackedFormat.Key.HEIGHT_HEX_32, PackedFormat.Value.EMPTY);

    private static String hash(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static byte[] u64(long v) {
        return new CanonicalWriter(8).u64(v).toByteArray(); // as the contract encodes a height
    }

    private static String expiryKey(long height, String hash) {
        return String.format("%020d:", height) + hash;
    }

    @Test
    void keysComeBackAsTheSameStringsAndOthersAreRefused() {
        long[] k = new long[5];
        for (String key : List.of("00".repeat(32), "ff".repeat(32), "0123456789abcdef".repeat(4))) {
            assertTrue(PackedFormat.Key.HEX_32.encode(key, k, 0), key);
            assertEquals(key, PackedFormat.Key.HEX_32.decode(k, 0));
        }
        for (String key : List.of(expiryKey(0, "ab".repeat(32)), expiryKey(Long.MAX_VALUE, "01".repeat(32)), expiryKey(1_000, "7f".repeat(32)))) {
            assertTrue(PackedFormat.Key.HEIGHT_HEX_32.encode(key, k, 0), key);
            assertEquals(key, PackedFormat.Key.HEIGHT_HEX_32.decode(k, 0));
        }
        for (String key : List.of("AB".repeat(32), "ab".repeat(31), "ab".repeat(33), "g" + "a".repeat(63), "")) {
            assertFalse(PackedFormat.Key.HEX_32.encode(key, k, 0), key);
        }
        String hex = "cd".repeat(32);
        for (String key : List.of("09223372036854775808:" + hex, // 2^63: would not fit a long
                "10000000000000000000:" + hex, "+0000000000000000001:" + hex, "-0000000000000000001:" + hex,
                "0000000000000000001;" + hex + "0", "00000000000000000001:" + hex.toUpperCase(), "00000000000000000001-" + hex)) {
            assertFalse(PackedFormat.Key.HEIGHT_HEX_32.encode(key, k, 0), key);
        }
        assertTrue(PackedFormat.Value.U64.accepts(new byte[8]));
        assertFalse(PackedFormat.Value.U64.accepts(new byte[7]));
        assertFalse(PackedFormat.Value.EMPTY.accepts(new byte[1]));
        assertArrayEquals(u64(-2), PackedFormat.Value.U64.decode(PackedFormat.Value.U64.encode(u64(-2))));
    }

    @Test
    void randomWritesReadAndScanAsASortedMapDoes() {
        for (long seed = 1; seed <= 4; seed++) {
            Random r = new Random(seed);
            PackedTable packed = new PackedTable(BY_HASH);
            TreeMap<String, byte[]> model = new TreeMap<>();
            List<String> known = new ArrayList<>();
            for (int op = 0; op < 30_000; op++) {
                int what = r.nextInt(10);
                if (what < 5 || known.isEmpty()) { // put: new key, or a known one again with another value
                    String key = what == 0 && !known.isEmpty() ? known.get(r.nextInt(known.size())) : hash(r);
                    byte[] value = u64(r.nextLong());
                    assertTrue(packed.put(key, value));
                    model.put(key, value);
                    known.add(key);
                } else if (what < 8) {
                    String key = known.get(r.nextInt(known.size()));
                    packed.remove(key);
                    model.remove(key);
                } else {
                    packed.remove(hash(r)); // absent
                }
                if (op % 1_000 == 0) {
                    assertSameAsModel(model, packed.view(), r);
                }
            }
            assertSameAsModel(model, packed.view(), r);
        }
    }

    @Test
    void theExpiryOrderedIndexGrowsAtTheEndAndIsPrunedFromTheFront() {
        Random r = new Random(7);
        PackedTable packed = new PackedTable(BY_EXPIRY);
        TreeMap<String, byte[]> model = new TreeMap<>();
        for (long height = 1; height <= 400; height++) { // as the executor does: a block's entries expire 50 blocks on
            for (int i = r.nextInt(300); i > 0; i--) {
                String key = expiryKey(height + 50 - r.nextInt(3), hash(r));
                packed.put(key, new byte[0]);
                model.put(key, new byte[0]);
            }
            String floor = String.format("%020d:", height);
            for (String key : List.copyOf(packed.view().headMap(floor).keySet())) {
                packed.remove(key);
            }
            model.headMap(floor).clear();
            assertEquals(model.size(), packed.size());
            if (height % 50 == 0) {
                assertSameAsModel(model, packed.view(), r);
            }
        }
        assertTrue(packed.size() > 5_000, "the window holds some fifty blocks");
    }

    @Test
    void aCopyAndAFreezeAreUntouchedByLaterWritesAndViceVersa() {
        Random r = new Random(11);
        PackedTable table = new PackedTable(BY_HASH);
        TreeMap<String, byte[]> model = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            String key = hash(r);
            table.put(key, u64(i));
            model.put(key, u64(i));
        }
        TreeMap<String, byte[]> atCopy = new TreeMap<>(model);
        StateTable copy = table.copy();
        FrozenTable frozen = table.freeze("tx");
        List<String> keys = new ArrayList<>(model.keySet());
        for (int i = 0; i < 2_000; i++) { // change both, differently
            table.remove(keys.get(i));
            model.remove(keys.get(i));
            String key = hash(r);
            table.put(key, u64(-i));
            model.put(key, u64(-i));
            copy.put(keys.get(keys.size() - 1 - i), u64(42));
        }
        assertSameAsModel(model, table.view(), r);
        TreeMap<String, byte[]> copyModel = new TreeMap<>(atCopy);
        for (int i = 0; i < 2_000; i++) {
            copyModel.put(keys.get(keys.size() - 1 - i), u64(42));
        }
        assertSameAsModel(copyModel, copy.view(), r);
        assertEquals(atCopy.size(), frozen.size());
        int i = 0;
        for (Map.Entry<String, byte[]> e : atCopy.entrySet()) {
            assertEquals(e.getKey(), frozen.key(i));
            assertArrayEquals(e.getValue(), frozen.value(i));
            assertEquals(64, frozen.keyBytes(i));
            assertEquals(8, frozen.valueBytes(i));
            i++;
        }
    }

    @Test
    void aStateHoldsAnEntryOfAnotherShapeByGoingPlain() {
        WorldState packed = new WorldState(new TableLayout(Map.of("tx", BY_HASH)));
        WorldState plain = new WorldState();
        Random r = new Random(3);
        List<WriteSet.Entry> writes = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            writes.add(new WriteSet.Entry("tx", hash(r), u64(i)));
        }
        writes.add(new WriteSet.Entry("tx", "not a hash", new byte[] {1}));
        writes.add(new WriteSet.Entry("tx", hash(r), new byte[] {1, 2, 3})); // a value of another length
        writes.sort((a, b) -> a.key().compareTo(b.key()));
        packed.apply(new WriteSet(writes));
        plain.apply(new WriteSet(writes));
        assertEntriesEqual(plain.scan("tx"), packed.scan("tx"));
        assertArrayEquals(new byte[] {1}, packed.get("tx", "not a hash"));
        assertEquals(1_002, packed.size());
    }

    @Test
    void shrinkingMergesLeavesAndStaysASortedMap() {
        for (PackedFormat format : List.of(BY_HASH, BY_EXPIRY)) {
            Random r = new Random(5);
            PackedTable packed = new PackedTable(format);
            TreeMap<String, byte[]> model = new TreeMap<>();
            for (int i = 0; i < 20_000; i++) {
                String key = format == BY_HASH ? hash(r) : expiryKey(r.nextInt(50), hash(r));
                byte[] value = format == BY_HASH ? u64(i) : new byte[0];
                packed.put(key, value);
                model.put(key, value);
            }
            List<String> keys = new ArrayList<>(model.keySet());
            java.util.Collections.shuffle(keys, r);
            for (int i = 0; i < keys.size() - 400; i++) { // down to 2%: leaves fall below a quarter and merge both ways
                packed.remove(keys.get(i));
                model.remove(keys.get(i));
                if (i % 2_500 == 0) {
                    assertSameAsModel(model, packed.view(), r);
                }
            }
            assertSameAsModel(model, packed.view(), r);
        }
    }

    @Test
    void copiesAndFreezesInAChainEachKeepWhatTheyHeld() {
        for (PackedFormat format : List.of(BY_HASH, BY_EXPIRY)) {
            Random r = new Random(13);
            PackedTable table = new PackedTable(format);
            TreeMap<String, byte[]> model = new TreeMap<>();
            List<StateTable> copies = new ArrayList<>();
            List<TreeMap<String, byte[]>> copyModels = new ArrayList<>();
            List<FrozenTable> frozen = new ArrayList<>();
            List<TreeMap<String, byte[]>> frozenModels = new ArrayList<>();
            copies.add(table);
            copyModels.add(model);
            for (int round = 0; round < 12; round++) {
                for (int c = 0; c < copies.size(); c++) { // every table writes: new keys and removals
                    List<String> present = new ArrayList<>(copyModels.get(c).keySet());
                    for (int i = 0; i < 700; i++) {
                        if (!present.isEmpty() && r.nextInt(3) == 0) {
                            String key = present.get(r.nextInt(present.size()));
                            copies.get(c).remove(key);
                            copyModels.get(c).remove(key);
                        } else {
                            String key = format == BY_HASH ? hash(r) : expiryKey(round, hash(r));
                            byte[] value = format == BY_HASH ? u64(r.nextLong()) : new byte[0];
                            copies.get(c).put(key, value);
                            copyModels.get(c).put(key, value);
                        }
                    }
                }
                int from = r.nextInt(copies.size());
                if (round % 2 == 0) {
                    copies.add(copies.get(from).copy());
                    copyModels.add(new TreeMap<>(copyModels.get(from)));
                } else {
                    frozen.add(copies.get(from).freeze("t"));
                    frozenModels.add(new TreeMap<>(copyModels.get(from)));
                }
            }
            for (int c = 0; c < copies.size(); c++) {
                assertSameAsModel(copyModels.get(c), copies.get(c).view(), r);
            }
            for (int f = 0; f < frozen.size(); f++) {
                FrozenTable t = frozen.get(f);
                assertEquals(frozenModels.get(f).size(), t.size());
                int i = 0;
                for (Map.Entry<String, byte[]> e : frozenModels.get(f).entrySet()) {
                    assertEquals(e.getKey(), t.key(i));
                    assertArrayEquals(e.getValue(), t.value(i));
                    assertEquals(format.key().length, t.keyBytes(i));
                    assertEquals(format.value().length, t.valueBytes(i));
                    i++;
                }
            }
        }
    }

    @Test
    void anIteratorFailsFastOnAnInsertOrRemovalButNotOnANewValue() {
        PackedTable table = new PackedTable(BY_HASH);
        Random r = new Random(17);
        for (int i = 0; i < 1_000; i++) {
            table.put(hash(r), u64(i));
        }
        var it = table.view().entrySet().iterator();
        String first = it.next().getKey();
        table.put(first, u64(-1));
        it.next(); // a new value is no structural change: the iteration goes on
        assertArrayEquals(u64(-1), table.get(first));
        table.put(hash(r), u64(1));
        assertThrows(java.util.ConcurrentModificationException.class, it::next);
        var again = table.view().keySet().iterator();
        again.next();
        table.remove(first);
        assertThrows(java.util.ConcurrentModificationException.class, again::next);
    }

    @Test
    void emptyViews() {
        PackedTable table = new PackedTable(BY_HASH);
        assertTrue(table.view().isEmpty());
        assertThrows(NoSuchElementException.class, () -> table.view().firstKey());
        assertThrows(NoSuchElementException.class, () -> table.view().lastKey());
        assertNull(table.get("00".repeat(32)));
        table.remove("00".repeat(32));
        assertEquals(0, table.size());
        assertThrows(UnsupportedOperationException.class, () -> table.view().put("00".repeat(32), u64(1)));
    }

    /** Every read of a view and its sub-views, with bounds in the table's format and not, against the model's. */
    private static void assertSameAsModel(TreeMap<String, byte[]> model, SortedMap<String, byte[]> view, Random r) {
        assertEquals(model.size(), view.size());
        assertEquals(model.isEmpty(), view.isEmpty());
        assertEntriesEqual(model, view);
        if (!model.isEmpty()) {
            assertEquals(model.firstKey(), view.firstKey());
            assertEquals(model.lastKey(), view.lastKey());
            List<String> keys = new ArrayList<>(model.keySet());
            for (int i = 0; i < 20; i++) {
                String key = keys.get(r.nextInt(keys.size()));
                assertArrayEquals(model.get(key), view.get(key));
                assertTrue(view.containsKey(key));
            }
        }
        assertNull(view.get("zz"));
        assertFalse(view.containsKey(42));
        for (int i = 0; i < 10; i++) {
            String a = bound(model, r);
            String b = bound(model, r);
            String lo = a.compareTo(b) <= 0 ? a : b;
            String hi = a.compareTo(b) <= 0 ? b : a;
            assertEntriesEqual(model.headMap(hi), view.headMap(hi));
            assertEntriesEqual(model.tailMap(lo), view.tailMap(lo));
            SortedMap<String, byte[]> expected = model.subMap(lo, hi);
            SortedMap<String, byte[]> actual = view.subMap(lo, hi);
            assertEntriesEqual(expected, actual);
            assertEquals(expected.size(), actual.size());
            if (!expected.isEmpty()) {
                assertEquals(expected.firstKey(), actual.firstKey());
                assertEquals(expected.lastKey(), actual.lastKey());
                String outside = expected.firstKey().equals(model.firstKey()) ? null : model.lowerKey(expected.firstKey());
                if (outside != null) {
                    assertNull(actual.get(outside));
                    assertThrows(IllegalArgumentException.class, () -> actual.headMap(outside));
                }
            }
            assertEntriesEqual(expected.headMap(hi), actual.headMap(hi)); // a sub-view's own bound is within it
            String mid = bound(model, r);
            assertSameOutcome(() -> expected.tailMap(mid), () -> actual.tailMap(mid));
            assertSameOutcome(() -> expected.subMap(lo, mid), () -> actual.subMap(lo, mid));
            assertSameOutcome(() -> expected.tailMap(hi), () -> actual.tailMap(hi)); // the exclusive bound: out of range
            assertSameOutcome(() -> expected.subMap(hi, hi), () -> actual.subMap(hi, hi));
            assertSameOutcome(() -> expected.tailMap(lo).headMap(mid).tailMap(mid), () -> actual.tailMap(lo).headMap(mid).tailMap(mid));
        }
    }

    /** Both give the same entries, or both refuse with the same kind of exception. */
    private static void assertSameOutcome(java.util.function.Supplier<SortedMap<String, byte[]>> expected,
                                          java.util.function.Supplier<SortedMap<String, byte[]>> actual) {
        SortedMap<String, byte[]> e;
        try {
            e = expected.get();
        } catch (IllegalArgumentException refused) {
            assertThrows(IllegalArgumentException.class, actual::get);
            return;
        }
        assertEntriesEqual(e, actual.get());
    }

    /** A key of the table, a prefix of one, or another string: bounds need not be keys. */
    private static String bound(TreeMap<String, byte[]> model, Random r) {
        if (model.isEmpty() || r.nextInt(4) == 0) {
            return r.nextBoolean() ? Integer.toHexString(r.nextInt()) : String.format("%020d:", r.nextInt(500));
        }
        String key = new ArrayList<>(model.keySet()).get(r.nextInt(model.size()));
        return r.nextBoolean() ? key : key.substring(0, 1 + r.nextInt(key.length() - 1));
    }

    private static void assertEntriesEqual(SortedMap<String, byte[]> expected, SortedMap<String, byte[]> actual) {
        assertEquals(expected.size(), actual.entrySet().size());
        var a = actual.entrySet().iterator();
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertTrue(a.hasNext());
            Map.Entry<String, byte[]> got = a.next();
            assertEquals(e.getKey(), got.getKey());
            assertArrayEquals(e.getValue(), got.getValue());
        }
        assertFalse(a.hasNext());
    }
}
