package org.batteryledger.node.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the node lets its heap go back down: only after a whole window with no more than a few collections. */
class HeapAtRestTest {
    @Test
    void busyUntilAWholeWindowWasSeen() {
        HeapAtRest.Rest rest = new HeapAtRest.Rest(6, 2, 20);
        for (int i = 0; i < 6; i++) {
            assertFalse(rest.sample(100), "sample " + i + ": the window is not full yet");
        }
        assertTrue(rest.sample(100), "six periods without a collection");
    }

    @Test
    void aFewCollectionsAWindowAreRestAndMoreAreWork() {
        HeapAtRest.Rest rest = new HeapAtRest.Rest(6, 2, 20);
        long count = 0;
        for (int i = 0; i < 7; i++) {
            rest.sample(count);
        }
        assertTrue(rest.sample(count += 1), "the periodic cycle");
        assertTrue(rest.sample(count += 1), "and one more");
        assertFalse(rest.sample(count += 1), "three in a window: busy at once");
        assertFalse(rest.sample(count += 5), "load");
        for (int i = 0; i < 5; i++) {
            assertFalse(rest.sample(count), "the load is still in the window (" + i + ")");
        }
        assertTrue(rest.sample(count), "a whole window after the load");
    }

    @Test
    void aBurstInOnePeriodIsWorkEvenAfterLongRest() {
        HeapAtRest.Rest rest = new HeapAtRest.Rest(6, 2, 20);
        for (int i = 0; i < 20; i++) {
            rest.sample(7);
        }
        assertTrue(rest.sample(7));
        assertFalse(rest.sample(10), "three collections in ten seconds");
    }

    @Test
    void theFullCollectionOnEnteringRestIsNotWork() {
        HeapAtRest.Rest rest = new HeapAtRest.Rest(6, 2, 20);
        long count = 0;
        for (int i = 0; i < 6; i++) {
            rest.sample(count);
        }
        assertTrue(rest.sample(count += 2), "two collections in the window: rest");
        rest.own(1);
        assertTrue(rest.sample(count += 1), "the node's own full collection does not make it busy");
        for (int i = 0; i < 10; i++) {
            assertTrue(rest.sample(count), "nor later (" + i + ")");
        }
        assertFalse(rest.sample(count += 3), "work still does");
    }

    @Test
    void aFullCollectionAtMostOnceInItsInterval() {
        HeapAtRest.Rest rest = new HeapAtRest.Rest(6, 2, 20);
        long count = 0;
        for (int i = 0; i < 7; i++) {
            rest.sample(count);
        }
        assertTrue(rest.fullCollectionDue(), "the first rest");
        rest.own(1);
        count += 1;
        assertFalse(rest.fullCollectionDue());
        assertFalse(rest.sample(count += 3), "busy");
        for (int i = 0; i < 6; i++) {
            rest.sample(count);
        }
        assertTrue(rest.sample(count), "at rest again, 8 samples later");
        assertFalse(rest.fullCollectionDue(), "too soon for another full collection");
        for (int i = 0; i < 11; i++) {
            rest.sample(count);
        }
        assertFalse(rest.fullCollectionDue(), "19 samples after it");
        rest.sample(count);
        assertTrue(rest.fullCollectionDue(), "20 samples after it");
    }

    @Test
    void refusesAnEmptyWindow() {
        assertThrows(IllegalArgumentException.class, () -> new HeapAtRest.Rest(0, 2, 20));
        assertThrows(IllegalArgumentException.class, () -> new HeapAtRest.Rest(6, -1, 20));
        assertThrows(IllegalArgumentException.class, () -> new HeapAtRest.Rest(6, 2, -1));
    }
}
