package org.batteryledger.core.state;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateOverlayTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static WorldState base() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(
                new WriteSet.Entry("t", "a", b("1")),
                new WriteSet.Entry("t", "b", b("2")),
                new WriteSet.Entry("u", "x", b("9")))));
        return w;
    }

    @Test
    void readsItsOwnWritesAndFallsBackToTheBase() {
        StateOverlay o = new StateOverlay(base());
        assertArrayEquals(b("1"), o.get("t", "a"));
        o.put("t", "a", b("one"));
        o.put("t", "c", b("3"));
        assertArrayEquals(b("one"), o.get("t", "a"));
        assertArrayEquals(b("3"), o.get("t", "c"));
        assertArrayEquals(b("2"), o.get("t", "b"));
        assertNull(o.get("t", "zz"));
        assertNull(o.get("nosuchtable", "a"));
    }

    @Test
    void writesDoNotReachTheBase() {
        WorldState base = base();
        StateOverlay o = new StateOverlay(base);
        o.put("t", "a", b("changed"));
        o.delete("t", "b");
        o.put("new", "k", b("v"));
        assertArrayEquals(b("1"), base.get("t", "a"));
        assertArrayEquals(b("2"), base.get("t", "b"));
        assertNull(base.get("new", "k"));
        assertEquals(3, base.size());
    }

    @Test
    void putCopiesTheValue() {
        StateOverlay o = new StateOverlay(new WorldState());
        byte[] v = b("abc");
        o.put("t", "k", v);
        v[0] = 'X';
        assertArrayEquals(b("abc"), o.get("t", "k"));
    }

    @Test
    void deletesHideBaseValuesInGetAndScan() {
        StateOverlay o = new StateOverlay(base());
        o.delete("t", "a");
        assertNull(o.get("t", "a"));
        SortedMap<String, byte[]> scan = o.scan("t");
        assertEquals(List.of("b"), List.copyOf(scan.keySet()));
        // the base's other tables are untouched
        assertEquals(List.of("x"), List.copyOf(o.scan("u").keySet()));
    }

    @Test
    void putAfterDeleteRevivesAndDeleteAfterPutHides() {
        StateOverlay o = new StateOverlay(base());
        o.delete("t", "a");
        o.put("t", "a", b("again"));
        assertArrayEquals(b("again"), o.get("t", "a"));
        o.put("t", "n", b("new"));
        o.delete("t", "n");
        assertNull(o.get("t", "n"));
        assertEquals(List.of("a", "b"), List.copyOf(o.scan("t").keySet()));
    }

    @Test
    void emptyValueIsAValueNotADelete() {
        StateOverlay o = new StateOverlay(new WorldState());
        o.put("t", "k", new byte[0]);
        assertArrayEquals(new byte[0], o.get("t", "k"));
        assertTrue(o.scan("t").containsKey("k"));
        WriteSet ws = o.toWriteSet();
        assertEquals(1, ws.entries().size());
        assertArrayEquals(new byte[0], ws.entries().get(0).value());
        StateOverlay child = new StateOverlay(o);
        child.put("t", "j", new byte[0]);
        child.mergeInto(o);
        assertArrayEquals(new byte[0], o.get("t", "j"));
    }

    @Test
    void scanMergesOverlayAndBaseInKeyOrder() {
        StateOverlay o = new StateOverlay(base());
        o.put("t", "0", b("first"));
        o.put("t", "c", b("3"));
        o.put("t", "b", b("two"));
        SortedMap<String, byte[]> scan = o.scan("t");
        assertEquals(List.of("0", "a", "b", "c"), List.copyOf(scan.keySet()));
        assertArrayEquals(b("two"), scan.get("b"));
    }

    @Test
    void nestedOverlaySeesAllLayersAndMergesIntoItsParentOnly() {
        WorldState base = base();
        StateOverlay block = new StateOverlay(base);
        block.put("t", "c", b("3"));
        StateOverlay tx = new StateOverlay(block);
        assertArrayEquals(b("3"), tx.get("t", "c"));
        assertArrayEquals(b("1"), tx.get("t", "a"));
        tx.put("t", "d", b("4"));
        tx.delete("t", "a");
        tx.delete("t", "c");
        // before the merge, the parent sees nothing of it
        assertArrayEquals(b("1"), block.get("t", "a"));
        assertNull(block.get("t", "d"));
        tx.mergeInto(block);
        assertNull(block.get("t", "a"));
        assertNull(block.get("t", "c"));
        assertArrayEquals(b("4"), block.get("t", "d"));
        assertArrayEquals(b("1"), base.get("t", "a"));
        // the merged block's write set: delete a (was in the base), put d; c was never in the base
        assertEquals(List.of(new WriteSet.Entry("t", "a", null), new WriteSet.Entry("t", "d", b("4"))), block.toWriteSet().entries());
    }

    @Test
    void discardedNestedOverlayLeavesNoTrace() {
        StateOverlay block = new StateOverlay(base());
        StateOverlay tx = new StateOverlay(block);
        tx.put("t", "z", b("z"));
        tx.delete("t", "a");
        // not merged: a failed transaction
        assertEquals(WriteSet.EMPTY, block.toWriteSet());
    }

    @Test
    void writeSetIsSortedByTableThenKey() {
        StateOverlay o = new StateOverlay(new WorldState());
        o.put("zeta", "b", b("1"));
        o.put("alpha", "z", b("2"));
        o.put("zeta", "a", b("3"));
        o.put("alpha", "a", b("4"));
        o.put("mid", "m", b("5"));
        List<WriteSet.Entry> e = o.toWriteSet().entries();
        List<String> order = e.stream().map(x -> x.table() + "/" + x.key()).toList();
        assertEquals(List.of("alpha/a", "alpha/z", "mid/m", "zeta/a", "zeta/b"), order);
    }

    @Test
    void writeSetDropsDeletesOfKeysTheBaseNeverHad() {
        StateOverlay o = new StateOverlay(base());
        o.delete("t", "absent");
        o.delete("nosuchtable", "k");
        o.put("t", "tmp", b("x"));
        o.delete("t", "tmp");
        o.delete("t", "b");
        assertEquals(List.of(new WriteSet.Entry("t", "b", null)), o.toWriteSet().entries());
    }

    @Test
    void writeSetOfAnUntouchedOverlayIsEmpty() {
        assertEquals(WriteSet.EMPTY, new StateOverlay(base()).toWriteSet());
    }

    @Test
    void applyingTheWriteSetToTheBaseGivesWhatTheOverlayShowed() {
        WorldState base = base();
        StateOverlay o = new StateOverlay(base);
        o.put("t", "a", b("A"));
        o.delete("t", "b");
        o.delete("u", "x");
        o.put("v", "k", b("K"));
        WriteSet ws = o.toWriteSet();
        base.apply(ws);
        for (String table : List.of("t", "u", "v")) {
            SortedMap<String, byte[]> expected = o.scan(table);
            SortedMap<String, byte[]> actual = base.scan(table);
            assertEquals(expected.keySet(), actual.keySet(), table);
            for (String k : expected.keySet()) {
                assertArrayEquals(expected.get(k), actual.get(k));
            }
        }
        assertEquals(2, base.size());
    }
}
