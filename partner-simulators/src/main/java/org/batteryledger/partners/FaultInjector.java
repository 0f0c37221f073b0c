package org.batteryledger.partners;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Faults armed for the next N data requests of a target, and counts of requests served and faults applied. Only
 * data requests ask for a fault ({@code ?wsdl} and control calls do not). Arming a target replaces what was armed.
 */
public final class FaultInjector {
    /** A simulated partner system. */
    public enum Target {
        ERP, CHARGING;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Target parse(String s) {
            for (Target t : values()) {
                if (t.wireName().equals(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("target must be erp or charging, not '" + s + "'");
        }
    }

    /** What a faulty response looks like. */
    public enum Mode {
        /** HTTP 500 (for the ERP a SOAP Server fault). */
        ERROR("error"),
        /** A normal answer, but only after the delay. */
        TIMEOUT("timeout"),
        /** HTTP 200 with the first half of a normal body. */
        MALFORMED("malformed"),
        /** A normal page in which the first record has an out-of-range value. */
        INVALID_RECORD("invalid-record");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.wireName.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("mode must be error, timeout, malformed or invalid-record, not '" + s + "'");
        }
    }

    /** The fault one request gets. */
    public record Fault(Mode mode, long delayMillis) {
    }

    private record Armed(Mode mode, int remaining, long delayMillis) {
    }

    public static final long DEFAULT_DELAY_MILLIS = 30_000;

    private final Map<Target, Armed> armed = new EnumMap<>(Target.class);
    private final Map<Target, long[]> counts = new EnumMap<>(Target.class);

    public FaultInjector() {
        for (Target t : Target.values()) {
            counts.put(t, new long[2]);
        }
    }

    /** The next {@code count} data requests to {@code target} fail with {@code mode}. */
    public synchronized void arm(Target target, Mode mode, int count, long delayMillis) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delayMillis must not be negative, was " + delayMillis);
        }
        armed.put(target, new Armed(mode, count, delayMillis));
    }

    /** Clears every armed fault (the counts stay). */
    public synchronized void reset() {
        armed.clear();
    }

    /** Counts one data request to {@code target} and returns its fault, or null. */
    public synchronized Fault next(Target target) {
        long[] c = counts.get(target);
        c[0]++;
        Armed a = armed.get(target);
        if (a == null) {
            return null;
        }
        if (a.remaining <= 1) {
            armed.remove(target);
        } else {
            armed.put(target, new Armed(a.mode, a.remaining - 1, a.delayMillis));
        }
        c[1]++;
        return new Fault(a.mode, a.delayMillis);
    }

    /** Data requests seen so far by {@code target}. */
    public synchronized long requests(Target target) {
        return counts.get(target)[0];
    }

    /** Faults applied so far to {@code target}. */
    public synchronized long faultsApplied(Target target) {
        return counts.get(target)[1];
    }

    /** {@code {"erp": {"requests": n, "faultsApplied": m, "armed": {...}|null}, "charging": {...}}}. */
    public synchronized Map<String, Object> stats() {
        Map<String, Object> o = new LinkedHashMap<>();
        for (Target t : Target.values()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("requests", BigDecimal.valueOf(counts.get(t)[0]));
            s.put("faultsApplied", BigDecimal.valueOf(counts.get(t)[1]));
            Armed a = armed.get(t);
            if (a != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("mode", a.mode.wireName());
                m.put("remaining", BigDecimal.valueOf(a.remaining));
                m.put("delayMillis", BigDecimal.valueOf(a.delayMillis));
                s.put("armed", m);
            } else {
                s.put("armed", null);
            }
            o.put(t.wireName(), s);
        }
        return o;
    }
}
