package org.batteryledger.core.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785, the JSON Canonicalization Scheme: members sorted by the UTF-16 code units of their names, no
 * whitespace, minimal string escapes, and numbers as ECMAScript prints the nearest IEEE-754 double. A record's hash
 * is the hash of this form, so any JCS implementation reproduces it.
 */
public final class Jcs {
    private Jcs() {
    }

    public static String canonicalize(Object tree) {
        StringBuilder b = new StringBuilder();
        Json.write(b, tree, true);
        return b.toString();
    }

    public static byte[] canonicalBytes(String json) {
        return canonicalize(Json.parse(json)).getBytes(StandardCharsets.UTF_8);
    }

    /** Members by the UTF-16 code units of their names: exactly {@link String#compareTo}. */
    static List<Map.Entry<?, ?>> sortedEntries(Map<?, ?> m) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        for (Map.Entry<?, ?> e : entries) {
            if (!(e.getKey() instanceof String)) {
                throw new JsonException("an object key must be a string, not " + e.getKey());
            }
        }
        entries.sort((a, c) -> ((String) a.getKey()).compareTo((String) c.getKey()));
        return entries;
    }

    /** RFC 8785 §3.2.2.2: only the two mandatory escapes, the short forms, and \\u00xx for other controls. */
    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    static String number(BigDecimal d) {
        String short15 = ownShortestForm(d);
        if (short15 != null) {
            return short15;
        }
        double v = d.doubleValue();
        if (Double.isInfinite(v)) {
            throw new JsonException("number out of range: " + d);
        }
        return number(v);
    }

    /**
     * ECMAScript Number::toString (RFC 8785 §3.2.2.3). Java 17's Double.toString does not always give the shortest
     * digits that read back as the same double, so the digits come from the exact value rounded to p = 1, 2, ... 17
     * significant digits: the first p at which a p-digit neighbour reads back as d wins, and of two such neighbours
     * the closer (rounding half-even also breaks ties to the even one, as ECMAScript asks). Both neighbours matter:
     * at a power of two the gap below d is half the gap above, so the nearest p-digit value can miss while the one
     * on the other side still reads back (2^-1017 is 7.120236347223045e-307, not 7.1202363472230444e-307).
     */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new JsonException("NaN and Infinity are not JSON numbers");
        }
        if (d == 0) {
            return "0"; // -0 too
        }
        if (Math.abs(d) < TWO_TO_53 && d == Math.rint(d)) {
            // An integer below 2^53 is its own shortest form: doubles there are at most 1 apart, and a decimal with
            // fewer digits is a multiple of a power of ten at least 1 away. Heights, counts and indexes are such numbers.
            return Long.toString((long) d);
        }
        // Java's own digits read back as d; when they are 15 or fewer, they are the shortest (see ownShortestForm).
        String short15 = ownShortestForm(new BigDecimal(Double.toString(d)));
        return short15 != null ? short15 : shortest(d);
    }

    private static final double TWO_TO_53 = 9007199254740992.0;

    /**
     * A decimal of at most 15 significant digits in the normal range is its own shortest form: any two such decimals
     * read as different doubles (15 = DBL_DIG), so no other decimal of as few digits, and none shorter, reads back as
     * the same double. The search rounds BigDecimals up to 17 times; certificates are full of such numbers (0.9269,
     * 1234.56). Null for any other decimal.
     */
    private static String ownShortestForm(BigDecimal d) {
        if (d.signum() == 0 || d.precision() > 40) { // bounded first: stripping zeros is quadratic in a hostile number's digits
            return null;
        }
        BigDecimal stripped = d.stripTrailingZeros();
        int exponent = stripped.precision() - stripped.scale();
        if (stripped.precision() > 15 || exponent <= -290 || exponent >= 290) {
            return null;
        }
        // ECMAScript writes 1e-6 < |x| < 1e21 without an exponent, as BigDecimal's plain string does.
        return exponent > -6 && exponent <= 21 ? stripped.toPlainString() : format(stripped.signum() < 0, stripped);
    }

    /** The search of {@link #number(double)}, for any finite non-zero double. */
    static String shortest(double d) {
        double abs = Math.abs(d);
        BigDecimal exact = new BigDecimal(abs);
        BigDecimal shortest = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal nearest = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (nearest.doubleValue() == abs) {
                shortest = nearest;
                break;
            }
            BigDecimal down = exact.round(new MathContext(p, RoundingMode.DOWN));
            BigDecimal other = nearest.compareTo(down) == 0 ? exact.round(new MathContext(p, RoundingMode.UP)) : down;
            if (other.doubleValue() == abs) {
                shortest = other;
                break;
            }
        }
        return format(d < 0, shortest.stripTrailingZeros());
    }

    /** ECMAScript's layout of {@code ±shortest} (without trailing zeros): plain up to 21 digits, else exponent form. */
    private static String format(boolean negative, BigDecimal shortest) {
        String digits = shortest.unscaledValue().abs().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = digits × 10^(n−k)
        StringBuilder b = new StringBuilder();
        if (negative) {
            b.append('-');
        }
        if (k <= n && n <= 21) {
            b.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            b.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            b.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            b.append(digits.charAt(0));
            if (k > 1) {
                b.append('.').append(digits, 1, k);
            }
            b.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
        }
        return b.toString();
    }
}
