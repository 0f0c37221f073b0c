package org.batteryledger.web.api;

import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class BatteryPassExportTest {
    private static final String CODE = "Q7APL12345678A9B0000001";

    @Test
    void mapsTheValuationOntoTheBatteryPassModel() {
        BatteryRecord.Master m = new BatteryRecord.Master("M-1", CODE, "Qinghe", Chemistry.LFP, 150, 307.2, 3000, 1.0, 25,
                Instant.parse("2024-01-01T00:00:00Z"));
        List<BatteryRecord.Session> sessions = new ArrayList<>();
        Instant t = Instant.parse("2024-02-01T00:00:00Z");
        for (int i = 0; i < 100; i++) {
            boolean discharge = i % 2 == 0;
            double max = i == 51 ? 64 : 30; // one overheated charge
            sessions.add(new BatteryRecord.Session("S-" + i, CODE, "op", t, t.plus(Duration.ofHours(2)), discharge ? 0.9 : 0.1,
                    discharge ? 0.1 : 0.9, 36, 25, max));
            t = t.plus(Duration.ofHours(20));
        }
        Assessment a = new ValuationEngine(ValuationParameters.defaults()).assess(new Evidence(m, sessions), t);
        Map<String, Object> pass = BatteryPassExport.of(m, a, 0.8, "https://node/valuations/VC-1", id -> "https://node/records/" + id);

        assertEquals("urn:io.catenax.battery.battery_pass:6.1.0", pass.get("specVersion"));
        Map<?, ?> performance = (Map<?, ?>) pass.get("performance");
        Map<?, ?> rated = (Map<?, ?>) performance.get("rated");
        assertEquals(new BigDecimal("80.0"), ((Map<?, ?>) rated.get("capacity")).get("thresholdExhaustion"));
        assertEquals(3000, ((Map<?, ?>) ((Map<?, ?>) rated.get("lifetime")).get("cycleLifeTesting")).get("cycles"));
        Map<?, ?> dynamic = (Map<?, ?>) performance.get("dynamic");
        assertEquals(40L, ((Map<?, ?>) dynamic.get("fullCycles")).get("value")); // 100 sessions of 0.8, halved
        Map<?, ?> capacity = (Map<?, ?>) dynamic.get("capacity");
        BigDecimal fade = (BigDecimal) ((Map<?, ?>) capacity.get("fade")).get("value");
        assertEquals(100 * (1 - a.stateOfHealth()), fade.doubleValue(), 0.005);
        assertEquals(a.stateOfHealth() * 150, ((BigDecimal) ((Map<?, ?>) capacity.get("capacity")).get("value")).doubleValue(), 0.001);
        assertEquals(new BigDecimal("12000.0"), ((Map<?, ?>) capacity.get("throughput")).get("value")); // 2 x 40 x 150 Ah
        List<?> events = (List<?>) dynamic.get("negativeEvents");
        assertEquals(1, events.size());
        assertEquals("https://node/records/S-51", ((Map<?, ?>) events.get(0)).get("content"));
        assertEquals("https://node/valuations/VC-1", ((Map<?, ?>) ((List<?>) pass.get("sources")).get(0)).get("content"));
        assertFalse(pass.containsKey("materials")); // nothing made up that the ledger has no evidence for
    }
}
