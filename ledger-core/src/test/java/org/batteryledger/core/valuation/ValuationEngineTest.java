package org.batteryledger.core.valuation;

import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuationEngineTest {
    private static final ValuationEngine ENGINE = new ValuationEngine(ValuationParameters.defaults());
    private static final BatteryRecord.Master LFP = Histories.battery(Chemistry.LFP, 3000, 1.0);

    private static Instant daysAfterManufacture(double days) {
        return Histories.MANUFACTURED.plus(Duration.ofSeconds((long) (days * 86_400)));
    }

    @Test
    void aNewBatteryIsWhole() {
        Assessment a = ENGINE.assess(new Evidence(LFP, List.of()), Histories.MANUFACTURED);
        assertEquals(1.0, a.stateOfHealth());
        assertEquals(0, a.equivalentFullCycles());
        // No use yet: the projection cycles at rated conditions, so the rated cycle life remains.
        assertEquals(3000, a.remainingFullCycles(), 1e-3);
        assertNull(a.remainingYears());
        assertEquals(Status.REUSE, a.status());
        assertEquals(46.08, a.ratedEnergyKWh(), 1e-9);
        assertEquals(46.08 * 90 - (5 * 46.08 + 80), a.value().amount(), 1e-6);
    }

    @Test
    void equivalentFullCyclesAreHalfTheStateOfChargeMovement() {
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 0.9)
                .session(0.5, 2, 20, 1).session(0.8, 1, 20, 1).session(0.2, 3, 20, 1).session(1.0, 4, 20, 1);
        Assessment a = ENGINE.assess(new Evidence(LFP, h.sessions()), h.now());
        assertEquals((0.4 + 0.3 + 0.6 + 0.8) / 2, a.equivalentFullCycles(), 1e-12);
        assertEquals(0, a.unrecordedFullCycles());
    }

    /** The reference deployment's "rated cycles minus used cycles" ignores depth and temperature; the model does not. */
    @Test
    void sameCyclesAgeDifferentlyByDepthAndTemperature() {
        Histories.Builder shallowCool = new Histories.Builder(daysAfterManufacture(30), 0.75).cycles(1000, 0.75, 0.25, 0.3, 15, 10);
        Histories.Builder deepHot = new Histories.Builder(daysAfterManufacture(30), 1.0).cycles(500, 1.0, 0.0, 0.3, 40, 10);
        Instant at = shallowCool.now().isAfter(deepHot.now()) ? shallowCool.now() : deepHot.now();
        Assessment a = ENGINE.assess(new Evidence(LFP, shallowCool.sessions()), at);
        Assessment b = ENGINE.assess(new Evidence(LFP, deepHot.sessions()), at);
        assertEquals(a.equivalentFullCycles(), b.equivalentFullCycles(), 1e-9); // 500 either way
        assertTrue(b.stateOfHealth() < a.stateOfHealth() - 0.03, a.stateOfHealth() + " vs " + b.stateOfHealth());
        assertTrue(b.remainingFullCycles() < a.remainingFullCycles());
    }

    @Test
    void unrecordedMovementCountsAndWidensTheBand() {
        Histories.Builder complete = new Histories.Builder(daysAfterManufacture(30), 0.9);
        Histories.Builder holes = new Histories.Builder(daysAfterManufacture(30), 0.9);
        for (int i = 0; i < 50; i++) {
            complete.session(0.3, 2, 20, 1).session(0.9, 2, 20, 1);
            holes.session(0.3, 2, 20, 1);
            if (i % 5 == 0) {
                holes.unrecorded(0.9).session(0.3, 2, 20, 1); // a charge nobody reported
            } else {
                holes.session(0.9, 2, 20, 1).session(0.3, 2, 20, 1).session(0.9, 2, 20, 1).unrecorded(0.3).unrecorded(0.9);
            }
        }
        Assessment a = ENGINE.assess(new Evidence(LFP, complete.sessions()), complete.now());
        Assessment b = ENGINE.assess(new Evidence(LFP, holes.sessions()), holes.now());
        assertTrue(b.unrecordedFullCycles() > 0);
        assertTrue(b.quality().unrecordedShare() > 0);
        assertTrue(b.quality().relativeUncertainty() > a.quality().relativeUncertainty());
    }

    @Test
    void theBandWidensWithFewSessionsAndWithGaps() {
        Histories.Builder many = new Histories.Builder(daysAfterManufacture(30), 0.9).cycles(200, 0.9, 0.3, 0.3, 20, 12);
        Histories.Builder few = new Histories.Builder(daysAfterManufacture(30), 0.9).cycles(5, 0.9, 0.3, 0.3, 20, 12);
        Histories.Builder gappy = new Histories.Builder(daysAfterManufacture(30), 0.9).cycles(100, 0.9, 0.3, 0.3, 20, 12);
        gappy.session(0.3, 2, 20, 24 * 90).session(0.9, 2, 20, 12).cycles(99, 0.9, 0.3, 0.3, 20, 12);
        Instant at = daysAfterManufacture(600);
        double rMany = ENGINE.assess(new Evidence(LFP, many.sessions()), at).quality().relativeUncertainty();
        double rFew = ENGINE.assess(new Evidence(LFP, few.sessions()), at).quality().relativeUncertainty();
        Assessment g = ENGINE.assess(new Evidence(LFP, gappy.sessions()), at);
        assertTrue(rFew > rMany + 0.2, rFew + " vs " + rMany);
        assertTrue(g.quality().gapDays() >= 90, "gap days " + g.quality().gapDays());
        assertTrue(g.quality().relativeUncertainty() > rMany, g.quality().relativeUncertainty() + " vs " + rMany);
        assertTrue(g.stateOfHealthLow() < g.stateOfHealth() && g.stateOfHealth() < g.stateOfHealthHigh());
    }

    @Test
    void statusFollowsTheLowerBoundOfTheBand() {
        ValuationParameters p = ValuationParameters.defaults();
        // Deep, hot, fast cycling until the battery is worn out.
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 1.0);
        Status previous = Status.REUSE;
        List<Status> seen = new ArrayList<>();
        for (int block = 0; block < 40; block++) {
            h.cycles(200, 1.0, 0.05, 1.5, 35, 2);
            Assessment a = new ValuationEngine(p).assess(new Evidence(LFP, h.sessions()), h.now());
            assertTrue(a.status().ordinal() >= previous.ordinal(), "status went back from " + previous + " to " + a.status());
            previous = a.status();
            if (seen.isEmpty() || seen.get(seen.size() - 1) != a.status()) {
                seen.add(a.status());
            }
            switch (a.status()) {
                case REUSE -> assertTrue(a.stateOfHealthLow() >= p.endOfLifeSoh());
                case REPURPOSE -> assertTrue(a.stateOfHealthLow() < p.endOfLifeSoh() && a.stateOfHealthLow() >= p.secondLifeFloorSoh());
                case RECYCLE -> assertTrue(a.stateOfHealthLow() < p.secondLifeFloorSoh());
            }
        }
        assertEquals(List.of(Status.REUSE, Status.REPURPOSE, Status.RECYCLE), seen);
    }

    @Test
    void aThermalEventRulesOutReuseAndIsANegativeEvent() {
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 0.9).cycles(20, 0.9, 0.3, 0.3, 20, 12)
                .session(0.01, 2, 48, 63.5, 12);
        Assessment a = ENGINE.assess(new Evidence(LFP, h.sessions()), h.now());
        assertEquals(Status.RECYCLE, a.status());
        assertTrue(a.statusReason().contains("63.5 °C"), a.statusReason());
        assertEquals(List.of("overtemperature", "deep-discharge"), a.negativeEvents().stream().map(Assessment.NegativeEvent::type).toList());
        assertEquals(46.08 * -5 - (5 * 46.08 + 80), a.value().amount(), 1e-6);
    }

    @Test
    void residualValueOfARepurposedBattery() {
        ValuationParameters p = ValuationParameters.fromProperties(Map.of("valuation.endOfLifeSoh", "0.99", "valuation.currency", "USD"));
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 0.9).cycles(50, 0.9, 0.3, 0.3, 20, 12);
        Assessment a = new ValuationEngine(p).assess(new Evidence(LFP, h.sessions()), h.now());
        assertEquals(Status.REPURPOSE, a.status());
        double usable = a.stateOfHealth() * 46.08;
        assertEquals(usable * (60 - 25) - 150 - (5 * 46.08 + 80), a.value().amount(), 1e-6);
        assertEquals("USD", a.value().currency());
        assertTrue(a.value().low() <= a.value().amount() && a.value().amount() <= a.value().high());
    }

    @Test
    void remainingLifeInYearsFollowsTheObservedUse() {
        // One full cycle a day at 25 °C for 300 days.
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 1.0).cycles(300, 1.0, 0.0, 0.5, 25, 10);
        Assessment a = ENGINE.assess(new Evidence(LFP, h.sessions()), h.now());
        assertTrue(a.remainingFullCycles() > 1000 && a.remainingFullCycles() < 3000, "remaining " + a.remainingFullCycles());
        double daysPerCycle = (double) Duration.between(h.sessions().get(0).startedAt(), h.now()).toSeconds() / 86_400 / 300;
        assertEquals(a.remainingFullCycles() * daysPerCycle / 365.25, a.remainingYears(), 1e-6);
        assertTrue(a.remainingFullCyclesLow() <= a.remainingFullCycles() && a.remainingFullCycles() <= a.remainingFullCyclesHigh());
    }

    @Test
    void theFadeCurveRunsFromTheFirstSessionThroughNowToEndOfLife() {
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 1.0).cycles(300, 1.0, 0.2, 0.5, 25, 10);
        Assessment a = ENGINE.assess(new Evidence(LFP, h.sessions()), h.now());
        List<Assessment.CurvePoint> curve = a.fadeCurve();
        assertEquals(0, curve.get(0).fullCycles());
        Assessment.CurvePoint now = curve.stream().filter(pt -> !pt.projected()).reduce((x, y) -> y).orElseThrow();
        assertEquals(a.equivalentFullCycles(), now.fullCycles(), 1e-9);
        assertEquals(a.stateOfHealth(), now.stateOfHealth(), 1e-12);
        Assessment.CurvePoint end = curve.get(curve.size() - 1);
        assertTrue(end.projected());
        assertEquals(0.80, end.stateOfHealth(), 1e-6);
        for (int i = 1; i < curve.size(); i++) {
            assertTrue(curve.get(i).fullCycles() >= curve.get(i - 1).fullCycles());
            assertTrue(curve.get(i).stateOfHealth() <= curve.get(i - 1).stateOfHealth() + 1e-12, "curve rises at " + i);
            assertTrue(curve.get(i).low() <= curve.get(i).stateOfHealth() && curve.get(i).stateOfHealth() <= curve.get(i).high());
        }
    }

    /**
     * Each measured point of the curve is what the battery's history up to then valued on its own: the same cycles,
     * state of health and band, to the last bit. Histories with moves no session recorded and pauses past the gap
     * threshold, whose conditions depend on the prefix (the mean weight of its recorded cycling, its gaps).
     */
    @Test
    void eachMeasuredPointIsTheHistoryUpToThenValuedOnItsOwn() {
        Random rng = new Random(16);
        for (int trial = 0; trial < 12; trial++) {
            Histories.Builder h = new Histories.Builder(daysAfterManufacture(30 + rng.nextInt(300)), 0.9);
            int sessions = trial == 11 ? 3000 : 1 + rng.nextInt(trial < 4 ? 20 : 400); // the last: over a thousand distinct depths
            for (int i = 0; i < sessions; i++) {
                if (rng.nextInt(10) == 0) {
                    h.unrecorded(Math.round(rng.nextDouble() * 1000) / 1000.0);
                }
                h.session(Math.round(rng.nextDouble() * 1000) / 1000.0, 0.2 + 3 * rng.nextDouble(), -5 + 50 * rng.nextDouble(),
                        rng.nextInt(15) == 0 ? 24 * (20 + rng.nextInt(40)) : 24 * rng.nextDouble());
            }
            List<BatteryRecord.Session> all = h.sessions();
            Assessment a = ENGINE.assess(new Evidence(LFP, all), h.now());
            List<Assessment.CurvePoint> measured = a.fadeCurve().stream().filter(pt -> !pt.projected()).toList();
            int previous = -1;
            int point = 0;
            for (int j = 0; j < 16; j++) {
                int k = all.size() * j / 16;
                if (k == previous) {
                    continue;
                }
                previous = k;
                Instant then = k == 0 ? all.get(0).startedAt() : all.get(k - 1).endedAt();
                Assessment prefix = ENGINE.assess(new Evidence(LFP, all.subList(0, k)), then);
                Assessment.CurvePoint pt = measured.get(point++);
                String where = "trial " + trial + ", " + k + " of " + all.size() + " sessions";
                assertEquals(prefix.equivalentFullCycles(), pt.fullCycles(), 0.0, where);
                assertEquals(prefix.stateOfHealth(), pt.stateOfHealth(), 0.0, where);
                assertEquals(prefix.stateOfHealthLow(), pt.low(), 0.0, where);
                assertEquals(prefix.stateOfHealthHigh(), pt.high(), 0.0, where);
            }
            assertEquals(measured.size(), point + 1, "the last measured point is now");
        }
    }

    @Test
    void theOrderOfTheRecordsDoesNotMatter() {
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 1.0);
        Random rng = new Random(7);
        for (int i = 0; i < 300; i++) {
            h.session(0.1 + 0.4 * rng.nextDouble(), 1 + rng.nextDouble(), 10 + 20 * rng.nextDouble(), 3)
                    .session(0.6 + 0.4 * rng.nextDouble(), 1 + rng.nextDouble(), 10 + 20 * rng.nextDouble(), 3);
        }
        List<BatteryRecord.Session> shuffled = new ArrayList<>(h.sessions());
        Collections.shuffle(shuffled, new Random(8));
        String a = Jcs.canonicalize(ENGINE.assess(new Evidence(LFP, h.sessions()), h.now()).toJson());
        String b = Jcs.canonicalize(ENGINE.assess(new Evidence(LFP, shuffled), h.now()).toJson());
        assertEquals(a, b);
    }

    @Test
    void refusesImpossibleInput() {
        Histories.Builder h = new Histories.Builder(daysAfterManufacture(30), 1.0).session(0.5, 2, 20, 1);
        Evidence e = new Evidence(LFP, h.sessions());
        assertEquals("the valuation time 2022-12-31T00:00:00Z is before the battery was manufactured (2023-01-01T00:00:00Z)",
                assertThrows(IllegalArgumentException.class, () -> ENGINE.assess(e, daysAfterManufacture(-1))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ENGINE.assess(e, daysAfterManufacture(30)))
                .getMessage().startsWith("session S-000001 ends at "));
        BatteryRecord.Session foreign = new BatteryRecord.Session("X", "OTHER", "op", daysAfterManufacture(40), daysAfterManufacture(40.1),
                0.5, 0.4, 1, 20, 22);
        assertEquals("session X is of battery OTHER, not " + Histories.CODE,
                assertThrows(IllegalArgumentException.class, () -> new Evidence(LFP, List.of(foreign))).getMessage());
    }

    @Test
    void parametersComeFromPropertiesWithClearErrors() {
        ValuationParameters p = ValuationParameters.fromProperties(Map.of("valuation.LFP.woehlerExponent", "1.4", "other.key", "x"));
        assertEquals(1.4, p.chemistry(Chemistry.LFP).woehlerExponent());
        assertEquals(p, ValuationParameters.fromJson(p.toJson()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValuationParameters.fromProperties(Map.of("valuation.eolSoh", "0.7")))
                .getMessage().startsWith("unknown valuation parameter valuation.eolSoh; known: [currency, endOfLifeSoh,"));
        assertEquals("valuation.NMC.fadeExponent must be a number, not 'half'",
                assertThrows(IllegalArgumentException.class, () -> ValuationParameters.fromProperties(Map.of("valuation.NMC.fadeExponent", "half"))).getMessage());
        assertEquals("valuation.endOfLifeSoh must be in 0.05 .. 0.99 (state of health at which a battery leaves its first life), not 1.2",
                assertThrows(IllegalArgumentException.class, () -> ValuationParameters.fromProperties(Map.of("valuation.endOfLifeSoh", "1.2"))).getMessage());
        assertEquals("valuation.secondLifeFloorSoh (0.85) must be below valuation.endOfLifeSoh (0.8)",
                assertThrows(IllegalArgumentException.class, () -> ValuationParameters.fromProperties(Map.of("valuation.secondLifeFloorSoh", "0.85"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValuationParameters.fromProperties(Map.of("valuation.XYZ.fadeExponent", "0.5")));
    }
}
