package org.batteryledger.core.valuation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RainflowTest {
    /** Range → count, summed. */
    private static Map<Double, Double> histogram(List<Rainflow.Cycle> cycles) {
        Map<Double, Double> h = new TreeMap<>();
        for (Rainflow.Cycle c : cycles) {
            h.merge(c.range(), c.count(), Double::sum);
        }
        return h;
    }

    /**
     * ASTM E1049-85 (reapproved 2017), §5.4.4 and its Fig. 6 example, the loading history -2, 1, -3, 5, -1, 3, -4, 4,
     * -2: half cycles of range 3, 6 and 9, one and a half of range 4, one of range 8.
     */
    @Test
    void astmE1049Example() {
        List<Rainflow.Cycle> cycles = Rainflow.count(new double[] {-2, 1, -3, 5, -1, 3, -4, 4, -2});
        assertEquals(Map.of(3.0, 0.5, 4.0, 1.5, 6.0, 0.5, 8.0, 1.0, 9.0, 0.5), histogram(cycles));
        // The full cycle of range 4 is the excursion -1 → 3 (positions 4 and 5).
        assertTrue(cycles.contains(new Rainflow.Cycle(4.0, 1.0, 4, 5)), cycles.toString());
    }

    @Test
    void reversalsDropPointsInsideARunAndRepeatedValues() {
        double[] path = {0.9, 0.7, 0.5, 0.5, 0.8, 1.0, 1.0, 0.2, 0.3};
        assertArrayEquals(new int[] {0, 2, 5, 7, 8}, Rainflow.reversals(path)); // a flat top or bottom: its first point
        // A run split into sessions is one half cycle, however it is split.
        assertEquals(Map.of(0.4, 0.5), histogram(Rainflow.count(new double[] {0.9, 0.8, 0.7, 0.5})));
    }

    @Test
    void emptyAndFlatPathsHaveNoRange() {
        assertEquals(List.of(), Rainflow.count(new double[0]));
        assertEquals(List.of(), Rainflow.count(new double[] {0.5}));
        assertEquals(List.of(), Rainflow.count(new double[] {0.5, 0.5, 0.5}));
    }

    /** A small cycle inside a big one is counted on its own and does not cut the big one. */
    @Test
    void nestedCycle() {
        List<Rainflow.Cycle> cycles = Rainflow.count(new double[] {0, 1, 0.6, 0.8, 0});
        assertEquals(3, cycles.size(), cycles.toString());
        assertEquals(0.2, cycles.get(0).range(), 1e-12);
        assertEquals(1.0, cycles.get(0).count());
        assertEquals(new Rainflow.Cycle(1.0, 0.5, 0, 1), cycles.get(1)); // 0 → 1 and 1 → 0: the whole depth, twice half
        assertEquals(new Rainflow.Cycle(1.0, 0.5, 1, 4), cycles.get(2));
    }

    /** Half-cycle counts add up to the number of path reversals minus one, and every range is within the path's. */
    @Test
    void countsConserveTheReversals() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1049);
        for (int run = 0; run < 200; run++) {
            double[] path = new double[1 + rng.nextInt(60)];
            for (int i = 0; i < path.length; i++) {
                path[i] = Math.round(rng.nextDouble() * 20) / 20.0;
            }
            int reversals = Rainflow.reversals(path).length;
            double halves = 0;
            for (Rainflow.Cycle c : Rainflow.count(path)) {
                halves += 2 * c.count();
                assertTrue(c.range() > 0 && c.range() <= 1.0 + 1e-12, c.toString());
                assertTrue(c.from() < c.to(), c.toString());
            }
            assertEquals(Math.max(0, reversals - 1), halves, 1e-9, java.util.Arrays.toString(path));
        }
    }

    /**
     * The counter, point by point, against ASTM's count of each prefix done at once (below, as the engine counted
     * before the counter): at every point, the closed cycles and the rest are that prefix's cycles, in order. Seeded
     * paths with flat runs and repeated values, as states of charge with three decimals have.
     */
    @Test
    void everyPrefixCountedPointByPointIsThatPrefixCountedAtOnce() {
        SplittableRandom rng = new SplittableRandom(16);
        for (int trial = 0; trial < 300; trial++) {
            double[] path = new double[1 + rng.nextInt(120)];
            for (int i = 0; i < path.length; i++) {
                path[i] = rng.nextInt(8) == 0 && i > 0 ? path[i - 1] : rng.nextInt(21) / 20.0;
            }
            Rainflow.Counter counter = new Rainflow.Counter(path);
            for (int i = 0; i < path.length; i++) {
                counter.offer(i);
                List<Rainflow.Cycle> pointByPoint = new ArrayList<>(counter.closed());
                pointByPoint.addAll(counter.rest());
                double[] prefix = java.util.Arrays.copyOf(path, i + 1);
                assertEquals(atOnce(prefix), pointByPoint, "trial " + trial + ", prefix " + (i + 1));
            }
            assertEquals(atOnce(path), Rainflow.count(path));
        }
    }

    @Test
    void pointsAreOfferedInOrder() {
        Rainflow.Counter counter = new Rainflow.Counter(new double[] {0, 1, 0});
        counter.offer(0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> counter.offer(2));
    }

    /** ASTM E1049 §5.4.4 over the whole path at once: reversals first, then the stack. */
    private static List<Rainflow.Cycle> atOnce(double[] path) {
        int[] rev = Rainflow.reversals(path);
        List<Rainflow.Cycle> cycles = new ArrayList<>();
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
                if (size == 3) {
                    cycles.add(new Rainflow.Cycle(y, 0.5, stack[0], stack[1]));
                    stack[0] = stack[1];
                    stack[1] = stack[2];
                    size = 2;
                } else {
                    cycles.add(new Rainflow.Cycle(y, 1.0, stack[size - 3], stack[size - 2]));
                    stack[size - 3] = stack[size - 1];
                    size -= 2;
                }
            }
        }
        for (int i = 0; i + 1 < size; i++) {
            cycles.add(new Rainflow.Cycle(Math.abs(path[stack[i + 1]] - path[stack[i]]), 0.5, stack[i], stack[i + 1]));
        }
        return cycles;
    }
}
