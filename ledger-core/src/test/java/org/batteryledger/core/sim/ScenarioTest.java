package org.batteryledger.core.sim;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripted fault scenarios, named like a table of contents. Each also runs every checker of the simulator. */
class ScenarioTest {

    private static SimResult run(Simulation sim) {
        SimResult r = sim.run();
        assertTrue(r.ok(), r.report());
        assertEquals(r.acceptedTxs(), r.committedTxs(), r.report());
        return r;
    }

    @Test
    @DisplayName("primary crash: a view change elects the next primary and the chain goes on")
    void primaryCrash() {
        Simulation sim = new Simulation(Scenario.scripted(11, 4, 0));
        int[] victim = new int[1];
        sim.atMillis(1_000, () -> {
            victim[0] = sim.primaryOf(0);
            sim.crash(victim[0]);
        });
        sim.atMillis(5_000, () -> sim.restart(victim[0]));
        SimResult r = run(sim);
        assertTrue(r.viewChanges() > 0, "a crashed primary must cause a view change\n" + r.report());
    }

    @Test
    @DisplayName("crashed node restarts and catches up by block sync")
    void restartCatchesUp() {
        Simulation sim = new Simulation(Scenario.scripted(12, 4, 0));
        sim.atMillis(500, () -> sim.crash(3));
        int[] atRestart = new int[2];
        sim.atMillis(4_000, () -> {
            atRestart[0] = sim.committedHeight(0);
            atRestart[1] = sim.committedHeight(3);
            sim.restart(3);
        });
        SimResult r = run(sim);
        assertTrue(atRestart[1] < atRestart[0], "node3 was behind when it restarted: " + atRestart[1] + " < " + atRestart[0]);
        assertEquals(r.heights()[0], r.heights()[3], "node3 caught up\n" + r.report());
    }

    @Test
    @DisplayName("partition 3-1, primary isolated: the majority changes view and commits")
    void partitionThreeOnePrimaryIsolated() {
        Simulation sim = new Simulation(Scenario.scripted(13, 4, 0));
        int[] before = new int[1];
        sim.atMillis(1_000, () -> sim.partition(sim.primaryOf(0)));
        sim.atMillis(1_000, () -> before[0] = sim.committedHeight(0));
        int[] during = new int[1];
        sim.atMillis(4_000, () -> {
            during[0] = Math.max(sim.committedHeight(0), sim.committedHeight(2));
            sim.heal();
        });
        SimResult r = run(sim);
        assertTrue(during[0] > before[0], "the majority of 3 must commit while the primary is cut off\n" + r.report());
    }

    @Test
    @DisplayName("partition 2-2: nobody commits while split, everything commits after healing")
    void partitionTwoTwo() {
        Simulation sim = new Simulation(Scenario.scripted(14, 4, 0));
        int[] atSplit = new int[4];
        int[] atHeal = new int[4];
        sim.atMillis(1_000, () -> {
            for (int i = 0; i < 4; i++) {
                atSplit[i] = sim.committedHeight(i);
            }
            sim.partition(0, 1);
        });
        sim.atMillis(5_000, () -> {
            for (int i = 0; i < 4; i++) {
                atHeal[i] = sim.committedHeight(i);
            }
            sim.heal();
        });
        SimResult r = run(sim);
        int maxAtSplit = 0;
        for (int h : atSplit) {
            maxAtSplit = Math.max(maxAtSplit, h);
        }
        for (int i = 0; i < 4; i++) {
            // At most the block already in flight at the split can commit: no quorum of 3 exists on either side.
            assertTrue(atHeal[i] <= maxAtSplit + 1, "node" + i + " committed during a 2-2 split\n" + r.report());
        }
    }

