package org.batteryledger.core.state;

/**
 * One table's entries as they were when frozen ({@link WorldState#freeze}), read by index in key order, whatever
 * happens to the state later: what a {@link org.batteryledger.core.snapshot.StateSnapshot} cuts, hashes and serves.
 */
public interface FrozenTable {
    String table();

    int size();

    String key(int i);

    byte[] value(int i);

    /** Bytes of key {@code i} in UTF-8, without encoding it when the table's shape fixes its length. */
    int keyBytes(int i);

    int valueBytes(int i);

    /**
     * Of {@code ranges} consecutive ranges, range r starting at {@code starts[r]} (ascending), the last that starts at
     * or before {@code i}: which leaf of a frozen table, or which table of a snapshot, holds entry {@code i}.
     */
    static int rangeOf(int[] starts, int ranges, int i) {
        int lo = 0;
        int hi = ranges - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= i) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
