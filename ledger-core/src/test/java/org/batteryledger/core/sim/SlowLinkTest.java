package org.batteryledger.core.sim;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference deployment's finding, reproduced: 7 nodes, 2 on 2 Mbit/s links. The first quorum of commits
 * always comes from the fast five, so the slow ones rarely sign a certificate — they "silently stop taking part"
 * — while the chain's throughput is unchanged and the slow nodes still hold every block.
 */
class SlowLinkTest {
    private static final double LOAD_TX_PER_SEC = 300;

    @Test
    @DisplayName("7 nodes, 2 on 2 Mbit/s: slow nodes in under a fifth of certificates, throughput within 10%, every block held")
    void slowNodesDropOutOfCertificatesButKeepTheChain() {
        SimResult fast = new Simulation(Scenario.slowLinks(7, Map.of(), LOAD_TX_PER_SEC)).run();
        SimResult slow = new Simulation(Scenario.slowLinks(7, Map.of(5, Scenario.SLOW_LINK, 6, Scenario.SLOW_LINK), LOAD_TX_PER_SEC)).run();
        assertTrue(fast.ok(), fast.report());
        assertTrue(slow.ok(), slow.report());

        assertTrue(slow.participation()[5] < 0.2 && slow.participation()[6] < 0.2, slow.report());
        for (int i = 0; i < 5; i++) {
            assertTrue(slow.participation()[i] > 0.5, "fast node" + i + " carries the certificates\n" + slow.report());
        }
        double ratio = slow.throughputTxPerSec() / fast.throughputTxPerSec();
        assertTrue(ratio > 0.9 && ratio < 1.1, "throughput " + slow.throughputTxPerSec() + " vs " + fast.throughputTxPerSec());
        assertEquals(slow.committedBlocks(), slow.heights()[5], slow.report());
        assertEquals(slow.committedBlocks(), slow.heights()[6], slow.report());
        assertEquals(slow.acceptedTxs(), slow.committedTxs(), slow.report());
    }
}
