package org.batteryledger.node.readmodel;

import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read model over the bounded local cache of a member of one server. */
class LocalStateCacheTest {
    @Test
    void theCacheStaysWithinItsBoundAndEveryReadStillAnswersTheCommittedValue() {
        ConcurrentMap<String, String> cache = LocalStateCache.create(100, 1L << 20);
        Map<String, byte[]> database = new HashMap<>();
        AtomicInteger databaseReads = new AtomicInteger();
        StateReadModel model = new StateReadModel(cache, (t, k) -> {
            databaseReads.incrementAndGet();
            return database.get(t + "/" + k);
        }, () -> 1);
        for (int i = 0; i < 1_000; i++) {
            byte[] value = {(byte) i, (byte) (i >> 8)};
            database.put("node/" + i, value);
            model.committed(1, new WriteSet(List.of(new WriteSet.Entry("node", Integer.toString(i), value))));
        }
        assertTrue(cache.size() <= 100, "bounded: " + cache.size());
        for (int i = 0; i < 1_000; i++) {
            assertArrayEquals(new byte[]{(byte) i, (byte) (i >> 8)}, model.get("node", Integer.toString(i)).orElseThrow());
        }
        assertTrue(databaseReads.get() >= 900, "evicted entries are read from the database: " + databaseReads.get());
        assertTrue(cache.size() <= 100, "still bounded: " + cache.size());
    }

    @Test
    void aNewerCommitReplacesAnOlderValueAndAnOlderOneNeverANewer() {
        StateReadModel model = new StateReadModel(LocalStateCache.create(10, 1L << 20), (t, k) -> null, () -> 0);
        model.committed(2, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{2}))));
        model.committed(1, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{1}))));
        assertArrayEquals(new byte[]{2}, model.get("node", "a").orElseThrow());
        model.committed(3, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{3}))));
        assertArrayEquals(new byte[]{3}, model.get("node", "a").orElseThrow());
    }

    @Test
    void theBoundComesFromTheServersPropertyOrIsTheDefault() {
        assertEquals(LocalStateCache.DEFAULT_ENTRIES, LocalStateCache.entries(null));
        assertEquals(LocalStateCache.DEFAULT_ENTRIES, LocalStateCache.entries(" "));
        assertEquals(5_000, LocalStateCache.entries(" 5000 "));
        assertThrows(IllegalArgumentException.class, () -> LocalStateCache.entries("many"));
        assertThrows(IllegalArgumentException.class, () -> LocalStateCache.entries("0"));
        assertThrows(IllegalArgumentException.class, () -> LocalStateCache.create(0, 1L << 20));
        assertEquals(LocalStateCache.DEFAULT_MEGABYTES << 20, LocalStateCache.bytes(null));
        assertEquals(8L << 20, LocalStateCache.bytes("8"));
        assertThrows(IllegalArgumentException.class, () -> LocalStateCache.bytes("-1"));
        assertThrows(IllegalArgumentException.class, () -> LocalStateCache.bytes("8m"));
        assertThrows(IllegalArgumentException.class, () -> LocalStateCache.create(10, 10));
    }

    @Test
    void largeValuesAreBoundedByTheirBytesNotTheirCount() {
        long bound = 1L << 20;
        ConcurrentMap<String, String> cache = LocalStateCache.create(200_000, bound);
        StateReadModel model = new StateReadModel(cache, (t, k) -> null, () -> 1);
        byte[] value = new byte[3_000]; // 4,000 characters of Base64
        for (int i = 0; i < 2_000; i++) {
            model.committed(1, new WriteSet(List.of(new WriteSet.Entry("proposal", Integer.toString(i), value))));
        }
        long bytes = cache.entrySet().stream().mapToLong(e -> LocalStateCache.weight(e.getKey(), e.getValue())).sum();
        assertTrue(bytes <= bound, "bounded by bytes: " + bytes);
        assertTrue(cache.size() > 200 && cache.size() < 300, "about a MiB of 4 KB entries: " + cache.size());
    }

    @Test
    void smallValuesAreBoundedByTheirCountNotTheirBytes() {
        ConcurrentMap<String, String> cache = LocalStateCache.create(1_000, 64L << 20);
        StateReadModel model = new StateReadModel(cache, (t, k) -> null, () -> 1);
        for (int i = 0; i < 5_000; i++) {
            model.committed(1, new WriteSet(List.of(new WriteSet.Entry("node", Integer.toString(i), new byte[]{1}))));
        }
        assertTrue(cache.size() <= 1_000 && cache.size() > 900, "bounded by count: " + cache.size());
    }
}
