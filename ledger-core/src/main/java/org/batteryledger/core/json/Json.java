package org.batteryledger.core.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict RFC 8259 JSON, just enough for records and their canonical form. The core may not depend on a JSON
 * library, and it must hash exactly what it parsed, so it reads JSON itself: objects become {@link LinkedHashMap}
 * (a duplicate key is an error, since RFC 8785 cannot canonicalize it), arrays {@link ArrayList}, numbers
 * {@link BigDecimal} (the exact text value), and null the {@link #NULL} marker.
 */
public final class Json {
    /** JSON null in parsed trees. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    public static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    public static Object parse(String text) {
        Json p = new Json(text);
        p.whitespace();
        if (p.pos == text.length()) {
            throw p.error("no JSON value (the input is empty)");
        }
        Object v = p.value();
        p.whitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected '" + p.text.charAt(p.pos) + "' after the JSON value");
        }
        return v;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected '" + c + "', expected a value");
        }
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        whitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return m;
        }
        while (true) {
            whitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyAt = pos;
            String key = string();
            whitespace();
            expect(':', "after an object key");
            whitespace();
            Object v = value();
            if (m.put(key, v) != null) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            whitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                depth--;
                return m;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}' in an object");
            }
            whitespace();
            if (peek() == '}') {
                throw error("trailing comma in an object");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> a = new ArrayList<>();
        whitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return a;
        }
        while (true) {
            whitespace();
            a.add(value());
            whitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                depth--;
                return a;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']' in an array");
            }
            whitespace();
            if (peek() == ']') {
                throw error("trailing comma in an array");
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character U+" + String.format("%04X", (int) c) + " in a string must be escaped");
            }
            if (c != '\\') {
                if (Character.isHighSurrogate(c) && (pos >= text.length() || !Character.isLowSurrogate(text.charAt(pos)))
                        || Character.isLowSurrogate(c) && (b.length() == 0 || !Character.isHighSurrogate(b.charAt(b.length() - 1)))) {
                    pos--;
                    throw error("lone surrogate in a string");
                }
                b.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '/' -> b.append('/');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", pos)) {
                            throw error("high surrogate \\u" + String.format("%04x", (int) u) + " not followed by a low surrogate");
                        }
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("high surrogate \\u" + String.format("%04x", (int) u) + " not followed by a low surrogate");
                        }
                        b.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone low surrogate \\u" + String.format("%04x", (int) u));
                    } else {
                        b.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    private char hex4() {
        if (pos + 4 > text.length()) {
            throw error("incomplete \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos), 16);
            if (d < 0 || text.charAt(pos) > 'f') {
                throw error("invalid hex digit '" + text.charAt(pos) + "' in a \\u escape");
            }
            v = v * 16 + d;
            pos++;
        }
        return (char) v;
    }

    private BigDecimal number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
            if (isDigit(peek())) {
                throw error("a number may not have a leading zero");
            }
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException | ArithmeticException e) {
            pos = start;
            throw error("number out of range");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected '" + text.charAt(pos) + "', expected a value");
        }
        pos += word.length();
        return v;
    }

    private void expect(char c, String where) {
        if (peek() != c) {
            throw error("expected '" + c + "' " + where);
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\uFFFF';
    }

    private void whitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private JsonException error(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new JsonException("at line " + line + ", column " + column + ": " + what);
    }

    // ------------------------------------------------------------------------------------------------ writing

    /** Compact JSON of a tree of maps, lists, strings, numbers, booleans, {@link #NULL} (or Java null). */
    public static String write(Object tree) {
        StringBuilder b = new StringBuilder();
        write(b, tree, false);
        return b.toString();
    }

    /** {@code canonical}: members sorted and every number printed as the IEEE double JCS sees (integers too). */
    static void write(StringBuilder b, Object v, boolean canonical) {
        if (v == null || v == NULL) {
            b.append("null");
        } else if (v instanceof String s) {
            Jcs.string(b, s);
        } else if (v instanceof Boolean bool) {
            b.append(bool);
        } else if (v instanceof BigDecimal || v instanceof BigInteger) {
            BigDecimal d = v instanceof BigInteger i ? new BigDecimal(i) : (BigDecimal) v;
            b.append(canonical ? Jcs.number(d) : plain(d));
        } else if (!canonical && (v instanceof Integer || v instanceof Long)) {
            b.append(v);
        } else if (v instanceof Number n) {
            b.append(Jcs.number(n.doubleValue()));
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            Iterable<? extends Map.Entry<?, ?>> entries = canonical ? Jcs.sortedEntries(m) : m.entrySet();
            boolean first = true;
            for (Map.Entry<?, ?> e : entries) {
                if (!(e.getKey() instanceof String key)) {
                    throw new JsonException("an object key must be a string, not " + e.getKey());
                }
                if (!first) {
                    b.append(',');
                }
                first = false;
                Jcs.string(b, key);
                b.append(':');
                write(b, e.getValue(), canonical);
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i), canonical);
            }
            b.append(']');
        } else {
            throw new JsonException("cannot write a " + v.getClass().getSimpleName() + " as JSON");
        }
    }

    /**
     * A number outside the canonical form keeps what it can: integers their exact digits (up to 20 trailing zeros,
     * as ECMAScript prints 1e20 but not 1e21, so "1e999999999" cannot grow into a billion characters), other values
     * the JCS form, and values no double can hold (1e400, 1e-400) their exact text, so any parsed tree can be written.
     */
    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0 && s.scale() >= -20) {
            return s.toPlainString();
        }
        double x = s.doubleValue();
        return Double.isInfinite(x) || x == 0 ? s.toString() : Jcs.number(x);
    }
}
