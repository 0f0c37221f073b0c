package org.batteryledger.web.api;

import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.valuation.Assessment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A battery in the Catena-X BatteryPass aspect model ({@code urn:io.catenax.battery.battery_pass:6.1.0}, Eclipse
 * Tractus-X sldt-semantic-models), the parts the ledger has evidence for: identification, the rated figures of the
 * master record, and the dynamic ones of a valuation (capacity fade and remaining capacity, whose complement is the
 * state of health; full cycles; throughput; remaining energy; negative events, each linked to its record). Fields the
 * ledger knows nothing of (materials, carbon footprint, safety documents) are left out rather than made up.
 */
final class BatteryPassExport {
    static final String MEDIA_TYPE = "application/vnd.catenax.battery-pass+json";
    static final String SPEC_VERSION = "urn:io.catenax.battery.battery_pass:6.1.0";

    private BatteryPassExport() {
    }

    /**
     * @param certificateUrl the latest valuation certificate's URL, or null
     * @param recordUrl      the API URL of a record, by record id, for the negative events' links
     */
    static Map<String, Object> of(BatteryRecord.Master m, Assessment a, double endOfLifeSoh, String certificateUrl, java.util.function.Function<String, String> recordUrl) {
        String time = a.asOf().toString();
        Map<String, Object> pass = new LinkedHashMap<>();
        pass.put("specVersion", SPEC_VERSION);

        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("passportIdentifier", "urn:uuid:" + UUID.nameUUIDFromBytes(("battery-ledger:" + m.batteryCode()).getBytes(StandardCharsets.UTF_8)));
        metadata.put("version", "1.0.0");
        metadata.put("status", "active");
        metadata.put("issueDate", date(m.manufacturedAt()));
        metadata.put("lastModification", date(a.asOf()));
        pass.put("metadata", metadata);

        Map<String, Object> identification = new LinkedHashMap<>();
        identification.put("chemistry", chemistry(m.chemistry()));
        identification.put("category", "EV");
        identification.put("identification", Map.of("serial", List.of(Map.of("key", "partInstanceId", "value", m.batteryCode()))));
        pass.put("identification", identification);

        Map<String, Object> rated = new LinkedHashMap<>();
        rated.put("capacity", Map.of("value", n(m.ratedCapacityAh(), 3), "thresholdExhaustion", n(100 * endOfLifeSoh, 1)));
        rated.put("energy", Map.of("value", n(m.ratedEnergyKWh(), 3)));
        rated.put("voltage", Map.of("nominal", n(m.nominalVoltageV(), 2)));
        Map<String, Object> cycleTest = new LinkedHashMap<>();
        cycleTest.put("cycles", m.ratedCycleLife());
        cycleTest.put("depthOfDischarge", n(100 * m.ratedCycleDod(), 1));
        cycleTest.put("temperature", n(m.ratedCycleTempC(), 1));
        rated.put("lifetime", Map.of("cycleLifeTesting", cycleTest));

        Map<String, Object> dynamic = new LinkedHashMap<>();
        Map<String, Object> capacity = new LinkedHashMap<>();
        capacity.put("fade", timed(n(100 * (1 - a.stateOfHealth()), 2), time));
        capacity.put("capacity", timed(n(a.stateOfHealth() * m.ratedCapacityAh(), 3), time));
        capacity.put("throughput", timed(n(2 * a.equivalentFullCycles() * m.ratedCapacityAh(), 1), time));
        dynamic.put("capacity", capacity);
        dynamic.put("fullCycles", timed(Math.round(a.equivalentFullCycles()), time));
        Map<String, Object> energy = new LinkedHashMap<>();
        energy.put("remaining", timed(n(a.value().usableEnergyKWh(), 3), time));
        energy.put("throughput", timed(n(2 * a.equivalentFullCycles() * m.ratedEnergyKWh(), 1), time));
        dynamic.put("energy", energy);
        List<Object> events = new ArrayList<>();
        for (Assessment.NegativeEvent e : a.negativeEvents()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("contentType", "URL");
            d.put("header", e.type() + " at " + e.at() + ": " + e.description());
            d.put("content", recordUrl.apply(e.recordId()));
            events.add(d);
        }
        dynamic.put("negativeEvents", events);
        Map<String, Object> performance = new LinkedHashMap<>();
        performance.put("rated", rated);
        performance.put("dynamic", dynamic);
        pass.put("performance", performance);

        pass.put("operation", Map.of("manufacturer", Map.of("manufacturingDate", date(m.manufacturedAt()), "manufacturer", m.manufacturer())));
        if (certificateUrl != null) {
            pass.put("sources", List.of(Map.of("header", "Valuation certificate (CMS SignedData, verifiable with the chain CA)",
                    "category", "Product Specifications", "type", "URL", "content", certificateUrl)));
        }
        return pass;
    }

    private static Map<String, Object> timed(Object value, String time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("time", time);
        return m;
    }

    private static BigDecimal n(double x, int places) {
        return BigDecimal.valueOf(x).setScale(places, RoundingMode.HALF_EVEN);
    }

    private static String date(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    /** The model's examples name chemistries in words, e.g. "Nickel Cobalt Manganese (NCM)". */
    private static String chemistry(Chemistry c) {
        return switch (c) {
            case LFP -> "Lithium Iron Phosphate (LFP)";
            case NMC -> "Nickel Cobalt Manganese (NCM)";
            case NCA -> "Nickel Cobalt Aluminium (NCA)";
            case LMO -> "Lithium Manganese Oxide (LMO)";
            case LTO -> "Lithium Titanate (LTO)";
        };
    }
}
