package org.batteryledger.partners;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A charge (socEnd &gt; socStart) or discharge session as the charging platform reports it; {@link #toJson()} is its CONTRACT form. */
public record SessionRecord(String recordId, String batteryCode, String operator, Instant startedAt, Instant endedAt,
                            BigDecimal socStart, BigDecimal socEnd, BigDecimal energyKWh, BigDecimal avgTempC,
                            BigDecimal maxTempC) {

    /** {@code {recordId, type:"session", batteryCode, operator, startedAt, endedAt, socStart, socEnd, energyKWh,
     * avgTempC, maxTempC}} as a tree for {@code Json.write}. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("recordId", recordId);
        o.put("type", "session");
        o.put("batteryCode", batteryCode);
        o.put("operator", operator);
        o.put("startedAt", Times.format(startedAt));
        o.put("endedAt", Times.format(endedAt));
        o.put("socStart", socStart);
        o.put("socEnd", socEnd);
        o.put("energyKWh", energyKWh);
        o.put("avgTempC", avgTempC);
        o.put("maxTempC", maxTempC);
        return o;
    }

    public boolean isCharge() {
        return socEnd.compareTo(socStart) > 0;
    }

    /** The same record with another end state of charge (for the invalid-record fault). */
    SessionRecord withSocEnd(BigDecimal soc) {
        return new SessionRecord(recordId, batteryCode, operator, startedAt, endedAt, socStart, soc, energyKWh, avgTempC, maxTempC);
    }
}
