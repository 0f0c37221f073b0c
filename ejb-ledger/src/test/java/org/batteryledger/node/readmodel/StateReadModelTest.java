package org.batteryledger.node.readmodel;

import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateReadModelTest {
    private final Map<String, byte[]> database = new HashMap<>();
    private final AtomicInteger databaseReads = new AtomicInteger();
    private final ConcurrentHashMap<String, byte[]> cache = new ConcurrentHashMap<>();
    private final StateReadModel model = new StateReadModel(cache, (t, k) -> {
        databaseReads.incrementAndGet();
        return database.get(t + "/" + k);
    });

    @Test
    void aMissReadsTheDatabaseOnceThenTheCacheAnswers() {
        database.put("node/a", new byte[]{7});
        assertArrayEquals(new byte[]{7}, model.get("node", "a").orElseThrow());
        assertArrayEquals(new byte[]{7}, model.get("node", "a").orElseThrow());
        assertEquals(1, databaseReads.get());
    }

    @Test
    void absenceIsCachedToo() {
        assertTrue(model.get("node", "nobody").isEmpty());
        assertTrue(model.get("node", "nobody").isEmpty());
        assertEquals(1, databaseReads.get());
    }

    @Test
    void aCommitOverwritesAndDeletes() {
        database.put("node/a", new byte[]{1});
        model.get("node", "a");
        model.committed(new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{2}), new WriteSet.Entry("node", "b", new byte[0]))));
        assertArrayEquals(new byte[]{2}, model.get("node", "a").orElseThrow());
        assertArrayEquals(new byte[0], model.get("node", "b").orElseThrow(), "an empty value is a value, not absence");
        model.committed(new WriteSet(List.of(new WriteSet.Entry("node", "a", null))));
        assertTrue(model.get("node", "a").isEmpty());
        assertEquals(1, databaseReads.get());
    }

    @Test
    void aMissThatReadTheDatabaseBeforeACommitNeverHidesTheCommit() {
        database.put("node/a", new byte[]{1});
        // The reader reads the old value from the database; the commit lands before the reader fills the cache.
        StateReadModel racing = new StateReadModel(cache, (t, k) -> {
            byte[] old = database.get(t + "/" + k);
            model.committed(new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{2}))));
            return old;
        });
        assertArrayEquals(new byte[]{2}, racing.get("node", "a").orElseThrow(), "the reader answers what the cache holds");
        assertArrayEquals(new byte[]{2}, model.get("node", "a").orElseThrow());
    }

    @Test
    void tablesAndKeysDoNotCollide() {
        model.committed(new WriteSet(List.of(new WriteSet.Entry("ab", "c", new byte[]{1}), new WriteSet.Entry("a", "bc", new byte[]{2}))));
        assertArrayEquals(new byte[]{1}, model.get("ab", "c").orElseThrow());
        assertArrayEquals(new byte[]{2}, model.get("a", "bc").orElseThrow());
    }
}
