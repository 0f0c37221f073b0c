package org.batteryledger.core.pbft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quorum arithmetic (Castro & Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999, §3 and §4.1). */
class QuorumTest {

    // §3: with |R| = 3f+1 replicas the service tolerates f faults; for any n, f = floor((n-1)/3).
    // §4.1 (certificates of 2f+1) generalised: quorum = ceil((n+f+1)/2), which is 2f+1 exactly when n = 3f+1.
    @ParameterizedTest(name = "n={0}: f={1}, quorum={2}, weak={3}")
    @CsvSource({
            "1, 0, 1, 1",
            "2, 0, 2, 1",
            "3, 0, 2, 1",
            "4, 1, 3, 2",
            "5, 1, 4, 2",
            "6, 1, 4, 2",
            "7, 2, 5, 3",
            "8, 2, 6, 3",
            "9, 2, 6, 3",
            "10, 3, 7, 4",
            "100, 33, 67, 34",
    })
    void faultThresholdAndQuorumSizeFollowTheTable(int n, int f, int quorum, int weak) {
        assertEquals(f, Quorum.f(n));
        assertEquals(quorum, Quorum.size(n));
        assertEquals(weak, Quorum.weak(n));
    }

    // §4.1: for n = 3f+1 the quorum is the paper's 2f+1.
    @Test
    void quorumIsTwoFPlusOneWhenNIsThreeFPlusOne() {
        for (int f = 0; f <= 100; f++) {
            assertEquals(2 * f + 1, Quorum.size(3 * f + 1), "f=" + f);
        }
    }

    // §4.2 / §4.4 safety argument: any two quorums intersect in at least f+1 replicas, hence in at least one
    // non-faulty one; and a quorum is always reachable with f replicas silent (liveness, §4.5).
    @Test
    void anyTwoQuorumsShareAtLeastFPlusOneAndAQuorumSurvivesFSilentReplicas() {
        for (int n = 1; n <= 50; n++) {
            int f = Quorum.f(n);
            int q = Quorum.size(n);
            int minOverlap = 2 * q - n; // two q-subsets of n elements share at least this many
            assertTrue(minOverlap >= f + 1, "n=" + n + ": two quorums of " + q + " may share only " + minOverlap + " < f+1=" + (f + 1));
            assertTrue(q <= n - f, "n=" + n + ": quorum " + q + " needs more than the n-f=" + (n - f) + " correct replicas");
            assertTrue(3 * f < n, "n=" + n + ": f=" + f + " violates n > 3f");
            assertEquals((n - 1) / 3, f);
        }
    }

    // Exhaustive check of the same property on explicit member sets for small n (not just the counting bound).
    @Test
    void intersectionHoldsForEveryPairOfQuorumSubsetsUpToNineReplicas() {
        for (int n = 1; n <= 9; n++) {
            int q = Quorum.size(n);
            int need = Quorum.f(n) + 1;
            for (int a = 0; a < (1 << n); a++) {
                if (Integer.bitCount(a) != q) {
                    continue;
                }
                for (int b = 0; b < (1 << n); b++) {
                    if (Integer.bitCount(b) == q) {
                        assertTrue(Integer.bitCount(a & b) >= need, "n=" + n + " quorums " + a + " and " + b);
                    }
                }
            }
        }
    }

    @Test
    void anEmptyValidatorSetHasNoQuorum() {
        assertThrows(IllegalArgumentException.class, () -> Quorum.f(0));
        assertThrows(IllegalArgumentException.class, () -> Quorum.size(-1));
    }
}
