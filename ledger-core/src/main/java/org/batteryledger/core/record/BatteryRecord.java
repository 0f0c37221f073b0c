package org.batteryledger.core.record;

import java.time.Instant;

/**
 * A record the consortium anchors: battery master data from a manufacturer, or a charge/discharge session from a
 * charging or EV-operating company. The typed view of a record; its identity for hashing is its canonical JSON
 * ({@link ParsedRecord#canonicalJson()}), which keeps any further fields the sender added.
 */
public sealed interface BatteryRecord permits BatteryRecord.Master, BatteryRecord.Session {
    String recordId();

    String batteryCode();

    /** {@code battery} or {@code session}, the record's {@code type} field. */
    String type();

    /** Master data: what the battery was built to do, with the test conditions of its rated cycle life. */
    record Master(String recordId, String batteryCode, String manufacturer, Chemistry chemistry, double ratedCapacityAh,
                  double nominalVoltageV, int ratedCycleLife, double ratedCycleDod, double ratedCycleTempC, Instant manufacturedAt)
            implements BatteryRecord {
        @Override
        public String type() {
            return "battery";
        }

        /** Rated energy in kWh: capacity × nominal voltage. */
        public double ratedEnergyKWh() {
            return ratedCapacityAh * nominalVoltageV / 1000.0;
        }
    }

    /** One charge (socEnd &gt; socStart) or discharge session. */
    record Session(String recordId, String batteryCode, String operator, Instant startedAt, Instant endedAt, double socStart,
                   double socEnd, double energyKWh, double avgTempC, double maxTempC) implements BatteryRecord {
        @Override
        public String type() {
            return "session";
        }

        public boolean isCharge() {
            return socEnd > socStart;
        }

        /** Depth of this half cycle, |ΔSoC|. */
        public double depth() {
            return Math.abs(socEnd - socStart);
        }
    }
}
