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
        if (path.length == 0) {
            return new int[0];
        }
        int[] out = new int[path.length];
        int n = 0;
        out[n++] = 0;
        int direction = 0; // sign of the run that ends at out[n-1]
        for (int i = 1; i < path.length; i++) {
            double step = path[i] - path[out[n - 1]];
            if (step == 0) {
                continue;
            }
            int d = step > 0 ? 1 : -1;
            if (d == direction) {
                out[n - 1] = i; // the run goes on: its end moves
            } else {
                out[n++] = i; // a reversal at out[n-1]; the new run ends at i so far
                direction = d;
            }
        }
        int[] r = new int[n];
        System.arraycopy(out, 0, r, 0, n);
        return r;
    }

    /** The cycles of {@code path} (any sequence of values; reversals are extracted first). */
    public static List<Cycle> count(double[] path) {
        int[] rev = reversals(path);
        List<Cycle> cycles = new ArrayList<>();
        int[] stack = new int[rev.length];
        int size = 0;
        for (int index : rev) {
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
        }
        for (int i = 0; i + 1 < size; i++) {
            cycles.add(new Cycle(Math.abs(path[stack[i + 1]] - path[stack[i]]), 0.5, stack[i], stack[i + 1]));
        }
        return cycles;
    }
}
