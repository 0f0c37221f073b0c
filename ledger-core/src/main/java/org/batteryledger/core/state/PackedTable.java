package org.batteryledger.core.state;

import java.util.ArrayList;
import java.util.SortedMap;

/**
 * A table whose entries all have one {@link PackedFormat}, held as longs in sorted leaves of up to {@value #LEAF}
 * entries (a two-level B+-tree) instead of a {@code TreeMap} of strings and arrays. For the replay index: two entries
 * for each transaction until its expiry height, up to {@code txLifetimeBlocks} blocks of {@code maxBlockTxs}. In maps
 * that is 380-390 bytes of heap a transaction, here about 105, or 155 while a checkpoint's snapshot holds the leaves
 * the blocks since have copied ({@code ReplayIndexBenchmark}). Reads give back the strings and bytes a map would hold.
 *
 * <p>Leaves are copy on write: a copy or a freeze shares them, and a table changes a leaf in place only while it alone
 * holds it ({@code owner}), so freezing the state at a checkpoint copies the leaf list, not the entries. Its scans are
 * {@link PackedView}s.
 */
final class PackedTable implements StateTable {
    /**
     * Entries a leaf holds at most: an insert moves at most this many, and the leaf list stays short. At least 16, so
     * that a neighbour with an eighth of a leaf free takes at least one entry.
     */
    static final int LEAF = 256;

    private final PackedFormat format;
    private final int width;
    private final boolean hasValues;
    /** Sorted, none empty, every key of one below every key of the next. */
    private ArrayList<Leaf> leaves = new ArrayList<>();
    private int size;
    /** Marks the leaves this table may change in place; a copy or freeze takes a new mark (copy on write). */
    private Object owner = new Object();
    private int modCount;

    private static final class Leaf {
        final long[] keys;
        final long[] values;
        final Object owner;
        int n;

        Leaf(int width, boolean hasValues, Object owner) {
            this.keys = new long[LEAF * width];
            this.values = hasValues ? new long[LEAF] : null;
            this.owner = owner;
        }

        Leaf(Leaf from, Object owner) {
            this.keys = from.keys.clone();
            this.values = from.values == null ? null : from.values.clone();
            this.owner = owner;
            this.n = from.n;
        }
    }

    PackedTable(PackedFormat format) {
        this.format = format;
        this.width = format.key().width;
        this.hasValues = format.value() != PackedFormat.Value.EMPTY;
    }

    @Override
    public byte[] get(String key) {
        long[] k = new long[width];
        if (!format.key().encode(key, k, 0) || leaves.isEmpty()) {
            return null; // a key of another shape cannot be here: a put of one makes the table plain
        }
        Leaf l = leaves.get(leafFor(k));
        int i = indexIn(l, k);
        return i < 0 ? null : format.value().decode(hasValues ? l.values[i] : 0);
    }

    @Override
    public boolean put(String key, byte[] value) {
        long[] k = new long[width];
        if (!format.value().accepts(value) || !format.key().encode(key, k, 0)) {
            return false;
        }
        long v = format.value().encode(value);
        if (leaves.isEmpty()) {
            leaves.add(new Leaf(width, hasValues, owner));
        }
        int li = leafFor(k);
        Leaf l = writable(li);
        int i = indexIn(l, k);
        if (i >= 0) {
            if (hasValues) {
                l.values[i] = v;
            }
            return true; // a new value is no structural change: open iterators go on, as a TreeMap's do
        }
        modCount++;
        i = -i - 1;
        if (l.n == LEAF && li + 1 < leaves.size() && leaves.get(li + 1).n <= LEAF - LEAF / 8) {
            // Full: half of a neighbour's room first, and split only when both are nearly full (as a B*-tree does), so
            // that leaves under random writes stay about four fifths full rather than two thirds.
            Leaf right = writable(li + 1);
            moveTail(l, right, (LEAF - right.n) / 2);
            if (i > l.n) {
                i -= l.n;
                l = right;
            }
        } else if (l.n == LEAF && li > 0 && leaves.get(li - 1).n <= LEAF - LEAF / 8) {
            Leaf left = writable(li - 1);
            int move = (LEAF - left.n) / 2;
            moveHead(left, l, move);
            if (i <= move) {
                i += left.n - move;
                l = left;
            } else {
                i -= move;
            }
        } else if (l.n == LEAF) {
            Leaf right = split(li);
            if (i > l.n) {
                i -= l.n;
                l = right;
            }
        }
        System.arraycopy(l.keys, i * width, l.keys, (i + 1) * width, (l.n - i) * width);
        System.arraycopy(k, 0, l.keys, i * width, width);
        if (hasValues) {
            System.arraycopy(l.values, i, l.values, i + 1, l.n - i);
            l.values[i] = v;
        }
        l.n++;
        size++;
        return true;
    }

