package org.batteryledger.core.sim;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded simulation across fault mixes (TigerBeetle VOPR style): every seed must hold agreement, validity, no
 * honest double vote and liveness. 530 seeds by default, the build's short version of {@code ./consortium soak} (100,000
 * seeds over the same seven mixes, BENCHMARKS.md); {@code -Dsim.seeds.scale=10} runs ten times as many (the
 * {@code sim-long} profile). Every 20th seed runs with real signatures (ECDSA P-256 or SM2).
 * A failing seed prints the command that replays it. The rows run side by side, one per core: a seed's run depends
 * on its number alone (no shared state), so running them at once changes the build's time, not its results.
 */
@Execution(ExecutionMode.CONCURRENT)
class SimulationSeedsTest {
    private static final int SCALE = Integer.getInteger("sim.seeds.scale", 1);

    @ParameterizedTest(name = "{0} nodes, {1} byzantine, {2} crashing: {3} seeds from {4}")
    @CsvSource({
            "4, 0, 0, 100, 1000",
            "4, 1, 0, 100, 2000",
            "4, 0, 1, 100, 3000",
            "7, 0, 0, 50, 4000",
            "7, 2, 0, 60, 5000",
            "7, 0, 2, 60, 6000",
            "7, 1, 1, 60, 7000",
    })
    void everySeedHoldsTheCheckers(int nodes, int byzantine, int crashes, int seeds, long firstSeed) {
        List<String> failures = new ArrayList<>();
        long committed = 0;
        for (long seed = firstSeed; seed < firstSeed + (long) seeds * SCALE; seed++) {
            String suite = seed % 20 == 0 ? (seed % 40 == 0 ? "sm2-sm3" : "ecdsa-p256-sha256") : SimSuite.ID;
            SimResult r = new Simulation(Scenario.randomMix(seed, nodes, byzantine, crashes, suite)).run();
            committed += r.committedTxs();
            if (!r.ok()) {
                failures.add(r.report());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failing seeds:\n" + String.join("\n", failures));
        assertTrue(committed > 0, "the load committed nothing: the checkers checked nothing");
    }

    /**
     * The seeds above cover every Byzantine behaviour, the drills' (flood, oversized, future, equivocate, silence)
     * among them, many times over: the mixes are drawn per seed, so this counts them without running the seeds again.
     */
    @org.junit.jupiter.api.Test
    void theSeedsCoverEveryByzantineBehaviour() {
        java.util.EnumMap<Byzantine.Behaviour, Integer> seen = new java.util.EnumMap<>(Byzantine.Behaviour.class);
        long[][] rows = {{4, 1, 0, 100, 2000}, {7, 2, 0, 60, 5000}, {7, 1, 1, 60, 7000}};
        for (long[] row : rows) {
            for (long seed = row[4]; seed < row[4] + row[3] * SCALE; seed++) {
                String suite = seed % 20 == 0 ? (seed % 40 == 0 ? "sm2-sm3" : "ecdsa-p256-sha256") : SimSuite.ID;
                Simulation sim = new Simulation(Scenario.randomMix(seed, (int) row[0], (int) row[1], (int) row[2], suite));
                for (int n = 0; n < row[0]; n++) {
                    sim.behavioursOf(n).forEach(b -> seen.merge(b, 1, Integer::sum));
                }
            }
        }
        for (Byzantine.Behaviour b : Byzantine.Behaviour.values()) {
            assertTrue(seen.getOrDefault(b, 0) >= 20, b + " ran in only " + seen.getOrDefault(b, 0) + " seeds: " + seen);
        }
    }
}
