package org.batteryledger.core.state;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A read-only, live view of a {@link PackedTable} as a sorted map: keys from {@code from} (inclusive) to {@code to}
 * (exclusive), null for unbounded, decoded to the strings and bytes a {@code TreeMap} would hold. Bounds are compared as
 * strings, so they need not be of the table's format; sub-views check their bounds as a {@code TreeMap}'s do.
 *
 * <p>Positions are longs: the leaf index in the high half, the index in the leaf in the low half, never at a leaf's end
 * (the next leaf's first instead), so that they compare as longs. The end is (leaves, 0).
 */
final class PackedView extends AbstractMap<String, byte[]> implements SortedMap<String, byte[]> {
    private final PackedTable table;
    private final String from;
    private final String to;

    PackedView(PackedTable table, String from, String to) {
        this.table = table;
        this.from = from;
        this.to = to;
    }

    private boolean inRange(String key) {
        return (from == null || key.compareTo(from) >= 0) && (to == null || key.compareTo(to) < 0);
    }

    /** As TreeMap's views: a sub-view's lower bound must lie in this one, its upper bound may equal this one's. */
    private String withinFrom(String bound) {
        if (!inRange(bound)) {
            throw new IllegalArgumentException("fromKey out of range");
        }
        return bound;
    }

    private String withinTo(String bound) {
        if ((from != null && bound.compareTo(from) < 0) || (to != null && bound.compareTo(to) > 0)) {
            throw new IllegalArgumentException("toKey out of range");
        }
        return bound;
    }

    private long start() {
        return from == null ? 0 : ceiling(table, from);
    }

    private long stop() {
        return to == null ? end(table) : ceiling(table, to);
    }

    @Override
    public byte[] get(Object key) {
        return key instanceof String s && inRange(s) ? table.get(s) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return from == null && to == null ? table.size() : count(table, start(), stop());
    }

    @Override
    public boolean isEmpty() {
        return start() >= stop();
    }

    @Override
    public Comparator<? super String> comparator() {
        return null;
    }

    @Override
    public SortedMap<String, byte[]> subMap(String fromKey, String toKey) {
        if (fromKey.compareTo(toKey) > 0) {
            throw new IllegalArgumentException("fromKey > toKey");
        }
        return new PackedView(table, withinFrom(fromKey), withinTo(toKey));
    }

    @Override
    public SortedMap<String, byte[]> headMap(String toKey) {
        return new PackedView(table, from, withinTo(toKey));
    }

    @Override
    public SortedMap<String, byte[]> tailMap(String fromKey) {
        return new PackedView(table, withinFrom(fromKey), to);
    }

    @Override
    public String firstKey() {
        long p = start();
        if (p >= stop()) {
            throw new NoSuchElementException();
        }
        return table.keyAt((int) (p >>> 32), (int) p);
    }

    @Override
    public String lastKey() {
        long p = stop();
        if (p <= start()) {
            throw new NoSuchElementException();
        }
        int leaf = (int) (p >>> 32);
        int index = (int) p;
        if (index == 0) {
            leaf--;
            index = table.leafSize(leaf);
        }
        return table.keyAt(leaf, index - 1);
    }

    @Override
    public Set<Map.Entry<String, byte[]>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return PackedView.this.size();
            }

            @Override
            public Iterator<Map.Entry<String, byte[]>> iterator() {
                return new Entries(table, start(), stop());
            }
        };
    }

    private static long position(int leaf, int index) {
        return ((long) leaf << 32) | index;
    }

    private static long end(PackedTable table) {
        return position(table.leafCount(), 0);
    }

    /** The position of the least key not below {@code bound}, compared as strings (a bound need not be of the format). */
    private static long ceiling(PackedTable table, String bound) {
        int lo = 0;
        int hi = table.leafCount();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (table.keyAt(mid, table.leafSize(mid) - 1).compareTo(bound) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == table.leafCount()) {
            return end(table);
        }
        int a = 0;
        int b = table.leafSize(lo) - 1; // its last key is not below the bound
        while (a < b) {
            int mid = (a + b) >>> 1;
            if (table.keyAt(lo, mid).compareTo(bound) < 0) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        return position(lo, a);
    }

    private static int count(PackedTable table, long from, long to) {
        if (from >= to) {
            return 0;
        }
        int fromLeaf = (int) (from >>> 32);
        int toLeaf = (int) (to >>> 32);
        if (fromLeaf == toLeaf) {
            return (int) to - (int) from;
        }
        int n = table.leafSize(fromLeaf) - (int) from;
        for (int l = fromLeaf + 1; l < toLeaf; l++) {
            n += table.leafSize(l);
        }
        return n + (int) to;
    }

    private static final class Entries implements Iterator<Map.Entry<String, byte[]>> {
        private final PackedTable table;
        private final int expectedModCount;
        private int leaf;
        private int index;
        private int remaining;

        Entries(PackedTable table, long from, long to) {
            this.table = table;
            this.expectedModCount = table.modCount();
            this.leaf = (int) (from >>> 32);
            this.index = (int) from;
            this.remaining = count(table, from, to);
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        public Map.Entry<String, byte[]> next() {
            if (table.modCount() != expectedModCount) {
                throw new ConcurrentModificationException();
            }
            if (remaining == 0) {
                throw new NoSuchElementException();
            }
            Map.Entry<String, byte[]> e = new AbstractMap.SimpleImmutableEntry<>(table.keyAt(leaf, index), table.valueAt(leaf, index));
            remaining--;
            if (++index == table.leafSize(leaf)) {
                leaf++;
                index = 0;
            }
            return e;
        }
    }
}
