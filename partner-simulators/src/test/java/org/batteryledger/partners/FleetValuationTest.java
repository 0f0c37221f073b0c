package org.batteryledger.partners;

import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.Status;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The valuation model against the fleet's ground truth: the simulated fleet's records are valued as a node values
 * them (each record written as JSON, parsed, checked by {@link RecordSchema}, then {@link ValuationEngine#assess}), all
 * at one valuation time, and the results are compared with each battery's {@link UsageProfile}, which the model never
 * sees. Issue requirement: valuations rank heavily used, hot-operated batteries below lightly used ones of the same
 * age.
 */
class FleetValuationTest {
    static final long SEED = 42;
    static final int BATTERIES = 600;
    static final int SESSIONS = 200;
    /** One valuation time for the whole fleet: no session ends after it. */
    static final Instant AS_OF = Fleet.SESSIONS_END;
    /** Batteries manufactured at most this far apart are of the same age. */
    static final long SAME_AGE_DAYS = 60;
    /** Two batteries with equivalent full cycles this close have the same use by the cycle count. */
    static final double SAME_CYCLES = 1.0;

    /** One battery of the fleet: its parsed master record, its ground truth and its valuation. */
    record Valued(BatteryRecord.Master master, UsageProfile profile, Assessment assessment, double meanSessionTempC) {
        Chemistry chemistry() {
            return master.chemistry();
        }

        boolean heavyHot() {
            return profile.intensity() == UsageProfile.Intensity.HEAVY && profile.climate() == UsageProfile.Climate.HOT;
        }

        boolean lightNotHot() {
            return profile.intensity() == UsageProfile.Intensity.LIGHT && profile.climate() != UsageProfile.Climate.HOT;
        }

        boolean lightCool() {
            return profile.intensity() == UsageProfile.Intensity.LIGHT && profile.climate() == UsageProfile.Climate.COOL;
        }

        boolean medium() {
            return profile.intensity() == UsageProfile.Intensity.MEDIUM;
        }

        boolean sameAgeAs(Valued o) {
            return Math.abs(Duration.between(master.manufacturedAt(), o.master.manufacturedAt()).toDays()) <= SAME_AGE_DAYS;
        }

        boolean sameRatingAs(Valued o) {
            return master.chemistry() == o.master.chemistry() && master.ratedCycleLife() == o.master.ratedCycleLife()
                    && master.ratedCycleDod() == o.master.ratedCycleDod();
        }

        double soh() {
            return assessment.stateOfHealth();
        }

        double remaining() {
            return assessment.remainingFullCycles();
        }

        /** The reference deployment's remaining life: rated cycles minus the cycles used. */
        double naiveRemaining() {
            return master.ratedCycleLife() - assessment.equivalentFullCycles();
        }
    }

    /** A heavy/hot battery and a light one (cool or temperate) of the same chemistry and age. */
    record Pair(Valued heavyHot, Valued light) {
    }

    static List<Valued> fleet;
    static List<Pair> pairs;

    @BeforeAll
    static void valueTheFleet() {
        long t0 = System.nanoTime();
        Fleet f = Fleet.generate(SEED, BATTERIES, SESSIONS);
        Map<String, List<BatteryRecord.Session>> sessions = new HashMap<>();
        for (SessionRecord s : f.sessions()) { // the whole fleet in record-id order: grouped by battery here
            sessions.computeIfAbsent(s.batteryCode(), k -> new ArrayList<>()).add((BatteryRecord.Session) asTheNodeReadsIt(s.toJson()));
        }
        ValuationEngine engine = new ValuationEngine(ValuationParameters.defaults());
        List<Valued> valued = new ArrayList<>();
        for (BatteryMaster b : f.batteries()) {
            BatteryRecord.Master m = (BatteryRecord.Master) asTheNodeReadsIt(b.toJson());
            List<BatteryRecord.Session> ss = sessions.get(m.batteryCode());
            assertEquals(SESSIONS, ss.size(), m.batteryCode());
            double meanTemp = ss.stream().mapToDouble(BatteryRecord.Session::avgTempC).average().orElseThrow();
            valued.add(new Valued(m, f.profile(m.batteryCode()), engine.assess(new Evidence(m, ss), AS_OF), meanTemp));
        }
        fleet = List.copyOf(valued);
        List<Pair> p = new ArrayList<>();
        for (Valued h : fleet) {
            for (Valued l : fleet) {
                if (h.heavyHot() && l.lightNotHot() && h.chemistry() == l.chemistry() && h.sameAgeAs(l)) {
                    p.add(new Pair(h, l));
                }
            }
        }
        pairs = List.copyOf(p);
        System.out.printf(Locale.ROOT, "Fleet.generate(%d, %d, %d) parsed and valued at %s in %d ms%n", SEED, BATTERIES, SESSIONS, AS_OF,
                (System.nanoTime() - t0) / 1_000_000);
        printSummary();
    }

    /** Written as JSON, parsed back and checked against the record schema: what the node does with a record. */
    static BatteryRecord asTheNodeReadsIt(Map<String, Object> record) {
        RecordSchema.Result r = RecordSchema.check(Json.parse(Json.write(record)));
        if (r instanceof RecordSchema.Valid v) {
            return v.parsed().record();
        }
        throw new AssertionError("the fleet produced a record the schema refuses: " + r);
    }

    static void printSummary() {
        System.out.printf(Locale.ROOT, "%-4s %-6s %-9s %4s %7s %6s %7s %7s %9s %9s %7s%n", "chem", "use", "climate", "n", "SoH", "EFC",
                "cycFade", "calFade", "remaining", "rated-EFC", "sess°C");
        for (Chemistry c : Chemistry.values()) {
            for (UsageProfile.Intensity i : UsageProfile.Intensity.values()) {
                for (UsageProfile.Climate cl : UsageProfile.Climate.values()) {
                    List<Valued> g = fleet.stream().filter(v -> v.chemistry() == c && v.profile.intensity() == i && v.profile.climate() == cl).toList();
                    if (!g.isEmpty()) {
                        System.out.printf(Locale.ROOT, "%-4s %-6s %-9s %4d %7.4f %6.1f %7.4f %7.4f %9.0f %9.0f %7.1f%n", c, i, cl, g.size(),
                                mean(g, Valued::soh), mean(g, v -> v.assessment.equivalentFullCycles()), mean(g, v -> v.assessment.cycleFade()),
                                mean(g, v -> v.assessment.calendarFade()), mean(g, Valued::remaining), mean(g, Valued::naiveRemaining),
                                mean(g, Valued::meanSessionTempC));
                    }
                }
            }
        }
        Map<Status, Integer> status = new EnumMap<>(Status.class);
        fleet.forEach(v -> status.merge(v.assessment.status(), 1, Integer::sum));
        long thermal = fleet.stream()
                .filter(v -> v.assessment.negativeEvents().stream().anyMatch(e -> e.type().equals("overtemperature"))).count();
        System.out.println("status: " + status + "; batteries with an overtemperature event: " + thermal);
    }

    static double mean(List<Valued> g, ToDoubleFunction<Valued> f) {
        return g.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    static List<Valued> of(Chemistry c, Predicate<Valued> group) {
        return fleet.stream().filter(v -> v.chemistry() == c).filter(group).toList();
    }

    @Test
    void everyHeavyHotBatteryIsValuedBelowEveryLightOneOfTheSameChemistryAndAge() {
        Map<Chemistry, Integer> perChemistry = new EnumMap<>(Chemistry.class);
        pairs.forEach(p -> perChemistry.merge(p.heavyHot.chemistry(), 1, Integer::sum));
        long lowerSoh = pairs.stream().filter(p -> p.heavyHot.soh() < p.light.soh()).count();
        long fewerCycles = pairs.stream().filter(p -> p.heavyHot.remaining() < p.light.remaining()).count();
        long apartBeyondBands = pairs.stream()
                .filter(p -> p.heavyHot.assessment.stateOfHealthHigh() < p.light.assessment.stateOfHealthLow()).count();
        double smallestGap = pairs.stream().mapToDouble(p -> p.light.soh() - p.heavyHot.soh()).min().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "heavy/hot vs light (cool or temperate), same chemistry, made within %d days: %d pairs %s;"
                        + " heavy/hot lower SoH in %d, fewer remaining cycles in %d, bands apart in %d; smallest SoH gap %.4f%n",
                SAME_AGE_DAYS, pairs.size(), perChemistry, lowerSoh, fewerCycles, apartBeyondBands, smallestGap);

        assertTrue(perChemistry.getOrDefault(Chemistry.LFP, 0) >= 50 && perChemistry.getOrDefault(Chemistry.NMC, 0) >= 50,
                "too few pairs to mean anything: " + perChemistry);
        assertEquals(pairs.size(), lowerSoh, "pairs where the heavy/hot battery does not have the lower state of health");
        // Remaining cycles project each battery's own pattern of use, calendar time per cycle included: a light user in a
        // hot place spends many months per cycle, so it can have few cycles left although its health is better.
        assertTrue(fewerCycles >= pairs.size() * 0.98, "the heavy/hot battery has fewer remaining cycles in only " + fewerCycles
                + " of " + pairs.size() + " pairs");
        // Not only in the central values: the two are ranked apart beyond the model's own uncertainty bands.
        assertEquals(pairs.size(), apartBeyondBands, "pairs whose state-of-health bands overlap");
    }

    @Test
    void meansFallFromLightCoolThroughMediumToHeavyHot() {
        for (Chemistry c : List.of(Chemistry.LFP, Chemistry.NMC)) { // NCA is 5% of the fleet: printed, too few to assert on
            List<Valued> lightCool = of(c, Valued::lightCool);
            List<Valued> medium = of(c, Valued::medium);
            List<Valued> heavyHot = of(c, Valued::heavyHot);
            String figures = String.format(Locale.ROOT, "%s: SoH light/cool %.4f (n=%d) > medium %.4f (n=%d) > heavy/hot %.4f (n=%d);"
                            + " remaining cycles %.0f > %.0f > %.0f", c, mean(lightCool, Valued::soh), lightCool.size(), mean(medium, Valued::soh),
                    medium.size(), mean(heavyHot, Valued::soh), heavyHot.size(), mean(lightCool, Valued::remaining), mean(medium, Valued::remaining),
                    mean(heavyHot, Valued::remaining));
            System.out.println(figures);
            assertTrue(lightCool.size() >= 10 && medium.size() >= 10 && heavyHot.size() >= 10, figures);
            assertTrue(mean(lightCool, Valued::soh) > mean(medium, Valued::soh) && mean(medium, Valued::soh) > mean(heavyHot, Valued::soh), figures);
            assertTrue(mean(lightCool, Valued::remaining) > mean(medium, Valued::remaining)
                    && mean(medium, Valued::remaining) > mean(heavyHot, Valued::remaining), figures);
        }
    }

    @Test
    void ratedMinusUsedCyclesRanksBatteriesTheModelRanksTheOtherWay() {
        // 1. The pairs above: rated-minus-used puts the heavy/hot battery first whenever its rating is higher enough.
        long naiveHeavyHotFirst = pairs.stream().filter(p -> p.heavyHot.naiveRemaining() > p.light.naiveRemaining()).count();
        // 2. Hot and cool batteries with the same rating and the same cycles: rated-minus-used cannot tell them apart
        // beyond a cycle, so it puts the hot one first about half the time; temperature is invisible to it.
        int sameUse = 0;
        int naiveHotFirst = 0;
        int modelHotLower = 0;
        for (Valued hot : fleet) {
            for (Valued cool : fleet) {
                if (hot.profile.climate() == UsageProfile.Climate.HOT && cool.profile.climate() == UsageProfile.Climate.COOL
                        && hot.sameRatingAs(cool)
                        && Math.abs(hot.assessment.equivalentFullCycles() - cool.assessment.equivalentFullCycles()) <= SAME_CYCLES) {
                    sameUse++;
                    naiveHotFirst += hot.naiveRemaining() > cool.naiveRemaining() ? 1 : 0;
                    modelHotLower += hot.soh() < cool.soh() ? 1 : 0;
                }
            }
        }
        System.out.printf(Locale.ROOT, "rated minus used cycles: puts the heavy/hot battery first in %d of %d same-age pairs (the model in none);"
                        + " of %d hot/cool pairs with the same rating and cycles within %.0f, puts the hot one first in %d, the model gives"
                        + " the hot one the lower SoH in %d%n",
                naiveHeavyHotFirst, pairs.size(), sameUse, SAME_CYCLES, naiveHotFirst, modelHotLower);
        System.out.printf(Locale.ROOT, "remaining cycles, fleet mean: model %.0f, rated minus used %.0f%n", mean(fleet, Valued::remaining),
                mean(fleet, Valued::naiveRemaining));

        assertTrue(naiveHeavyHotFirst > 0, "rated minus used agrees with the model on every pair");
        assertTrue(sameUse >= 50, "too few hot/cool pairs with the same rating and use: " + sameUse);
        assertTrue(naiveHotFirst > 0, "rated minus used never puts a hot battery first");
        assertEquals(sameUse, modelHotLower, "same rating, same cycles: the hot battery must have the lower state of health");
    }
}
