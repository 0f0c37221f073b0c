package org.batteryledger.core.state;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** A table of any keys and values: a sorted map of the strings and arrays themselves. */
final class PlainTable implements StateTable {
    private final TreeMap<String, byte[]> entries;

    PlainTable() {
        this(new TreeMap<>());
    }

    private PlainTable(TreeMap<String, byte[]> entries) {
        this.entries = entries;
    }

    /** A plain table holding what {@code other} holds: for a packed table given an entry not of its shape. */
    static PlainTable of(StateTable other) {
        return new PlainTable(new TreeMap<>(other.view()));
    }

    @Override
    public byte[] get(String key) {
        return entries.get(key);
    }

    @Override
    public SortedMap<String, byte[]> view() {
        return Collections.unmodifiableSortedMap(entries);
    }

    @Override
    public boolean put(String key, byte[] value) {
        entries.put(key, value);
        return true;
    }

    @Override
    public void remove(String key) {
        entries.remove(key);
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public StateTable copy() {
        return new PlainTable(new TreeMap<>(entries));
    }

    /** References to the keys and values, which are never changed in place (a write replaces a value). */
    @Override
    public FrozenTable freeze(String name) {
        String[] keys = new String[entries.size()];
        byte[][] values = new byte[keys.length][];
        int n = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            keys[n] = e.getKey();
            values[n++] = e.getValue();
        }
        return new FrozenTable() {
            @Override
            public String table() {
                return name;
            }

            @Override
            public int size() {
                return keys.length;
            }

            @Override
            public String key(int i) {
                return keys[i];
            }

            @Override
            public byte[] value(int i) {
                return values[i];
            }

            @Override
            public int keyBytes(int i) {
                return utf8Length(keys[i]);
            }

            @Override
            public int valueBytes(int i) {
                return values[i].length;
            }
        };
    }

    /** Bytes of a string in UTF-8, as {@code getBytes(UTF_8).length} counts them, without encoding the almost always ASCII keys. */
    static int utf8Length(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return s.length();
    }
}
