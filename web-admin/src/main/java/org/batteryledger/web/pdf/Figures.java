package org.batteryledger.web.pdf;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * How a certificate's figures and fields read on paper: percentages, bands, counts, times and the names of its hash,
 * each with a fixed locale and zone, so that a PDF never depends on the server's.
 */
final class Figures {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Figures() {
    }

    /** "87.3 % (84.1 – 90.2 %)" for a fraction, "1,234 (1,100 – 1,380)" for a count; from {@code key}, Low and High. */
    static String band(Map<?, ?> results, String key, boolean fraction) {
        BigDecimal v = Tree.number(results, key);
        if (v == null) {
            return "n/a";
        }
        BigDecimal low = Tree.number(results, key + "Low");
        BigDecimal high = Tree.number(results, key + "High");
        if (fraction) {
            return percent(v) + (low == null || high == null ? "" : " (" + number(low) + " – " + percent(high) + ")");
        }
        return decimal(v, 0) + (low == null || high == null ? "" : " (" + decimal(low, 0) + " – " + decimal(high, 0) + ")");
    }

    /** A fraction as a percentage with one decimal: 0.8734 is "87.3 %". */
    static String percent(BigDecimal fraction) {
        return number(fraction) + " %";
    }

    private static String number(BigDecimal fraction) {
        return fraction.movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** A configured fraction as a percentage without needless decimals: 0.8 is "80 %", 0.825 "82.5 %". */
    static String threshold(BigDecimal fraction) {
        return fraction.movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString() + " %";
    }

    /** With thousands separators and {@code places} decimals: "1,234.5". */
    static String decimal(BigDecimal v, int places) {
        return String.format(Locale.ROOT, "%,." + places + "f", v);
    }

    /** As above, for a figure a lot sums as a double (its value). */
    static String decimal(double v, int places) {
        return String.format(Locale.ROOT, "%,." + places + "f", v);
    }

    static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    static Instant instant(String iso) {
        if (iso == null) {
            return null;
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** "2026-01-01 09:30 UTC"; a value that is not an instant as it is. */
    static String time(String iso) {
        Instant t = instant(iso);
        return t != null ? MINUTE.format(t) : or(iso, "n/a");
    }

    static String day(String iso) {
        Instant t = instant(iso);
        return t != null ? DAY.format(t) : or(iso, "n/a");
    }

    static String hashName(String suite) {
        if (suite == null) {
            return "the chain's hash";
        }
        return suite.endsWith("sha256") ? "SHA-256" : suite.endsWith("sm3") ? "SM3" : suite;
    }

    static String dgst(String suite) {
        return suite != null && suite.endsWith("sm3") ? "-sm3" : "-sha256";
    }

    /** The API base ending in a slash, or null. */
    static String base(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        return url.endsWith("/") ? url : url + "/";
    }

    static String or(String s, String otherwise) {
        return s == null ? otherwise : s;
    }
}
