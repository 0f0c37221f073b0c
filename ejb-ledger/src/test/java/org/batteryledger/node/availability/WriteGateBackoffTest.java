package org.batteryledger.node.availability;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteGateBackoffTest {
    private static final long S = 1_000_000_000L;

    @Test
    void resumesFollowingEachOtherWithinAMinuteWaitTwiceAsLongEachTimeUpToFiveMinutes() {
        WriteGate.Backoff b = new WriteGate.Backoff();
        long t = 7 * S; // any origin: nanoTime may be negative or near overflow
        assertTrue(b.due(t));
        assertEquals(0, b.resumed(t), "the first resume sets no wait");
        t += S;
        assertTrue(b.due(t));
        assertEquals(2 * S, b.resumed(t));
        assertFalse(b.due(t + S));
        t += 2 * S;
        assertTrue(b.due(t));
        assertEquals(4 * S, b.resumed(t));
        long wait = 4 * S;
        while (wait < WriteGate.MAX_RESUME_BACKOFF_NANOS) {
            t += Math.min(wait, 59 * S);
            wait = b.resumed(t);
        }
        assertEquals(WriteGate.MAX_RESUME_BACKOFF_NANOS, wait, "the wait stops growing at five minutes");
    }

    @Test
    void aResumeAfterALongPauseStartsOver() {
        WriteGate.Backoff b = new WriteGate.Backoff();
        long t = Long.MAX_VALUE - 10 * S; // crosses the overflow of nanoTime on the way
        b.resumed(t);
        assertEquals(2 * S, b.resumed(t + S));
        assertEquals(0, b.resumed(t + S + WriteGate.QUICK_REPAUSE_NANOS), "a minute after the last resume is not a quick one");
        assertTrue(b.due(t + S + WriteGate.QUICK_REPAUSE_NANOS));
    }
}
