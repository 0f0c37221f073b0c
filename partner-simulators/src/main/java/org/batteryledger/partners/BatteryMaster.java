package org.batteryledger.partners;

import org.batteryledger.core.record.Chemistry;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A battery master record as the manufacturer's ERP holds it; {@link #toJson()} is its CONTRACT form. */
public record BatteryMaster(String recordId, String batteryCode, String manufacturer, Chemistry chemistry,
                            BigDecimal ratedCapacityAh, BigDecimal nominalVoltageV, int ratedCycleLife,
                            BigDecimal ratedCycleDod, BigDecimal ratedCycleTempC, Instant manufacturedAt) {

    /** {@code {recordId, type:"battery", batteryCode, manufacturer, chemistry, ratedCapacityAh, nominalVoltageV,
     * ratedCycleLife, ratedCycleDod, ratedCycleTempC, manufacturedAt}} as a tree for {@code Json.write}. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("recordId", recordId);
        o.put("type", "battery");
        o.put("batteryCode", batteryCode);
        o.put("manufacturer", manufacturer);
        o.put("chemistry", chemistry.name());
        o.put("ratedCapacityAh", ratedCapacityAh);
        o.put("nominalVoltageV", nominalVoltageV);
        o.put("ratedCycleLife", BigDecimal.valueOf(ratedCycleLife));
        o.put("ratedCycleDod", ratedCycleDod);
        o.put("ratedCycleTempC", ratedCycleTempC);
        o.put("manufacturedAt", Times.format(manufacturedAt));
        return o;
    }

    /** Rated energy, kWh. */
    public double ratedEnergyKWh() {
        return ratedCapacityAh.doubleValue() * nominalVoltageV.doubleValue() / 1000.0;
    }

    /** The same record with another rated cycle depth (for the invalid-record fault). */
    BatteryMaster withRatedCycleDod(BigDecimal dod) {
        return new BatteryMaster(recordId, batteryCode, manufacturer, chemistry, ratedCapacityAh, nominalVoltageV,
                ratedCycleLife, dod, ratedCycleTempC, manufacturedAt);
    }
}
