package org.batteryledger.node.exchange;

/**
 * One peer's share of this node's capacity to answer record queries: a token bucket (a steady rate with a burst) and
 * a cap on its queries in flight, so one member asking hard cannot crowd out the others or the replica.
 */
final class PeerShare {
    private final double ratePerSecond;
    private final double burst;
    private final int maxInFlight;
    private double tokens;
    private long lastNanos;
    private int inFlight;

    PeerShare(double ratePerSecond, double burst, int maxInFlight, long nowNanos) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxInFlight = maxInFlight;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes a token and a slot, or says why not (null when taken). */
    synchronized String tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) / 1e9 * ratePerSecond);
        lastNanos = nowNanos;
        if (inFlight >= maxInFlight) {
            return maxInFlight + " of this node's queries are being answered already";
        }
        if (tokens < 1) {
            return "more than " + (int) ratePerSecond + " queries a second (burst " + (int) burst + ")";
        }
        tokens -= 1;
        inFlight++;
        return null;
    }

    synchronized void release() {
        inFlight--;
    }
}
