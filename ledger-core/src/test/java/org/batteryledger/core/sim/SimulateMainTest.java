package org.batteryledger.core.sim;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateMainTest {

    @Test
    void slowLinksAreParsedInBitsPerSecond() {
        assertEquals(Map.of(5, 250_000L, 6, 64_000L), SimulateMain.parseSlow("5=2mbit,node6=512kbit"));
        assertEquals(Map.of(1, 1_000L), SimulateMain.parseSlow("1=1000"));
        assertThrows(IllegalArgumentException.class, () -> SimulateMain.parseSlow("5"));
        assertThrows(IllegalArgumentException.class, () -> SimulateMain.parseSlow("5=1kbit"));
    }

    @Test
    void lastLineCountsSeedsViolationsAndCommittedTransactions() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = SimulateMain.run(new String[]{"--nodes", "4", "--seeds", "3"});
        } finally {
            System.setOut(original);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\\R");
        String last = lines[lines.length - 1];
        assertEquals(0, exit);
        assertTrue(last.matches("seeds=3 violations=0 committed=[1-9][0-9]*"), last);
    }

    @Test
    void refusesImpossibleLayouts() {
        assertThrows(IllegalArgumentException.class, () -> SimulateMain.run(new String[]{"--nodes", "4", "--byzantine", "3", "--crash", "2"}));
        assertThrows(IllegalArgumentException.class, () -> SimulateMain.run(new String[]{"--nodes", "4", "--slow", "9=2mbit"}));
        assertThrows(IllegalArgumentException.class, () -> SimulateMain.run(new String[]{"--bogus", "1"}));
    }
}
