package org.batteryledger.core.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulationSweepTest {

    @Test
    void slowLinksAreParsedInBitsPerSecond() {
        assertEquals(Map.of(5, 250_000L, 6, 64_000L), SimulationSweep.parseSlow("5=2mbit,node6=512kbit"));
        assertEquals(Map.of(1, 1_000L), SimulationSweep.parseSlow("1=1000"));
        assertThrows(IllegalArgumentException.class, () -> SimulationSweep.parseSlow("5"));
        assertThrows(IllegalArgumentException.class, () -> SimulationSweep.parseSlow("5=1kbit"));
    }

    @Test
    void lastLineCountsSeedsViolationsAndCommittedTransactions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = SimulationSweep.run(spec(4, 0, 0, 3, Map.of()), new PrintStream(out, true, StandardCharsets.UTF_8));
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
        String last = lines[lines.length - 1];
        assertEquals(0, exit);
        assertTrue(last.matches("seeds=3 violations=0 committed=[1-9][0-9]*"), last);
    }

    @Test
    void refusesImpossibleLayouts() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> SimulationSweep.run(spec(4, 3, 2, 1, Map.of()), sink));
        assertThrows(IllegalArgumentException.class, () -> SimulationSweep.run(spec(4, 0, 0, 1, SimulationSweep.parseSlow("9=2mbit")), sink));
        assertThrows(IllegalArgumentException.class, () -> spec(4, -1, 0, 1, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> spec(0, 0, 0, 1, Map.of()));
    }

    private static SimulationSweep.Spec spec(int nodes, int byzantine, int crashes, int seeds, Map<Integer, Long> slow) {
        return new SimulationSweep.Spec(nodes, byzantine, crashes, seeds, null, SimulationSweep.DEFAULT_SUITE, slow, null, null);
    }
}
