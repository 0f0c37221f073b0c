package org.batteryledger.core.state;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pending writes over a base view: executing a proposed block writes here, so the committed state is untouched
 * until the block is final. Overlays nest (one per transaction), so a failing transaction leaves no trace.
 */
public final class StateOverlay implements StateView {
    private static final byte[] TOMBSTONE = new byte[0];

    private final StateView base;
    private final TreeMap<String, TreeMap<String, byte[]>> writes = new TreeMap<>();

    public StateOverlay(StateView base) {
        this.base = base;
    }

    @Override
    public byte[] get(String table, String key) {
        TreeMap<String, byte[]> t = writes.get(table);
        if (t != null && t.containsKey(key)) {
            byte[] v = t.get(key);
            return v == TOMBSTONE ? null : v;
        }
        return base.get(table, key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String table) {
        TreeMap<String, byte[]> t = writes.get(table);
        if (t == null) {
            return base.scan(table);
        }
        TreeMap<String, byte[]> merged = new TreeMap<>(base.scan(table));
        for (Map.Entry<String, byte[]> e : t.entrySet()) {
            if (e.getValue() == TOMBSTONE) {
                merged.remove(e.getKey());
            } else {
                merged.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableSortedMap(merged);
    }

    /** Whether this overlay holds a write (or delete) in {@code table}: if not, the table reads as in the base. */
    public boolean wrote(String table) {
        return writes.containsKey(table);
    }

    public void put(String table, String key, byte[] value) {
        writes.computeIfAbsent(table, k -> new TreeMap<>()).put(key, value.clone());
    }

    public void delete(String table, String key) {
        writes.computeIfAbsent(table, k -> new TreeMap<>()).put(key, TOMBSTONE);
    }

    /** Pushes this overlay's writes into its parent overlay (a transaction succeeded). */
    public void mergeInto(StateOverlay parent) {
        writes.forEach((table, t) -> t.forEach((key, v) -> {
            if (v == TOMBSTONE) {
                parent.delete(table, key);
            } else {
                parent.put(table, key, v);
            }
        }));
    }

    /** The write set in canonical (table, key) order; deletes of keys the base never had are dropped. */
    public WriteSet toWriteSet() {
        java.util.List<WriteSet.Entry> entries = new java.util.ArrayList<>();
        writes.forEach((table, t) -> t.forEach((key, v) -> {
            if (v == TOMBSTONE) {
                if (base.get(table, key) != null) {
                    entries.add(new WriteSet.Entry(table, key, null));
                }
            } else {
                entries.add(new WriteSet.Entry(table, key, v));
            }
        }));
        return new WriteSet(entries);
    }
}
