package org.batteryledger.node.storage;

import java.util.List;
import java.util.OptionalDouble;

/**
 * How fast a node's storage grows and when its disk fills: the least-squares slope of used bytes over the samples of
 * the last day (a day of 10-minute samples smooths out anchoring batches and log rotations), and the free space
 * divided by it.
 */
public final class StorageProjection {
    /** Growth needs samples spanning at least this long to mean anything. */
    public static final long MIN_SPAN_MILLIS = 30 * 60 * 1000L;

    public record Sample(long epochMillis, long usedBytes, long freeBytes) {
    }

    private StorageProjection() {
    }

    /** Bytes per day by least squares over the samples, or empty if they span less than {@link #MIN_SPAN_MILLIS}. */
    public static OptionalDouble growthPerDay(List<Sample> samples) {
        if (samples.size() < 2 || samples.get(samples.size() - 1).epochMillis() - samples.get(0).epochMillis() < MIN_SPAN_MILLIS) {
            return OptionalDouble.empty();
        }
        double t0 = samples.get(0).epochMillis();
        double meanT = 0;
        double meanY = 0;
        for (Sample s : samples) {
            meanT += (s.epochMillis() - t0) / 86_400_000.0;
            meanY += s.usedBytes();
        }
        meanT /= samples.size();
        meanY /= samples.size();
        double num = 0;
        double den = 0;
        for (Sample s : samples) {
            double dt = (s.epochMillis() - t0) / 86_400_000.0 - meanT;
            num += dt * (s.usedBytes() - meanY);
            den += dt * dt;
        }
        return den == 0 ? OptionalDouble.empty() : OptionalDouble.of(num / den);
    }

    /** Days until {@code freeBytes} are used at {@code bytesPerDay}; empty when storage does not grow. */
    public static OptionalDouble daysUntilFull(long freeBytes, double bytesPerDay) {
        return bytesPerDay <= 0 ? OptionalDouble.empty() : OptionalDouble.of(freeBytes / bytesPerDay);
    }
}
