package org.batteryledger.web.api;

import jakarta.json.bind.annotation.JsonbNillable;
import org.batteryledger.core.json.Json;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A response record as a tree for the core's JSON writer ({@link Json#write}), for the bodies that embed battery
 * records as their holders stored them (core JSON trees): JSON-B knows neither the core's null marker (it wrote it as
 * {@code {}}) nor its number types; the core's writer writes them as it writes every stored record. Components in
 * declaration order; a null one omitted, unless its accessor is {@link JsonbNillable} (then written as null), as JSON-B
 * does for the other records.
 */
final class ResponseTrees {
    private ResponseTrees() {
    }

    static Object tree(Object value) {
        if (value instanceof Record r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                Object v = read(c, r);
                if (v != null) {
                    out.put(c.getName(), tree(v));
                } else if (c.getAccessor().isAnnotationPresent(JsonbNillable.class)) {
                    out.put(c.getName(), Json.NULL);
                }
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(v == null ? Json.NULL : tree(v)));
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, v == null ? Json.NULL : tree(v)));
            return out;
        }
        return value;
    }

    private static Object read(RecordComponent c, Record r) {
        try {
            c.getAccessor().setAccessible(true); // records nested in package-private classes
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass().getSimpleName(), e);
        }
    }
}
