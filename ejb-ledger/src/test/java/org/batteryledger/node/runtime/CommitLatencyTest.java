package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CommitLatencyTest {
    static final long MS = 1_000_000;

    static Hash tx(int i) {
        byte[] b = new byte[32];
        b[0] = (byte) i;
        b[1] = (byte) (i >> 8);
        b[2] = (byte) (i >> 16);
        return Hash.of(b);
    }

    @Test
    void eachAcknowledgedTransactionFallsIntoTheFirstBucketThatHoldsItsWait() {
        CommitLatency l = new CommitLatency();
        long[] waits = {3, 10, 11, 49, 150, 20_000};
        for (int i = 0; i < waits.length; i++) {
            l.acknowledged(tx(i), 1_000 * MS);
            l.committed(tx(i), 1_000 * MS + waits[i] * MS);
        }
        CommitLatency.Snapshot s = l.snapshot();
        // bounds 10 25 50 100 200 500 1000 2000 5000 10000 +Inf
        assertArrayEquals(new long[]{2, 3, 4, 4, 5, 5, 5, 5, 5, 5, 6}, s.cumulative());
        assertEquals(6, s.count());
        assertEquals((3 + 10 + 11 + 49 + 150 + 20_000) / 1000.0, s.sumSeconds(), 1e-9);
        assertEquals(0, l.waiting());
    }

    @Test
    void aTransactionThisNodeDidNotAcknowledgeIsNotObservedNorIsACommitSeenTwice() {
        CommitLatency l = new CommitLatency();
        l.committed(tx(1), 5 * MS); // forwarded by a peer: its client waits on the other node
        l.acknowledged(tx(2), 0);
        l.committed(tx(2), 30 * MS);
        l.committed(tx(2), 90 * MS);
        assertEquals(1, l.snapshot().count());
    }

    @Test
    void theOldestAcknowledgementIsForgottenWhenTooManyWait() {
        CommitLatency l = new CommitLatency();
        for (int i = 0; i <= CommitLatency.MAX_WAITING; i++) {
            l.acknowledged(tx(i), i);
        }
        assertEquals(CommitLatency.MAX_WAITING, l.waiting());
        l.committed(tx(0), 10 * MS); // forgotten: an expired transaction never commits
        l.committed(tx(CommitLatency.MAX_WAITING), CommitLatency.MAX_WAITING + 7 * MS);
        assertEquals(1, l.snapshot().count());
        assertEquals(1, l.snapshot().cumulative()[0]);
    }
}
