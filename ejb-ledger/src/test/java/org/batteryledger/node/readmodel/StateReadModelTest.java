package org.batteryledger.node.readmodel;

import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateReadModelTest {
    private final Map<String, byte[]> database = new HashMap<>();
    private final AtomicInteger databaseReads = new AtomicInteger();
    private final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();
    /** The height the database holds committed: misses read it before the value. */
    private long databaseHeight;
    private final StateReadModel model = new StateReadModel(cache, (t, k) -> {
        databaseReads.incrementAndGet();
        return database.get(t + "/" + k);
    }, () -> databaseHeight);

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
        model.committed(1, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{2}), new WriteSet.Entry("node", "b", new byte[0]))));
        assertArrayEquals(new byte[]{2}, model.get("node", "a").orElseThrow());
        assertArrayEquals(new byte[0], model.get("node", "b").orElseThrow(), "an empty value is a value, not absence");
        model.committed(2, new WriteSet(List.of(new WriteSet.Entry("node", "a", null))));
        assertTrue(model.get("node", "a").isEmpty());
        assertEquals(1, databaseReads.get());
    }

    @Test
    void theReplayIndexIsNeitherFilledByCommitsNorCached() {
        model.committed(1, new WriteSet(List.of(
                new WriteSet.Entry(Tables.TX, "ab12", new byte[]{9}),
                new WriteSet.Entry(Tables.TX_EXPIRY, "00000000000000001000:ab12", new byte[0]),
                new WriteSet.Entry("node", "a", new byte[]{1}))));
        assertEquals(Set.of(StateReadModel.key("node", "a")), cache.keySet(), "only the query-side entry is cached");
        database.put(Tables.TX + "/ab12", new byte[]{9});
        assertArrayEquals(new byte[]{9}, model.get(Tables.TX, "ab12").orElseThrow());
        database.remove(Tables.TX + "/ab12"); // expired: the next read must not answer from a cache
        assertTrue(model.get(Tables.TX, "ab12").isEmpty());
        assertEquals(2, databaseReads.get());
        assertEquals(1, cache.size());
    }

    @Test
    void aMissThatReadTheDatabaseBeforeACommitNeverHidesTheCommit() {
        database.put("node/a", new byte[]{1});
        // The reader reads the old value from the database; the commit lands before the reader fills the cache.
        StateReadModel racing = new StateReadModel(cache, (t, k) -> {
            byte[] old = database.get(t + "/" + k);
            model.committed(1, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{2}))));
            return old;
        }, () -> databaseHeight);
        assertArrayEquals(new byte[]{2}, racing.get("node", "a").orElseThrow(), "the reader answers what the cache holds");
        assertArrayEquals(new byte[]{2}, model.get("node", "a").orElseThrow());
    }

    @Test
    void keysOfAnyCharactersAreKeptApartAndAscii() {
        for (String k : new String[]{"plain", "~plain", "nul\u0000", "é", "電池"}) {
            model.committed(1, new WriteSet(List.of(new WriteSet.Entry("t", k, k.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
            assertTrue(StateReadModel.key("t", k).chars().allMatch(c -> c >= 0x20 && c < 0x7f), k);
        }
        for (String k : new String[]{"plain", "~plain", "nul\u0000", "é", "電池"}) {
            assertArrayEquals(k.getBytes(java.nio.charset.StandardCharsets.UTF_8), model.get("t", k).orElseThrow());
        }
    }

    @Test
    void tablesAndKeysDoNotCollide() {
        model.committed(1, new WriteSet(List.of(new WriteSet.Entry("ab", "c", new byte[]{1}), new WriteSet.Entry("a", "bc", new byte[]{2}))));
        assertArrayEquals(new byte[]{1}, model.get("ab", "c").orElseThrow());
        assertArrayEquals(new byte[]{2}, model.get("a", "bc").orElseThrow());
    }

    @Test
    void aCommitReadAfterAMissReplacesTheMissedValue() {
        database.put("node/a", new byte[]{1});
        databaseHeight = 4;
        model.get("node", "a");
        model.committed(5, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{2}))));
        assertArrayEquals(new byte[]{2}, model.get("node", "a").orElseThrow());
    }

    @Test
    void anOlderCommitNeverReplacesANewerOne() {
        // A clustered member's server paused between persisting block 7 and filling the cache; the member's other server
        // took over and committed block 9. The paused one resumes: its block 7 values must not come back.
        StateReadModel resumed = new StateReadModel(cache, (t, k) -> null, () -> 0);
        model.committed(9, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{9}), new WriteSet.Entry("node", "b", null))));
        resumed.committed(7, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{7}), new WriteSet.Entry("node", "b", new byte[]{7}))));
        assertArrayEquals(new byte[]{9}, model.get("node", "a").orElseThrow());
        assertTrue(model.get("node", "b").isEmpty());
    }

    @Test
    void aMissIsNeverNewerThanTheHeightItIsTaggedWith() {
        // The miss read height 9 before the value: a late commit of block 7 (a resumed, taken-over server) leaves it.
        database.put("node/a", new byte[]{9});
        databaseHeight = 9;
        model.get("node", "a");
        model.committed(7, new WriteSet(List.of(new WriteSet.Entry("node", "a", new byte[]{7}))));
        assertArrayEquals(new byte[]{9}, model.get("node", "a").orElseThrow());
    }

    @Test
    void everyByteValueAndHeightSurvivesTheEncoding() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        for (long h : new long[]{0, 1, 255, 256, Long.MAX_VALUE}) {
            model.committed(h, new WriteSet(List.of(new WriteSet.Entry("t", "k" + h, all))));
            assertArrayEquals(all, model.get("t", "k" + h).orElseThrow());
            assertEquals(h, StateReadModel.heightOf(StateReadModel.encode(h, all)));
        }
    }
}
