package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Battery histories for the valuation tests: master records and sessions built step by step. */
final class Histories {
    static final String CODE = "Q7APL12345678A9B0000001";
    static final Instant MANUFACTURED = Instant.parse("2023-01-01T00:00:00Z");

    private Histories() {
    }

    static BatteryRecord.Master battery(Chemistry chemistry, int ratedCycles, double ratedDod) {
        return new BatteryRecord.Master("M-1", CODE, "Qinghe Power Cells Co.", chemistry, 150, 307.2, ratedCycles, ratedDod, 25,
                MANUFACTURED);
    }

    /** Appends sessions one after another, each continuing from where the last ended. */
    static final class Builder {
        private final List<BatteryRecord.Session> sessions = new ArrayList<>();
        private Instant time;
        private double soc;

        Builder(Instant start, double soc) {
            this.time = start;
            this.soc = soc;
        }

        /** A session from the current state of charge to {@code to}, lasting {@code hours}, then a pause. */
        Builder session(double to, double hours, double tempC, double pauseHours) {
            return session(to, hours, tempC, tempC + 3, pauseHours);
        }

        Builder session(double to, double hours, double tempC, double maxTempC, double pauseHours) {
            Instant end = time.plus(Duration.ofSeconds((long) (hours * 3600)));
            sessions.add(new BatteryRecord.Session(String.format("S-%06d", sessions.size() + 1), CODE, "VoltWay Charging", time, end,
                    soc, to, Math.abs(to - soc) * 46, tempC, maxTempC));
            soc = to;
            time = end.plus(Duration.ofSeconds((long) (pauseHours * 3600)));
            return this;
        }

        /** Moves the state of charge without a record (a session nobody reported). */
        Builder unrecorded(double to) {
            soc = to;
            return this;
        }

        /** {@code n} full cycles between {@code high} and {@code low} at {@code cRate}, with {@code pauseHours} between sessions. */
        Builder cycles(int n, double high, double low, double cRate, double tempC, double pauseHours) {
            double hours = (high - low) / cRate;
            for (int i = 0; i < n; i++) {
                session(low, hours, tempC, pauseHours);
                session(high, hours, tempC, pauseHours);
            }
            return this;
        }

        Instant now() {
            return time;
        }

        List<BatteryRecord.Session> sessions() {
            return List.copyOf(sessions);
        }
    }
}
