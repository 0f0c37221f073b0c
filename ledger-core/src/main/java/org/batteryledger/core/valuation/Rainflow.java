package org.batteryledger.core.valuation;

import java.util.ArrayList;
import java.util.List;

/**
 * Rainflow cycle counting after ASTM E1049-85 (2017), §5.4.4: the state-of-charge path is reduced to its
 * reversals, and every range that a following, at least as large range encloses is counted as one full cycle; a
 * range that still contains the starting point is counted as a half cycle, and so is every range left over at the
 * end. Each cycle keeps the path positions it spans, so its operating conditions can be looked up.
 */
public final class Rainflow {
    private Rainflow() {
    }

    /**
     * One counted cycle: its depth ({@code range}, in the units of the path), {@code count} 0.5 or 1, and the
     * positions in the original path of the two reversals that bound the counted range ({@code from} &lt; {@code to}).
     */
    public record Cycle(double range, double count, int from, int to) {
    }

    /** Indices of the reversals (turning points) of {@code path}: the first and last point, and every peak and valley. */
    public static int[] reversals(double[] path) {
        Counter counter = new Counter(path);
        for (int i = 0; i < path.length; i++) {
            counter.offer(i);
        }
        return java.util.Arrays.copyOf(counter.reversals, counter.n);
    }

    /** The cycles of {@code path} (any sequence of values; reversals are extracted first). */
    public static List<Cycle> count(double[] path) {
        Counter counter = new Counter(path);
        for (int i = 0; i < path.length; i++) {
            counter.offer(i);
        }
        List<Cycle> cycles = new ArrayList<>(counter.closed());
        cycles.addAll(counter.rest());
        return cycles;
    }

    /**
     * Counts a path point by point, so that every prefix of it is counted in one pass: the fade curve values 16
     * prefixes of a battery's history. A reversal is final once the path turns after it; the cycles it closes then
     * belong to every longer prefix too ({@link #closed()}, in the order {@link #count} lists them). The prefix up to
     * the point offered last ends with its own cycles ({@link #rest()}): those its last, still movable reversal closes,
     * then the half cycles left over. {@code closed()} followed by {@code rest()} is {@code count} of that prefix, cycle
     * for cycle and in order.
     */
    public static final class Counter {
        private final double[] path;
        private final int[] reversals;
        private int n;
        private int direction; // sign of the run that ends at reversals[n - 1]
        private final int[] stack;
        private int size;
        private final List<Cycle> closed = new ArrayList<>();
        private int offered;

        /** Counts {@code path}, whose points are offered in order and must not change once offered. */
        public Counter(double[] path) {
            this.path = path;
            this.reversals = new int[path.length];
            this.stack = new int[path.length];
        }

        /** Takes point {@code i} of the path: 0 first, then each next one. */
        public void offer(int i) {
            if (i != offered) {
                throw new IllegalArgumentException("point " + i + " offered, expected " + offered);
            }
            offered++;
            if (i == 0) {
                reversals[n++] = 0;
                return;
            }
            double step = path[i] - path[reversals[n - 1]];
            if (step == 0) {
                return;
            }
            int d = step > 0 ? 1 : -1;
            if (d == direction) {
                reversals[n - 1] = i; // the run goes on: its end moves
            } else {
                size = push(reversals[n - 1], stack, size, closed); // the path turned: that reversal is final
                reversals[n++] = i;
                direction = d;
            }
        }

        /** The cycles closed by final reversals: the first cycles of every prefix from here on. */
        public List<Cycle> closed() {
            return java.util.Collections.unmodifiableList(closed);
        }

        /** The rest of the cycles of the path up to the point offered last. */
        public List<Cycle> rest() {
            List<Cycle> out = new ArrayList<>();
            if (n == 0) {
                return out;
            }
            int[] s = java.util.Arrays.copyOf(stack, size + 1);
            int k = push(reversals[n - 1], s, size, out);
            for (int i = 0; i + 1 < k; i++) {
                out.add(new Cycle(Math.abs(path[s[i + 1]] - path[s[i]]), 0.5, s[i], s[i + 1]));
            }
            return out;
        }

        /** ASTM's step: stacks a reversal and counts every range it encloses; returns the stack's new size. */
        private int push(int index, int[] stack, int size, List<Cycle> cycles) {
            stack[size++] = index;
            while (size >= 3) {
                double x = Math.abs(path[stack[size - 1]] - path[stack[size - 2]]);
                double y = Math.abs(path[stack[size - 2]] - path[stack[size - 3]]);
                if (x < y) {
                    break;
                }
                int a = stack[size - 3];
                int b = stack[size - 2];
                if (size == 3) {
                    // Y contains the starting point: a half cycle, and the start moves on.
                    cycles.add(new Cycle(y, 0.5, a, b));
                    stack[0] = stack[1];
                    stack[1] = stack[2];
                    size = 2;
                } else {
                    cycles.add(new Cycle(y, 1.0, a, b));
                    stack[size - 3] = stack[size - 1];
                    size -= 2;
                }
            }
            return size;
        }
    }
}
