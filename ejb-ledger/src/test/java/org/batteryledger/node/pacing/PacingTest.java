package org.batteryledger.node.pacing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacingTest {
    private static final long MS = 1_000_000;

    @Test
    void aPollerLooksEveryCycleWhileItsLooksLeaveWork() {
        Pacing p = new Pacing(5_000);
        for (int cycle = 0; cycle < 10; cycle++) {
            assertTrue(p.lookNow(cycle * 500 * MS), "cycle " + cycle);
            p.looked(false);
        }
    }

    @Test
    void aQuietPollerSkipsItsStoreUntilTheQuietLookIsDue() {
        Pacing p = new Pacing(5_000);
        assertTrue(p.lookNow(0), "the first cycle always looks");
        p.looked(true);
        for (long t = 500; t < 5_000; t += 500) {
            assertFalse(p.lookNow(t * MS), "at " + t + " ms");
        }
        assertTrue(p.lookNow(5_000 * MS), "the safety look");
        p.looked(true);
        assertFalse(p.lookNow(5_500 * MS), "quiet again after a look that found nothing");
    }

    @Test
    void workToldOfWakesAQuietPollerAtItsNextCycleOnly() {
        Pacing p = new Pacing(5_000);
        assertTrue(p.lookNow(0));
        p.looked(true);
        p.told();
        p.told();
        assertTrue(p.lookNow(500 * MS));
        p.looked(true);
        assertFalse(p.lookNow(1_000 * MS), "one telling, one look");
    }

    @Test
    void workToldOfDuringALookBringsAnotherLook() {
        Pacing p = new Pacing(5_000);
        assertTrue(p.lookNow(0));
        p.told(); // committed after the look read the store
        p.looked(true);
        assertTrue(p.lookNow(500 * MS), "the work the look could not see");
        p.looked(true);
        assertFalse(p.lookNow(1_000 * MS));
    }

    @Test
    void aLookThatFailsLeavesThePollerLookingEveryCycle() {
        Pacing p = new Pacing(5_000);
        assertTrue(p.lookNow(0));
        p.looked(true);
        assertTrue(p.lookNow(5_000 * MS));
        // the look threw before looked(): not quiet
        assertTrue(p.lookNow(5_500 * MS));
        assertFalse(p.quiet());
    }

    @Test
    void theQuietLookMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Pacing(0));
    }
}
