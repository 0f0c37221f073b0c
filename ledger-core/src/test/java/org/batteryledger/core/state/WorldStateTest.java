package org.batteryledger.core.state;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorldStateTest {

    static WriteSet.Entry put(String t, String k, String v) {
        return new WriteSet.Entry(t, k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static WriteSet.Entry del(String t, String k) {
        return new WriteSet.Entry(t, k, null);
    }

    @Test
    void emptyStateHasNothing() {
        WorldState w = new WorldState();
        assertNull(w.get("t", "k"));
        assertTrue(w.scan("t").isEmpty());
        assertEquals(0, w.size());
    }

    @Test
    void applyPutsAndOverwrites() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(put("t", "a", "1"), put("t", "b", "2"))));
        w.apply(new WriteSet(List.of(put("t", "a", "3"))));
        assertArrayEquals("3".getBytes(), w.get("t", "a"));
        assertArrayEquals("2".getBytes(), w.get("t", "b"));
        assertEquals(2, w.size());
    }

    @Test
    void applyOfDeletesRemovesKeysAndEmptyTables() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(put("t", "a", "1"), put("t", "b", "2"), put("u", "x", "9"))));
        w.apply(new WriteSet(List.of(del("t", "a"), del("u", "x"))));
        assertNull(w.get("t", "a"));
        assertArrayEquals("2".getBytes(), w.get("t", "b"));
        assertNull(w.get("u", "x"));
        assertTrue(w.scan("u").isEmpty());
        assertEquals(List.of("b"), List.copyOf(w.scan("t").keySet()));
        assertEquals(1, w.size());
    }

    @Test
    void deleteOfAnAbsentKeyOrTableIsHarmless() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(put("t", "a", "1"))));
        w.apply(new WriteSet(List.of(del("t", "zz"), del("none", "k"))));
        assertEquals(1, w.size());
        assertArrayEquals("1".getBytes(), w.get("t", "a"));
    }

    @Test
    void entriesApplyInOrderWithinOneWriteSet() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(put("t", "a", "1"), del("t", "a"), put("t", "b", "2"))));
        assertNull(w.get("t", "a"));
        assertEquals(1, w.size());
    }

    @Test
    void scanIsSortedAndReadOnly() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(put("t", "c", "3"), put("t", "a", "1"), put("t", "b", "2"))));
        assertEquals(List.of("a", "b", "c"), List.copyOf(w.scan("t").keySet()));
        assertThrows(UnsupportedOperationException.class, () -> w.scan("t").clear());
    }

    @Test
    void copyIsIndependent() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(put("t", "a", "1"))));
        WorldState c = w.copy();
        c.apply(new WriteSet(List.of(del("t", "a"), put("t", "b", "2"))));
        w.apply(new WriteSet(List.of(put("u", "x", "9"))));
        assertArrayEquals("1".getBytes(), w.get("t", "a"));
        assertNull(w.get("t", "b"));
        assertNull(c.get("t", "a"));
        assertNull(c.get("u", "x"));
        assertEquals(2, w.size());
        assertEquals(1, c.size());
    }

    @Test
    void theDiffOfTwoStatesTurnsTheFirstIntoTheSecond() {
        java.util.Random r = new java.util.Random(20_261_204L);
        for (int trial = 0; trial < 20; trial++) {
            WorldState a = randomState(r);
            WorldState b = randomState(r);
            WorldState applied = a.copy();
            applied.apply(WorldState.diff(a, b));
            assertEquals(WorldState.diff(b, applied).entries(), java.util.List.of(), "trial " + trial);
            assertEquals(b.size(), applied.size());
            assertEquals(java.util.List.of(), WorldState.diff(b, b.copy()).entries());
        }
    }

    private static WorldState randomState(java.util.Random r) {
        java.util.List<WriteSet.Entry> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            writes.add(new WriteSet.Entry("t" + r.nextInt(4), "k" + r.nextInt(100), new byte[]{(byte) r.nextInt(3)}));
        }
        WorldState s = new WorldState();
        s.apply(new WriteSet(writes));
        return s;
    }
}
