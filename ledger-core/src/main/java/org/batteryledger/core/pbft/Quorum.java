package org.batteryledger.core.pbft;

/**
 * Quorum arithmetic, in one place. With n validators the protocol tolerates f = floor((n-1)/3) faulty ones.
 * A quorum is the smallest size such that any two quorums share at least f+1 replicas, hence at least one
 * honest one: ceil((n + f + 1) / 2). For n = 3f+1 that is the paper's 2f+1 (Castro & Liskov §4.1); for other n
 * it stays safe where a naive 2f+1 would not (n = 5: 2f+1 = 3, but two sets of 3 may share only a faulty one).
 */
public final class Quorum {
    private Quorum() {
    }

    public static int f(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a validator set has at least one member, not " + n);
        }
        return (n - 1) / 3;
    }

    public static int size(int n) {
        int f = f(n);
        return (n + f + 2) / 2;
    }

    /** Enough replicas that at least one is honest (§4.4: f+1 view changes make a replica join a view). */
    public static int weak(int n) {
        return f(n) + 1;
    }
}