    @Test
    @DisplayName("f byzantine of 7: equivocation, conflicting votes and forgery change nothing honest nodes agree on")
    void fByzantineOfSeven() {
        for (long seed = 20; seed < 30; seed++) {
            Simulation sim = new Simulation(Scenario.scripted(seed, 7, 2));
            SimResult r = run(sim);
            int byzantine = 0;
            for (int i = 0; i < 7; i++) {
                java.util.Set<Byzantine.Behaviour> b = sim.behavioursOf(i);
                if (b.isEmpty()) {
                    continue;
                }
                byzantine++;
                // The claim needs Byzantine nodes that actually lied, not merely ones that were named so.
                assertTrue(sim.liesOf(i) > 0, "seed " + seed + ": node" + i + " (" + b + ") never deviated\n" + r.report());
                if (!java.util.Collections.disjoint(b, PROVABLE)) {
                    assertTrue(sim.evidenceAgainst(i), "seed " + seed + ": no honest node holds evidence against node" + i + " (" + b + ")");
                }
            }
            assertEquals(2, byzantine);
        }
    }

    /** Behaviours every honest replica that receives them can prove (signatures, garbage, limits); the rest are seen as silence or split votes. */
    private static final java.util.Set<Byzantine.Behaviour> PROVABLE = java.util.EnumSet.of(Byzantine.Behaviour.FORGE_SIGNATURES,
            Byzantine.Behaviour.STRIP_SIGNATURES, Byzantine.Behaviour.GARBAGE, Byzantine.Behaviour.FLOOD, Byzantine.Behaviour.OVERSIZED,
            Byzantine.Behaviour.FUTURE);

    // The `./consortium byzantine` drills, in the simulator: each leaves the three honest replicas committing everything
    // accepted, within their bounds (the checker), and (where the fault is provable) holding evidence against the node.
    @org.junit.jupiter.params.ParameterizedTest(name = "byzantine drill {0}: honest nodes commit, stay bounded, and hold evidence")
    @org.junit.jupiter.params.provider.EnumSource(value = Byzantine.Behaviour.class, names = {"FLOOD", "OVERSIZED", "FUTURE", "EQUIVOCATE", "SILENT"})
    void byzantineDrill(Byzantine.Behaviour mode) {
        Simulation sim = new Simulation(Scenario.scripted(40 + mode.ordinal(), 4, 0));
        sim.makeByzantine(3, mode);
        run(sim);
        assertTrue(sim.liesOf(3) > 0, mode + " never deviated");
        // An equivocating primary is caught too: the replicas it sent the other block to sync the certified one.
        if (PROVABLE.contains(mode) || mode == Byzantine.Behaviour.EQUIVOCATE) {
            assertTrue(sim.evidenceAgainst(3), "no honest node holds evidence against the " + mode + " node");
        }
    }

    @Test
    @DisplayName("restart during commit: a node that dies after persisting its commit vote never votes otherwise")
    void restartDuringCommit() {
        Simulation sim = new Simulation(Scenario.scripted(15, 4, 0));
        sim.atMillis(1_500, () -> sim.crashDuringCommit(2));
        sim.atMillis(3_000, () -> sim.restart(2));
        SimResult r = run(sim);
        assertEquals(r.heights()[0], r.heights()[2], r.report());
    }

    @Test
    @DisplayName("byzantine primary proposes invalid blocks: each height it leads costs one view change, no more")
    void byzantinePrimaryCostsAtMostOneViewChange() {
        Simulation sim = new Simulation(Scenario.scripted(16, 4, 0));
        sim.makeByzantine(1, Byzantine.Behaviour.INVALID_BLOCK);
        SimResult r = run(sim);
        int ledByByzantine = 0;
        for (org.batteryledger.core.chain.CommittedBlock b : sim.blocksOf(0)) {
            // Height h is led by validators[(h + 0) mod 4] in view 0: node1 leads heights 1, 5, 9, ...
            boolean byzantineLed = b.block().height() % 4 == 1;
            int view = b.certificate().view();
            assertTrue(view <= (byzantineLed ? 1 : 0), "height " + b.block().height() + " committed in view " + view + "\n" + r.report());
            if (byzantineLed) {
                ledByByzantine++;
            }
        }
        assertTrue(ledByByzantine > 0, "the byzantine primary led no height: the test proved nothing");
    }
}
