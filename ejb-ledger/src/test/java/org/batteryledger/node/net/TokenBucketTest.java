package org.batteryledger.node.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstPassesThenTheRateHolds() {
        TokenBucket b = new TokenBucket(100, 200, 0);
        assertEquals(0, b.take(200, 0), "the burst is free");
        assertEquals(SECOND / 100, b.take(1, 0), "one more token takes 1/rate to come");
        assertEquals(0, b.take(99, 2 * SECOND), "two seconds refill 200, minus the 1 owed");
    }

    @Test
    void theRefillNeverExceedsTheBurst() {
        TokenBucket b = new TokenBucket(1_000, 10, 0);
        b.take(10, 0);
        assertEquals(0, b.take(10, 3600 * SECOND));
        assertEquals(SECOND / 1_000, b.take(1, 3600 * SECOND));
    }

    @Test
    void aRateAndABurstArePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
    }
}
