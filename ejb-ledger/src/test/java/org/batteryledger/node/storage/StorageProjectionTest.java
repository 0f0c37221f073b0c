package org.batteryledger.node.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageProjectionTest {
    private static final long TEN_MINUTES = 600_000L;

    @Test
    void growthIsTheSlopeThroughNoisySamples() {
        Random random = new Random(7);
        List<StorageProjection.Sample> samples = new ArrayList<>();
        for (int i = 0; i <= 144; i++) { // a day of 10-minute samples, 2 GB per day plus a sawtooth of log rotations
            long used = 1_000_000_000L + Math.round(2e9 * i / 144.0) + (i % 6) * 5_000_000L + random.nextInt(1_000_000);
            samples.add(new StorageProjection.Sample(i * TEN_MINUTES, used, 0));
        }
        double perDay = StorageProjection.growthPerDay(samples).orElseThrow();
        assertEquals(2e9, perDay, 2e9 * 0.02);
        assertEquals(50.0, StorageProjection.daysUntilFull(100_000_000_000L, 2e9).orElseThrow(), 1e-9);
    }

    @Test
    void tooShortASpanOrNoGrowthProjectsNothing() {
        assertTrue(StorageProjection.growthPerDay(List.of(new StorageProjection.Sample(0, 1, 0),
                new StorageProjection.Sample(TEN_MINUTES, 2, 0))).isEmpty(), "10 minutes say nothing about a day");
        assertTrue(StorageProjection.daysUntilFull(1000, 0).isEmpty());
        assertTrue(StorageProjection.daysUntilFull(1000, -5).isEmpty(), "shrinking storage never fills");
    }

    @Test
    void theLogCapReadsTheHandlersSizes() {
        assertEquals(5L * 10 * 1024 * 1024, new LogCap(LogCap.bytes("10m"), 4).capBytes());
        assertEquals(3L * 16 * 1024, new LogCap(LogCap.bytes("16k"), 2).capBytes());
        assertEquals(1234, LogCap.bytes("1234"));
        assertEquals(1L << 30, LogCap.bytes(" 1G "));
        assertThrows(NumberFormatException.class, () -> LogCap.bytes("ten megabytes"));
    }
}
