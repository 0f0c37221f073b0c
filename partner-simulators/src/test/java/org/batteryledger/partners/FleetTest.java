package org.batteryledger.partners;

import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.record.RecordSchema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class FleetTest {
    static final int BATTERIES = 1000;
    static final int SESSIONS = 100;
    static Fleet fleet;
    static long generationMillis;

    @BeforeAll
    static void generate() {
        long t0 = System.nanoTime();
        fleet = Fleet.generate(42, BATTERIES, SESSIONS);
        generationMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Fleet.generate(42, " + BATTERIES + ", " + SESSIONS + "): " + generationMillis + " ms");
    }

    @Test
    void aThousandBatteriesTimesAHundredSessionsGenerateInWellUnderFiveSeconds() {
        assertEquals(BATTERIES, fleet.batteries().size());
        assertEquals(BATTERIES * SESSIONS, fleet.sessions().size());
        assertTrue(generationMillis < 5_000, "took " + generationMillis + " ms");
    }

    @Test
    void sameArgumentsGiveIdenticalRecordsAndAnotherSeedDiffers() {
        String first = hash(fleet);
        assertEquals(first, hash(Fleet.generate(42, BATTERIES, SESSIONS)));
        assertNotEquals(first, hash(Fleet.generate(43, BATTERIES, SESSIONS)));
        assertEquals(fleet.profiles(), Fleet.generate(42, BATTERIES, SESSIONS).profiles());
    }

    static String hash(Fleet f) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (BatteryMaster b : f.batteries()) {
                sha.update(Jcs.canonicalize(b.toJson()).getBytes(StandardCharsets.UTF_8));
            }
            for (SessionRecord s : f.sessions()) {
                sha.update(Jcs.canonicalize(s.toJson()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyRecordOfTheFleetPassesTheRecordSchema() {
        for (BatteryMaster b : fleet.batteries()) {
            valid(b.toJson());
        }
        for (SessionRecord s : fleet.sessions()) {
            valid(s.toJson());
        }
    }

    /** Checked as the node would see it: written, parsed back, checked. */
    static void valid(Map<String, Object> record) {
        String json = Json.write(record);
        if (!(RecordSchema.check(Json.parse(json)) instanceof RecordSchema.Valid)) {
            fail(json + ": " + RecordSchema.check(Json.parse(json)));
        }
    }

    @Test
    void batteryCodesAre24CharactersStructuredAndUnique() {
        Set<String> codes = new HashSet<>();
        Set<String> manufacturers = new HashSet<>();
        for (BatteryMaster b : fleet.batteries()) {
            String code = b.batteryCode();
            assertEquals(24, code.length(), code);
            BatteryCode.check(code);
            assertTrue(codes.add(code), "duplicate " + code);
            Manufacturer m = Fleet.MANUFACTURERS.stream().filter(x -> x.name().equals(b.manufacturer())).findFirst().orElseThrow();
            manufacturers.add(m.code());
            assertEquals(m.code(), code.substring(0, 3), code);
            assertEquals(m.code() + "-B-" + code, b.recordId());
            assertEquals(b.chemistry() == Chemistry.LFP ? 'B' : 'E', code.charAt(4), code);
            Fleet.Spec spec = Fleet.SPECS.stream().filter(s -> s.code().equals(code.substring(5, 7))).findFirst().orElseThrow();
            assertEquals(BatteryCode.productType(spec.type()), code.charAt(3), code);
            assertEquals(spec.chemistry(), b.chemistry(), code);
            assertEquals(0, spec.capacityAh().compareTo(b.ratedCapacityAh()), code);
            assertEquals(0, spec.nominalVoltageV().compareTo(b.nominalVoltageV()), code);
            assertEquals(LocalDate.ofInstant(b.manufacturedAt(), ZoneOffset.UTC), BatteryCode.productionDate(code), code);
        }
        assertEquals(3, manufacturers.size());
    }

    @Test
    void productionDateCodesRoundTripForEveryDayOfTheManufacturingYears() {
        for (LocalDate d = Fleet.FIRST_MANUFACTURE; !d.isAfter(Fleet.LAST_MANUFACTURE); d = d.plusDays(1)) {
            String code = BatteryCode.of("Q7A", Fleet.ProductType.PACK, Chemistry.LFP, "L5", "1000000", d, 1);
            assertEquals(d, BatteryCode.productionDate(code));
        }
        assertEquals('P', BatteryCode.yearCode(2023));
        assertEquals('R', BatteryCode.yearCode(2024));
        assertEquals('C', BatteryCode.monthCode(12));
        assertEquals('X', BatteryCode.dayCode(31));
    }

    @Test
    void ratingsAreTheUsualOnesForTheChemistry() {
        Map<Chemistry, Integer> counts = new HashMap<>();
        for (BatteryMaster b : fleet.batteries()) {
            counts.merge(b.chemistry(), 1, Integer::sum);
            assertEquals(0, b.ratedCycleTempC().compareTo(BigDecimal.valueOf(25)));
            Instant from = Fleet.FIRST_MANUFACTURE.atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant to = Fleet.LAST_MANUFACTURE.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            assertTrue(!b.manufacturedAt().isBefore(from) && b.manufacturedAt().isBefore(to), b.toString());
            switch (b.chemistry()) {
                case LFP -> {
                    assertTrue(b.ratedCycleLife() >= 3000 && b.ratedCycleLife() <= 6000, b.toString());
                    assertEquals(0, b.ratedCycleDod().compareTo(BigDecimal.ONE));
                }
                case NMC, NCA -> {
                    assertTrue(b.ratedCycleLife() >= 1000 && b.ratedCycleLife() <= 2000, b.toString());
                    assertTrue(b.ratedCycleDod().compareTo(new BigDecimal("0.8")) == 0 || b.ratedCycleDod().compareTo(BigDecimal.ONE) == 0);
                }
                default -> fail("unexpected chemistry " + b);
            }
        }
        assertTrue(counts.get(Chemistry.LFP) > 300 && counts.get(Chemistry.NMC) > 300, counts.toString());
        assertTrue(counts.getOrDefault(Chemistry.NCA, 0) > 0 && counts.get(Chemistry.NCA) < 100, counts.toString());
    }

    @Test
    void sessionsAreOrderedByEndThenBatteryAndNumberedInThatOrder() {
        List<SessionRecord> all = fleet.sessions();
        for (int i = 0; i < all.size(); i++) {
            SessionRecord s = all.get(i);
            assertEquals(String.format("CHG-S-%08d", i + 1), s.recordId());
            assertEquals(i, fleet.sessionPosition(s.recordId()));
            if (i > 0) {
                SessionRecord p = all.get(i - 1);
                int c = p.endedAt().compareTo(s.endedAt());
                assertTrue(c < 0 || c == 0 && p.batteryCode().compareTo(s.batteryCode()) < 0, p + " before " + s);
            }
            assertTrue(!s.endedAt().isAfter(Fleet.SESSIONS_END), s.toString());
            assertTrue(Fleet.OPERATORS.contains(s.operator()), s.operator());
        }
    }

    @Test
    void eachBatteryAlternatesDischargeAndChargeWithEnergyFromCapacityVoltageAndSoc() {
        Map<String, BatteryMaster> masters = new HashMap<>();
        fleet.batteries().forEach(b -> masters.put(b.batteryCode(), b));
        Map<String, SessionRecord> last = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (SessionRecord s : fleet.sessions()) {
            BatteryMaster b = masters.get(s.batteryCode());
            int n = counts.merge(s.batteryCode(), 1, Integer::sum);
            assertEquals(n % 2 == 0, s.isCharge(), "session " + n + " of " + s.batteryCode());
            SessionRecord prev = last.put(s.batteryCode(), s);
            if (prev == null) {
                assertTrue(s.startedAt().isAfter(b.manufacturedAt()));
            } else {
                assertTrue(!s.startedAt().isBefore(prev.endedAt()), prev + " then " + s);
                assertEquals(0, prev.socEnd().compareTo(s.socStart()), "state of charge carries over");
            }
            double depth = Math.abs(s.socEnd().doubleValue() - s.socStart().doubleValue());
            double ratio = s.energyKWh().doubleValue() / (b.ratedEnergyKWh() * depth);
            assertTrue(ratio > 0.9 && ratio < 1.15, "energy " + s + " for " + b);
        }
        assertTrue(counts.values().stream().allMatch(c -> c == SESSIONS));
    }

    @Test
    void usageProfilesExistForEveryBatteryDifferAndShowInTheSessions() {
        assertEquals(BATTERIES, fleet.profiles().size());
        Set<UsageProfile.Intensity> intensities = EnumSet.noneOf(UsageProfile.Intensity.class);
        Set<UsageProfile.Climate> climates = EnumSet.noneOf(UsageProfile.Climate.class);
        for (BatteryMaster b : fleet.batteries()) {
            UsageProfile p = fleet.profile(b.batteryCode());
            intensities.add(p.intensity());
            climates.add(p.climate());
            assertTrue(p.fastChargeShare() >= 0 && p.fastChargeShare() <= 1);
        }
        assertEquals(EnumSet.allOf(UsageProfile.Intensity.class), intensities);
        assertEquals(EnumSet.allOf(UsageProfile.Climate.class), climates);
        assertTrue(new HashSet<>(fleet.profiles().values()).size() > BATTERIES / 2);

        // The ground truth shows: hot batteries run hotter, heavy ones discharge deeper.
        double[] tempSum = new double[3];
        int[] tempN = new int[3];
        double[] depthSum = new double[3];
        int[] depthN = new int[3];
        for (SessionRecord s : fleet.sessions()) {
            UsageProfile p = fleet.profile(s.batteryCode());
            tempSum[p.climate().ordinal()] += s.avgTempC().doubleValue();
            tempN[p.climate().ordinal()]++;
            if (!s.isCharge()) {
                depthSum[p.intensity().ordinal()] += s.socStart().doubleValue() - s.socEnd().doubleValue();
                depthN[p.intensity().ordinal()]++;
            }
        }
        assertTrue(tempSum[2] / tempN[2] > tempSum[1] / tempN[1] + 5 && tempSum[1] / tempN[1] > tempSum[0] / tempN[0] + 3);
        assertTrue(depthSum[2] / depthN[2] > depthSum[1] / depthN[1] && depthSum[1] / depthN[1] > depthSum[0] / depthN[0]);
    }

    @Test
    void fastChargesAreShorterAndHotterThanSlowOnes() {
        // per battery: the shortest charge per ΔSoC is a fast one if the battery fast charges at all
        double fastHours = 0;
        double slowHours = 0;
        int fast = 0;
        int slow = 0;
        for (SessionRecord s : fleet.sessions()) {
            if (s.isCharge()) {
                double hoursPerSoc = (s.endedAt().getEpochSecond() - s.startedAt().getEpochSecond()) / 3600.0
                        / (s.socEnd().doubleValue() - s.socStart().doubleValue());
                if (hoursPerSoc < 2) {
                    fastHours += hoursPerSoc;
                    fast++;
                } else {
                    slowHours += hoursPerSoc;
                    slow++;
                }
            }
        }
        assertTrue(fast > 1000 && slow > 1000, fast + " fast, " + slow + " slow");
        assertTrue(fastHours / fast < slowHours / slow / 3);
    }
}
