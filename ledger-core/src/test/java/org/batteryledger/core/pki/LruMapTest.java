package org.batteryledger.core.pki;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LruMapTest {
    @Test
    void keepsTheBoundDropsTheLeastRecentlyUsedAndForgetsNothingItNeverHeld() {
        LruMap<Integer, String> m = new LruMap<>(3);
        List<Integer> computed = new ArrayList<>();
        for (int k : new int[] {1, 2, 3, 1, 4, 1, 2}) {
            assertEquals("v" + k, m.get(k, key -> {
                computed.add(key);
                return "v" + key;
            }));
        }
        // 1, 2, 3 computed; 1 used again, so 4 evicts 2; 1 remembered; 2 computed again (evicting 3)
        assertEquals(List.of(1, 2, 3, 4, 2), computed);
        assertEquals(3, m.size());
        assertNull(m.get(9, key -> null));
        assertEquals(3, m.size(), "a null is not remembered");
    }
}
