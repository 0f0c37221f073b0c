package org.batteryledger.core.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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

    /**
     * The writes that turn {@code from} into {@code to}, in (table, key) order: a delete for each entry {@code to} lacks,
     * a put for each it adds or holds with another value. For a node whose stored state is replaced by a snapshot's,
     * writing what differs rather than everything.
     */
    public static WriteSet diff(WorldState from, WorldState to) {
        List<WriteSet.Entry> out = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(from.tables.keySet());
        names.addAll(to.tables.keySet());
        for (String table : names) {
            SortedMap<String, byte[]> a = from.scan(table);
            SortedMap<String, byte[]> b = to.scan(table);
            for (Map.Entry<String, byte[]> e : a.entrySet()) {
                if (!b.containsKey(e.getKey())) {
                    out.add(new WriteSet.Entry(table, e.getKey(), null));
                }
            }
            for (Map.Entry<String, byte[]> e : b.entrySet()) {
                if (!Arrays.equals(a.get(e.getKey()), e.getValue())) {
                    out.add(new WriteSet.Entry(table, e.getKey(), e.getValue()));
                }
            }
        }
        return new WriteSet(out);
    }
}