    @Override
    public void remove(String key) {
        long[] k = new long[width];
        if (!format.key().encode(key, k, 0) || leaves.isEmpty()) {
            return;
        }
        int li = leafFor(k);
        int i = indexIn(leaves.get(li), k);
        if (i < 0) {
            return;
        }
        modCount++;
        Leaf l = writable(li);
        System.arraycopy(l.keys, (i + 1) * width, l.keys, i * width, (l.n - i - 1) * width);
        if (hasValues) {
            System.arraycopy(l.values, i + 1, l.values, i, l.n - i - 1);
        }
        l.n--;
        size--;
        if (l.n == 0) {
            leaves.remove(li);
        } else if (l.n < LEAF / 4) {
            mergeWithNeighbour(li);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public StateTable copy() {
        owner = new Object();
        PackedTable c = new PackedTable(format);
        c.leaves = new ArrayList<>(leaves);
        c.size = size;
        return c;
    }

    @Override
    public FrozenTable freeze(String name) {
        owner = new Object();
        Leaf[] frozen = leaves.toArray(new Leaf[0]);
        int[] starts = new int[frozen.length + 1];
        for (int i = 0; i < frozen.length; i++) {
            starts[i + 1] = starts[i] + frozen[i].n;
        }
        return new FrozenLeaves(name, frozen, starts);
    }

    @Override
    public SortedMap<String, byte[]> view() {
        return new PackedView(this, null, null);
    }

    // The leaves.

    private int compare(long[] a, int at, long[] b, int bt) {
        for (int w = 0; w < width; w++) {
            int c = Long.compareUnsigned(a[at + w], b[bt + w]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The leaf that holds {@code key} or would take it: the first whose last key is not below it, else the last. */
    private int leafFor(long[] key) {
        int lo = 0;
        int hi = leaves.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Leaf l = leaves.get(mid);
            if (compare(l.keys, (l.n - 1) * width, key, 0) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The index of {@code key} in {@code l}, or {@code -(insertion point) - 1}. */
    private int indexIn(Leaf l, long[] key) {
        int lo = 0;
        int hi = l.n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare(l.keys, mid * width, key, 0);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private Leaf writable(int li) {
        Leaf l = leaves.get(li);
        if (l.owner != owner) {
            l = new Leaf(l, owner);
            leaves.set(li, l);
        }
        return l;
    }

    /**
     * Splits full leaf {@code li} (already writable) in two. The last leaf keeps seven eighths: the expiry-ordered index
     * grows at its end, and halves there would stay half full.
     */
    private Leaf split(int li) {
        Leaf l = leaves.get(li);
        Leaf right = new Leaf(width, hasValues, owner);
        int keep = li == leaves.size() - 1 ? l.n - l.n / 8 : l.n / 2;
        right.n = l.n - keep;
        System.arraycopy(l.keys, keep * width, right.keys, 0, right.n * width);
        if (hasValues) {
            System.arraycopy(l.values, keep, right.values, 0, right.n);
        }
        l.n = keep;
        leaves.add(li + 1, right);
        return right;
    }

    /** Moves the last {@code count} entries of {@code from} to the front of {@code to}, its right neighbour. */
    private void moveTail(Leaf from, Leaf to, int count) {
        System.arraycopy(to.keys, 0, to.keys, count * width, to.n * width);
        System.arraycopy(from.keys, (from.n - count) * width, to.keys, 0, count * width);
        if (hasValues) {
            System.arraycopy(to.values, 0, to.values, count, to.n);
            System.arraycopy(from.values, from.n - count, to.values, 0, count);
        }
        from.n -= count;
        to.n += count;
    }

    /** Moves the first {@code count} entries of {@code from} to the end of {@code to}, its left neighbour. */
    private void moveHead(Leaf to, Leaf from, int count) {
        System.arraycopy(from.keys, 0, to.keys, to.n * width, count * width);
        System.arraycopy(from.keys, count * width, from.keys, 0, (from.n - count) * width);
        if (hasValues) {
            System.arraycopy(from.values, 0, to.values, to.n, count);
            System.arraycopy(from.values, count, from.values, 0, from.n - count);
        }
        to.n += count;
        from.n -= count;
    }

    /** Leaf {@code li} fell below a quarter: into a neighbour, when the two fit in half a leaf. */
    private void mergeWithNeighbour(int li) {
        int n = leaves.get(li).n;
        int left;
        if (li + 1 < leaves.size() && leaves.get(li + 1).n + n <= LEAF / 2) {
            left = li;
        } else if (li > 0 && leaves.get(li - 1).n + n <= LEAF / 2) {
            left = li - 1;
        } else {
            return;
        }
        Leaf a = writable(left);
        Leaf b = leaves.get(left + 1);
        System.arraycopy(b.keys, 0, a.keys, a.n * width, b.n * width);
        if (hasValues) {
            System.arraycopy(b.values, 0, a.values, a.n, b.n);
        }
        a.n += b.n;
        leaves.remove(left + 1);
    }

    private String keyAt(Leaf l, int i) {
        return format.key().decode(l.keys, i * width);
    }

    private byte[] valueAt(Leaf l, int i) {
        return format.value().decode(hasValues ? l.values[i] : 0);
    }

    // What the views read (PackedView): leaves by index, and a count of structural changes for fail-fast iteration.

    int leafCount() {
        return leaves.size();
    }

    int leafSize(int leaf) {
        return leaves.get(leaf).n;
    }

    String keyAt(int leaf, int i) {
        return keyAt(leaves.get(leaf), i);
    }

    byte[] valueAt(int leaf, int i) {
        return valueAt(leaves.get(leaf), i);
    }

    int modCount() {
        return modCount;
    }

    /** Leaves no table changes any more (they were shared when frozen), read by index. */
    private final class FrozenLeaves implements FrozenTable {
        private final String name;
        private final Leaf[] frozen;
        /** Entry index of each leaf's first entry, and the count at the end. */
        private final int[] starts;

        FrozenLeaves(String name, Leaf[] frozen, int[] starts) {
            this.name = name;
            this.frozen = frozen;
            this.starts = starts;
        }

        @Override
        public String table() {
            return name;
        }

        @Override
        public int size() {
            return starts[frozen.length];
        }

        private int leafOf(int i) {
            return FrozenTable.rangeOf(starts, frozen.length, i);
        }

        @Override
        public String key(int i) {
            int l = leafOf(i);
            return keyAt(frozen[l], i - starts[l]);
        }

        @Override
        public byte[] value(int i) {
            int l = leafOf(i);
            return valueAt(frozen[l], i - starts[l]);
        }

        @Override
        public int keyBytes(int i) {
            return format.key().length;
        }

        @Override
        public int valueBytes(int i) {
            return format.value().length;
        }
    }
}
