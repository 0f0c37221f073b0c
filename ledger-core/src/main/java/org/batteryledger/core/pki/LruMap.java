package org.batteryledger.core.pki;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded memory of work derived from certificates (a parse, a verified signature), least recently used out first.
 * A verifier of many documents meets the same few chains again; the bound keeps a stream of distinct ones from
 * growing it. Thread-safe; a value is computed outside the lock, so two callers may compute the same one.
 */
public final class LruMap<K, V> {
    private final Map<K, V> map;

    public LruMap(int entries) {
        this.map = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > entries;
            }
        });
    }

    /** The value remembered for {@code key}, else {@code compute}'s, remembered unless it is null. */
    public V get(K key, Function<K, V> compute) {
        V v = map.get(key);
        if (v == null) {
            v = compute.apply(key);
            if (v != null) {
                map.put(key, v);
            }
        }
        return v;
    }

    public int size() {
        return map.size();
    }
}
