package org.batteryledger.node.fleet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a fleet row whose evidence could not be had is looked at again. */
class FleetEntityTest {
    private static final long FIRST = 10_000;
    private static final long MAX_AGE = 3_600_000;

    @Test
    void unavailableEvidenceIsLookedAtAgainSoonThenBacksOffToTheMaximumAge() {
        FleetEntity row = new FleetEntity("036CFL1OUE00000000000002", "pack", 0);
        long now = 1_000;
        long[] waits = {10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 2_560_000, 3_600_000, 3_600_000};
        for (long wait : waits) {
            row.unavailable("node0 (not answering: no link to it)", now, FIRST, MAX_AGE);
            assertEquals(now + wait, row.dueAt());
            now = row.dueAt();
        }
    }

    @Test
    void anotherOutcomeStartsTheBackOffAgain() {
        FleetEntity row = new FleetEntity("036CFL1OUE00000000000002", "pack", 0);
        row.unavailable("not anchored yet", 0, FIRST, MAX_AGE);
        row.unavailable("not anchored yet", 10_000, FIRST, MAX_AGE);
        assertEquals(30_000, row.dueAt());
        row.notAssessed(Evidence.NOT_ASSESSED, "the last assessment failed on this node", 30_000, 90_000);
        row.unavailable("not anchored yet", 90_000, FIRST, MAX_AGE);
        assertEquals(100_000, row.dueAt());
    }

    @Test
    void aCommitThatTouchesTheBatteryShortensTheNextWait() {
        FleetEntity row = new FleetEntity("036CFL1OUE00000000000002", "pack", 0);
        row.unavailable("holder busy", 0, FIRST, MAX_AGE);
        row.unavailable("holder busy", 10_000, FIRST, MAX_AGE); // due at 30,000
        row.due(12_000); // its registration changed: due at once
        row.unavailable("holder busy", 12_000, FIRST, MAX_AGE);
        assertEquals(12_000 + 10_000, row.dueAt(), "the wait that was cut short (2 s) does not double into a long one");
    }

    @Test
    void anAssessmentSomeHolderDidNotAnswerIsLookedAtAgainSoonThenBacksOff() {
        FleetEntity row = new FleetEntity("036CFL1OUE00000000000002", "pack", 0);
        row.assessedWithoutSomeHolders(incomplete(), 0, FIRST, MAX_AGE);
        assertEquals(10_000, row.dueAt(), "a node just added and still starting: looked at again in 10 s, not in an hour");
        row.assessedWithoutSomeHolders(incomplete(), 10_000, FIRST, MAX_AGE);
        assertEquals(30_000, row.dueAt());
        row.unavailable("holder busy", 30_000, FIRST, MAX_AGE);
        assertEquals(40_000, row.dueAt(), "another shortfall starts from the first wait");
    }

    private static Assessed incomplete() {
        return new Assessed("NMC", "CATL", 0L, 40, 12.5, 0.93, 0.9, 0.95, "reuse", 4_000, 3_800, 4_200, "EUR",
                Evidence.INCOMPLETE, "not answering: node4", 0, 1, null);
    }
}
