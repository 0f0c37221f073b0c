package org.batteryledger.core.ha;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LeaseTest {
    static final long D = 3_000;

    @Test
    void theFirstServerTakesEpochOne() {
        assertEquals(new Lease.Decision.Hold(new Lease("a", 1, 1_000 + D), true), Lease.decide(Optional.empty(), "a", 0, 1_000, D));
    }

    @Test
    void theHolderRenewsAtItsEpochAndTheOtherWaits() {
        Optional<Lease> held = Optional.of(new Lease("a", 4, 5_000));
        assertEquals(new Lease.Decision.Hold(new Lease("a", 4, 4_000 + D), false), Lease.decide(held, "a", 4, 4_000, D));
        assertEquals(new Lease.Decision.Wait(held.get()), Lease.decide(held, "b", 0, 4_999, D));
    }

    @Test
    void anExpiredLeaseIsTakenWithTheNextEpoch() {
        Optional<Lease> held = Optional.of(new Lease("a", 4, 5_000));
        assertEquals(new Lease.Decision.Hold(new Lease("b", 5, 5_000 + D), true), Lease.decide(held, "b", 0, 5_000, D));
    }

    @Test
    void theHolderRenewsItsOwnExpiredLeaseWhileNoOneTookIt() {
        // A slow renewal: the store still holds its epoch, so no one else wrote in between.
        Optional<Lease> held = Optional.of(new Lease("a", 4, 5_000));
        assertEquals(new Lease.Decision.Hold(new Lease("a", 4, 9_000 + D), false), Lease.decide(held, "a", 4, 9_000, D));
    }

    @Test
    void aServerThatLostItsLeaseDoesNotRenewTheNewHoldersEpoch() {
        // "a" held epoch 4 and was paused; "b" took epoch 5. When "a" looks again it waits.
        Optional<Lease> taken = Optional.of(new Lease("b", 5, 8_000));
        assertEquals(new Lease.Decision.Wait(taken.get()), Lease.decide(taken, "a", 4, 7_000, D));
    }

    @Test
    void aRestartedServerFencesItsEarlierRunAtOnce() {
        // The lease is in its own name at an epoch it does not hold: an earlier run of the same server, dead or paused.
        Optional<Lease> earlier = Optional.of(new Lease("a", 4, 9_000));
        assertEquals(new Lease.Decision.Hold(new Lease("a", 5, 6_000 + D), true), Lease.decide(earlier, "a", 0, 6_000, D));
    }

    @Test
    void aHolderSeenLeavingTheGroupIsTakenOverOnceItMissedARenewalBeforeItsLeaseRunsOut() {
        // "a" renewed at 2,000 (its lease runs to 5,000); it left the group; a renewal is missed after 2,000 + 3/8 of D.
        Optional<Lease> held = Optional.of(new Lease("a", 4, 2_000 + D));
        Optional<Lease.Departed> left = Optional.of(new Lease.Departed("a", 4));
        assertEquals(new Lease.Decision.Wait(held.get()), Lease.decide(held, "b", 0, 2_500, D, left),
                "renewed half a second ago: its link to b broke, not the server");
        assertEquals(new Lease.Decision.Hold(new Lease("b", 5, 3_125 + D), true), Lease.decide(held, "b", 0, 3_125, D, left));
        assertEquals(new Lease.Decision.Wait(held.get()), Lease.decide(held, "b", 0, 3_125, D, Optional.empty()), "without the departure: wait");
    }

    @Test
    void aDepartureIsEvidenceForItsOwnEpochOnly() {
        // "a" left at epoch 4; since then "a" restarted and took epoch 5, or "c" took it: the departure says nothing of them.
        assertEquals(new Lease.Decision.Wait(new Lease("a", 5, 5_000)),
                Lease.decide(Optional.of(new Lease("a", 5, 5_000)), "b", 0, 4_000, D, Optional.of(new Lease.Departed("a", 4))));
        assertEquals(new Lease.Decision.Wait(new Lease("c", 5, 5_000)),
                Lease.decide(Optional.of(new Lease("c", 5, 5_000)), "b", 0, 4_000, D, Optional.of(new Lease.Departed("a", 4))));
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Lease("a", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Lease(" ", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Lease("x".repeat(129), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Lease.decide(Optional.empty(), "a", 0, 1, 0));
    }
}
