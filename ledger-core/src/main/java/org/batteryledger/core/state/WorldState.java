package org.batteryledger.core.state;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/** The committed state: one sorted map per table. Mutated only by applying a block's {@link WriteSet}. */
public final class WorldState implements StateView {
    private final TreeMap<String, TreeMap<String, byte[]>> tables = new TreeMap<>();

    @Override
    public byte[] get(String table, String key) {
        TreeMap<String, byte[]> t = tables.get(table);
        return t == null ? null : t.get(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String table) {
        TreeMap<String, byte[]> t = tables.get(table);
        return t == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(t);
    }

    /** The names of the tables that hold at least one entry, in order. */
    public SortedSet<String> tables() {
        return Collections.unmodifiableSortedSet(tables.navigableKeySet());
    }

    public void apply(WriteSet writes) {
        for (WriteSet.Entry e : writes.entries()) {
            if (e.isDelete()) {
                TreeMap<String, byte[]> t = tables.get(e.table());
                if (t != null) {
                    t.remove(e.key());
                    if (t.isEmpty()) {
                        tables.remove(e.table());
                    }
                }
            } else {
                tables.computeIfAbsent(e.table(), k -> new TreeMap<>()).put(e.key(), e.value());
            }
        }
    }

    /** Number of live entries, for metrics and tests. */
    public int size() {
        int n = 0;
        for (TreeMap<String, byte[]> t : tables.values()) {
            n += t.size();
        }
        return n;
    }

    public WorldState copy() {
        WorldState c = new WorldState();
        tables.forEach((name, t) -> c.tables.put(name, new TreeMap<>(t)));
        return c;
    }
}
