package org.batteryledger.partners;

import java.util.List;

/**
 * One page of records after a cursor: the records after position {@code after} (-1 for the start), at most
 * {@code limit} of them, and whether more follow.
 */
record Page<T>(List<T> records, boolean more) {
    static <T> Page<T> of(List<T> all, int after, int limit) {
        int from = Math.min(after + 1, all.size());
        int to = (int) Math.min(all.size(), (long) from + limit);
        return new Page<>(all.subList(from, to), to < all.size());
    }

    /** A page size parameter: absent or empty gives {@code defaultSize}; else a whole number in 1..max. */
    static int size(String name, String value, int defaultSize, int max) {
        if (value == null || value.isEmpty()) {
            return defaultSize;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", was '" + value + "'");
    }
}
