package org.batteryledger.node.net;

/**
 * A rate with a burst (CometBFT's flowrate, in its simplest form): {@link #take} spends tokens that refill at
 * {@code ratePerSecond} up to {@code burst}, and says how long to wait when they run out. Time is passed in, so it is
 * tested without a clock. One link's event loop uses it: not thread-safe.
 */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, double burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("a rate and a burst are positive");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Spends {@code amount}; returns 0 when it was within the rate, else the nanoseconds until it would have been. */
    long take(double amount, long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        tokens -= amount;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
    }
}
