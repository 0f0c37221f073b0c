package org.batteryledger.web.soap;

import org.batteryledger.web.soap.contract.BatteryRecord;
import org.batteryledger.web.soap.contract.SessionRecord;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SOAP records to and from the JSON trees the ledger takes ({@code Json.parse}'s shape: ordered maps of String,
 * BigDecimal, Boolean). The mapping is exact, so a record has the same RFC 8785 hash however it arrives: text as
 * sent (times are xs:string in the WSDL, never reparsed), numbers as the BigDecimal of their lexical form, the
 * element name as {@code type}, and an absent element as an absent member (the record schema then names it).
 */
final class RecordTrees {
    private RecordTrees() {
    }

    static Map<String, Object> battery(BatteryRecord b) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "recordId", b.getRecordId());
        m.put("type", "battery");
        put(m, "batteryCode", b.getBatteryCode());
        put(m, "manufacturer", b.getManufacturer());
        put(m, "chemistry", b.getChemistry());
        put(m, "ratedCapacityAh", b.getRatedCapacityAh());
        put(m, "nominalVoltageV", b.getNominalVoltageV());
        put(m, "ratedCycleLife", b.getRatedCycleLife());
        put(m, "ratedCycleDod", b.getRatedCycleDod());
        put(m, "ratedCycleTempC", b.getRatedCycleTempC());
        put(m, "manufacturedAt", b.getManufacturedAt());
        return m;
    }

    static Map<String, Object> session(SessionRecord s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "recordId", s.getRecordId());
        m.put("type", "session");
        put(m, "batteryCode", s.getBatteryCode());
        put(m, "operator", s.getOperator());
        put(m, "startedAt", s.getStartedAt());
        put(m, "endedAt", s.getEndedAt());
        put(m, "socStart", s.getSocStart());
        put(m, "socEnd", s.getSocEnd());
        put(m, "energyKWh", s.getEnergyKWh());
        put(m, "avgTempC", s.getAvgTempC());
        put(m, "maxTempC", s.getMaxTempC());
        return m;
    }

    /** One element of a submission or verification: a {@link BatteryRecord} or a {@link SessionRecord}. */
    static Map<String, Object> of(Object record) {
        if (record instanceof BatteryRecord b) {
            return battery(b);
        }
        if (record instanceof SessionRecord s) {
            return session(s);
        }
        throw new IllegalArgumentException("not a record element: " + record);
    }

    /** A stored battery record (a parsed JSON tree) as the SOAP type; members of other types are left out. */
    static BatteryRecord toBattery(Map<?, ?> m) {
        BatteryRecord b = new BatteryRecord();
        b.setRecordId(text(m, "recordId"));
        b.setBatteryCode(text(m, "batteryCode"));
        b.setManufacturer(text(m, "manufacturer"));
        b.setChemistry(text(m, "chemistry"));
        b.setRatedCapacityAh(number(m, "ratedCapacityAh"));
        b.setNominalVoltageV(number(m, "nominalVoltageV"));
        b.setRatedCycleLife(number(m, "ratedCycleLife"));
        b.setRatedCycleDod(number(m, "ratedCycleDod"));
        b.setRatedCycleTempC(number(m, "ratedCycleTempC"));
        b.setManufacturedAt(text(m, "manufacturedAt"));
        return b;
    }

    static String text(Map<?, ?> m, String key) {
        return m.get(key) instanceof String s ? s : null;
    }

    static BigDecimal number(Map<?, ?> m, String key) {
        return m.get(key) instanceof BigDecimal d ? d : null;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
