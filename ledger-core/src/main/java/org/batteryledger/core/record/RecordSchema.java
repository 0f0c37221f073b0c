package org.batteryledger.core.record;

import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.json.Json;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The record schema of CONTRACT.md, checked field by field: a record is either valid, with its typed view and
 * canonical JSON, or invalid with every problem named (field, expectation, what was sent). Checks that need the
 * node's knowledge (is the battery known, is a time in the future) are the node's; this one needs only the record.
 */
public final class RecordSchema {
    public static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final Pattern BATTERY_CODE = Pattern.compile("[A-Z0-9-]{1,64}");
    /** ISO-8601 UTC with a literal Z, seconds required, fractions optional. */
    private static final Pattern UTC_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    public static final int MAX_NAME_LENGTH = 128;

    private RecordSchema() {
    }

    /** Either a valid record or the reason it is not. */
    public sealed interface Result permits Valid, Invalid {
    }

    public record Valid(ParsedRecord parsed) implements Result {
    }

    /** @param recordId the record's id when it had a usable one, else null */
    public record Invalid(String recordId, String reason) implements Result {
    }

    /** Checks one parsed JSON value ({@link Json#parse}). */
    public static Result check(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            return new Invalid(null, "a record is a JSON object, not " + describe(json));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) map;
        Fields f = new Fields(o);
        String recordId = f.text("recordId", RECORD_ID, "1-128 characters of [A-Za-z0-9._:-]");
        String type = f.text("type", null, null);
        BatteryRecord record = null;
        if ("battery".equals(type)) {
            record = new BatteryRecord.Master(recordId, f.batteryCode(), f.name("manufacturer"), f.chemistry(),
                    f.number("ratedCapacityAh", 0, false, 10_000, "Ah"), f.number("nominalVoltageV", 0, false, 2_000, "V"),
                    f.wholeNumber("ratedCycleLife", 1, 100_000), f.number("ratedCycleDod", 0, false, 1, "(a share of capacity)"),
                    f.number("ratedCycleTempC", -40, true, 80, "°C"), f.time("manufacturedAt"));
        } else if ("session".equals(type)) {
            BatteryRecord.Session s = new BatteryRecord.Session(recordId, f.batteryCode(), f.name("operator"), f.time("startedAt"),
                    f.time("endedAt"), f.number("socStart", 0, true, 1, "(state of charge)"), f.number("socEnd", 0, true, 1, "(state of charge)"),
                    f.number("energyKWh", 0, true, 10_000, "kWh"), f.number("avgTempC", -60, true, 120, "°C"),
                    f.number("maxTempC", -60, true, 120, "°C"));
            if (f.problems.isEmpty()) {
                if (!s.endedAt().isAfter(s.startedAt())) {
                    f.problems.add("endedAt (" + s.endedAt() + ") must be after startedAt (" + s.startedAt() + ")");
                }
                if (s.maxTempC() < s.avgTempC()) {
                    f.problems.add("maxTempC (" + s.maxTempC() + ") must not be below avgTempC (" + s.avgTempC() + ")");
                }
            }
            record = s;
        } else if (type != null) {
            f.problems.add("field 'type' must be \"battery\" or \"session\", not \"" + type + "\"");
        }
        String unwritable = f.problems.isEmpty() ? unwritableNumber(o, null) : null; // else refused already
        if (unwritable != null) {
            f.problems.add(unwritable);
        }
        if (!f.problems.isEmpty()) {
            return new Invalid(recordId, String.join("; ", f.problems));
        }
        return new Valid(new ParsedRecord(record, Jcs.canonicalize(o)));
    }

    /**
     * The first number in the record (any field, however nested) that RFC 8785 cannot write, since it writes numbers as
     * IEEE doubles (2e308, 1e400); null when there is none. The record's hash is of that canonical form, so such a
     * record is refused like any other field out of range, before anything reads it. The parser bounds the nesting.
     */
    private static String unwritableNumber(Object v, String path) {
        if (v instanceof BigDecimal n && Double.isInfinite(n.doubleValue())) {
            return "field '" + path + "' holds " + shown(n) + ", beyond the range of an IEEE double (RFC 8785 writes numbers as doubles)";
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String found = unwritableNumber(e.getValue(), path == null ? String.valueOf(e.getKey()) : path + "." + e.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                String found = unwritableNumber(l.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A number as the answer shows it: 20,000 digits are cut to their first 40. */
    private static String shown(BigDecimal n) {
        return abbreviate(n.toString());
    }

    private static String describe(Object v) {
        if (v == null || v == Json.NULL) {
            return "null";
        }
        if (v instanceof String s) {
            return "the string \"" + abbreviate(s) + "\"";
        }
        if (v instanceof BigDecimal n) {
            return "the number " + shown(n);
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        return "an object";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Reads fields, collecting every problem rather than stopping at the first. */
    private static final class Fields {
        private final Map<String, Object> o;
        private final List<String> problems = new ArrayList<>();

        Fields(Map<String, Object> o) {
            this.o = o;
        }

        private Object required(String field) {
            Object v = o.get(field);
            if (v == null || v == Json.NULL) {
                problems.add("field '" + field + "' is required");
                return null;
            }
            return v;
        }

        String text(String field, Pattern shape, String shapeText) {
            Object v = required(field);
            if (v == null) {
                return null;
            }
            if (!(v instanceof String s)) {
                problems.add("field '" + field + "' must be a string, not " + describe(v));
                return null;
            }
            if (shape != null && !shape.matcher(s).matches()) {
                problems.add("field '" + field + "' must be " + shapeText + ", not \"" + abbreviate(s) + "\"");
                return null;
            }
            return s;
        }

        String batteryCode() {
            return text("batteryCode", BATTERY_CODE, "1-64 characters of [A-Z0-9-]");
        }

        String name(String field) {
            String s = text(field, null, null);
            if (s != null && (s.isBlank() || s.length() > MAX_NAME_LENGTH)) {
                problems.add("field '" + field + "' must be 1-" + MAX_NAME_LENGTH + " characters, not blank");
                return null;
            }
            return s;
        }

        Chemistry chemistry() {
            String s = text("chemistry", null, null);
            if (s == null) {
                return null;
            }
            try {
                return Chemistry.valueOf(s);
            } catch (IllegalArgumentException e) {
                problems.add("field 'chemistry' must be one of LFP, NMC, NCA, LMO, LTO, not \"" + abbreviate(s) + "\"");
                return null;
            }
        }

        double number(String field, double min, boolean minInclusive, double max, String unit) {
            Object v = required(field);
            if (v == null) {
                return Double.NaN;
            }
            if (!(v instanceof BigDecimal n)) {
                problems.add("field '" + field + "' must be a number, not " + describe(v));
                return Double.NaN;
            }
            double d = n.doubleValue();
            if (!Double.isFinite(d) || (minInclusive ? d < min : d <= min) || d > max) {
                problems.add(String.format(Locale.ROOT, "field '%s' must be %s %s and at most %s %s, was %s", field,
                        minInclusive ? "at least" : "above", plain(min), plain(max), unit, shown(n)));
                return Double.NaN;
            }
            return d;
        }

        int wholeNumber(String field, int min, int max) {
            Object v = required(field);
            if (v == null) {
                return 0;
            }
            if (!(v instanceof BigDecimal n)) {
                problems.add("field '" + field + "' must be a whole number, not " + describe(v));
                return 0;
            }
            try {
                int i = n.intValueExact();
                if (i < min || i > max) {
                    problems.add("field '" + field + "' must be from " + min + " to " + max + ", was " + i);
                }
                return i;
            } catch (ArithmeticException e) {
                problems.add("field '" + field + "' must be a whole number from " + min + " to " + max + ", was " + shown(n));
                return 0;
            }
        }

        Instant time(String field) {
            String s = text(field, null, null);
            if (s == null) {
                return null;
            }
            if (!UTC_TIME.matcher(s).matches()) {
                problems.add("field '" + field + "' must be an ISO-8601 UTC time like 2024-05-01T08:30:00Z, not \"" + abbreviate(s) + "\"");
                return null;
            }
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                problems.add("field '" + field + "' is not a valid time: \"" + s + "\"");
                return null;
            }
        }

        private static String plain(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
