package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixed costs follow the unit's kind, read from position 4 of a GB/T 34014 code. */
class UnitKindTest {
    static final Instant MADE = Instant.parse("2024-01-01T00:00:00Z");
    static final ValuationEngine ENGINE = new ValuationEngine(ValuationParameters.defaults());

    static BatteryRecord.Master unit(String code, double ah, double volts) {
        return new BatteryRecord.Master("M-" + code, code, "CATL", Chemistry.LFP, ah, volts, 6000, 1.0, 25, MADE);
    }

    @Test
    void theProductTypeOfAGbt34014CodeNamesTheKind() {
        assertEquals(UnitKind.PACK, UnitKind.ofCode("036PB0L1A2C3D4E5F6G7H8J9"));
        assertEquals(UnitKind.MODULE, UnitKind.ofCode("036MB0L1A2C3D4E5F6G7H8J9"));
        assertEquals(UnitKind.CELL, UnitKind.ofCode("036CB0L1A2C3D4E5F6G7H8J9"));
        assertEquals(UnitKind.PACK, UnitKind.ofCode("036C-SHORT"), "not a GB/T 34014 code: a pack");
    }

    @Test
    void aHealthyNewCellIsNotValuedBelowZeroByAPacksFixedCosts() {
        // A 100 Ah LFP cell: 0.32 kWh. With a pack's 80 of handling it would be worth less than nothing.
        BatteryRecord.Master cell = unit("036CB0L1A2C3D4E5F6G7H8J9", 100, 3.2);
        Assessment a = ENGINE.assess(new Evidence(cell, List.of()), MADE.plusSeconds(86_400));
        assertEquals(Status.REUSE, a.status());
        assertTrue(a.value().amount() > 0, "a cell's value: " + a.value());
        assertTrue(a.value().basis().endsWith("(costs per cell)"), a.value().basis());
        double asPack = a.value().usableEnergyKWh() * 90 - 5 * cell.ratedEnergyKWh() - 80;
        assertTrue(asPack < 0, "the same cell with a pack's fixed cost: " + asPack);
        BatteryRecord.Master pack = unit("036PB0L1A2C3D4E5F6G7H8J9", 100, 3.2);
        double packValue = ENGINE.assess(new Evidence(pack, List.of()), MADE.plusSeconds(86_400)).value().amount();
        assertEquals(asPack, packValue, 1e-6, "a pack carries the pack's costs");
    }
}
