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

/**
 * The committed state: one sorted table per name. Mutated only by applying a block's {@link WriteSet}. Its
 * {@link TableLayout} packs some tables (the replay index) to save memory; nothing else about it depends on that.
 */
public final class WorldState implements StateView {
    private final TableLayout layout;
    private final TreeMap<String, StateTable> tables = new TreeMap<>();

    /** A state with every table plain. */
    public WorldState() {
        this(TableLayout.PLAIN);
    }

    public WorldState(TableLayout layout) {
        this.layout = layout;
    }

    @Override
    public byte[] get(String table, String key) {
        StateTable t = tables.get(table);
        return t == null ? null : t.get(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String table) {
        StateTable t = tables.get(table);
        return t == null ? Collections.emptySortedMap() : t.view();
    }

    /** The names of the tables that hold at least one entry, in order. */
    public SortedSet<String> tables() {
        return Collections.unmodifiableSortedSet(tables.navigableKeySet());
    }

    public void apply(WriteSet writes) {
        for (WriteSet.Entry e : writes.entries()) {
            if (e.isDelete()) {
                StateTable t = tables.get(e.table());
                if (t != null) {
                    t.remove(e.key());
                    if (t.size() == 0) {
                        tables.remove(e.table());
                    }
                }
            } else {
                StateTable t = tables.computeIfAbsent(e.table(), layout::newTable);
                if (!t.put(e.key(), e.value())) { // not of the packed format: held plain from now on, never refused
                    t = PlainTable.of(t);
                    tables.put(e.table(), t);
                    t.put(e.key(), e.value());
                }
            }
        }
    }

    /** Number of live entries, for metrics and tests. */
    public int size() {
        int n = 0;
        for (StateTable t : tables.values()) {
            n += t.size();
        }
        return n;
    }

    public WorldState copy() {
        WorldState c = new WorldState(layout);
        tables.forEach((name, t) -> c.tables.put(name, t.copy()));
        return c;
    }

    /**
     * Every table's entries as they are now, in table order, whatever happens to the state later: references to the
     * plain tables' keys and values (never changed in place: a write replaces a value), the packed tables' leaves shared
     * copy on write. For a checkpoint's snapshot, so cheap to take on the replica's thread.
     */
    public List<FrozenTable> freeze() {
        List<FrozenTable> out = new ArrayList<>(tables.size());
        tables.forEach((name, t) -> out.add(t.freeze(name)));
        return out;
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
