package org.batteryledger.core.ha;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HolderWatchTest {
    private final HolderWatch watch = new HolderWatch();

    @Test
    void aHolderSeenInTheGroupAndThenMissingHasDeparted() {
        watch.leaseRead("s0", 3);
        assertFalse(watch.group(List.of("s0", "s1")));
        assertTrue(watch.group(List.of("s1")), "the first view without it says so");
        assertFalse(watch.group(List.of("s1")), "once");
        assertEquals(Optional.of(new Lease.Departed("s0", 3)), watch.departed());
    }

    @Test
    void aHolderNeverSeenInTheGroupIsNotEvidence() {
        // This server started while the holder's host was out of reach, or lost the lease to a server it could not see.
        watch.leaseRead("s0", 3);
        assertFalse(watch.group(List.of("s1")));
        assertFalse(watch.group(List.of("s1")));
        assertEquals(Optional.empty(), watch.departed());
    }

    @Test
    void aHolderBackInTheGroupIsNoLongerDeparted() {
        watch.leaseRead("s0", 3);
        watch.group(List.of("s0", "s1"));
        watch.group(List.of("s1"));
        assertFalse(watch.group(List.of("s0", "s1")));
        assertEquals(Optional.empty(), watch.departed());
    }

    @Test
    void aNewEpochStartsTheWatchAfresh() {
        watch.leaseRead("s0", 3);
        watch.group(List.of("s0", "s1"));
        watch.group(List.of("s1"));
        watch.leaseRead("s0", 4); // it restarted (or another server took over) meanwhile: not seen at this epoch yet
        assertEquals(Optional.empty(), watch.departed());
        assertFalse(watch.group(List.of("s1")));
        watch.leaseRead("s0", 4);
        assertTrue(watch.group(List.of("s0", "s1")) || watch.group(List.of("s1")));
    }

    @Test
    void noGroupOrNoLeaseSaysNothing() {
        assertFalse(watch.group(List.of("s1")));
        watch.leaseRead("s0", 1);
        assertFalse(watch.group(null));
        assertEquals(Optional.empty(), watch.departed());
    }
}
