package org.batteryledger.web.pdf;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Reads the certificate's JSON tree (as {@code Json.parse} gives it: maps, lists, strings, BigDecimals, Booleans and
 * {@code Json.NULL}) leniently: a member that is absent, null or of another type reads as absent, so a document
 * from an older format version renders with gaps rather than not at all.
 */
final class Tree {
    private Tree() {
    }

    static Map<?, ?> object(Map<?, ?> m, String key) {
        return m.get(key) instanceof Map<?, ?> o ? o : Map.of();
    }

    static List<?> list(Map<?, ?> m, String key) {
        return m.get(key) instanceof List<?> l ? l : List.of();
    }

    /** A string member, or a number's plain form; null when absent. */
    static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v instanceof Number || v instanceof Boolean ? v.toString() : null;
    }

    static BigDecimal number(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v instanceof BigDecimal d) {
            return d;
        }
        if (v instanceof Number n) {
            try {
                return new BigDecimal(n.toString());
            } catch (NumberFormatException e) {
                return null; // NaN or infinite: no figure to print
            }
        }
        return null;
    }

    static boolean flag(Map<?, ?> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }
}
