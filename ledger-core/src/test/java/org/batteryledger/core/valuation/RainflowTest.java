package org.batteryledger.core.valuation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
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
}
