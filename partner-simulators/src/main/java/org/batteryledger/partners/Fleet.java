package org.batteryledger.partners;

import org.batteryledger.core.record.Chemistry;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One seeded, reproducible fleet: battery master data (what the manufacturers' ERPs serve) and charge/discharge
 * sessions (what the charging platform serves), plus each battery's {@link UsageProfile}, which only the Java API
 * exposes. The same arguments give identical records: all randomness comes from one {@link SplittableRandom} seeded
 * with {@code seed}, and no clock is read. The model and its sources are in the module README.
 */
public final class Fleet {
    /** Product types of GB/T 34014 (position 4 of the code). */
    public enum ProductType {
        PACK, MODULE, CELL
    }

    /**
     * A manufacturer-defined specification (positions 6-7 of the code): {@code series} cells in series, {@code parallel}
     * in parallel, of {@code cellAh} at {@code cellV} nominal.
     */
    public record Spec(String code, ProductType type, Chemistry chemistry, int series, int parallel, String cellAh, String cellV) {
        public BigDecimal capacityAh() {
            return new BigDecimal(cellAh).multiply(BigDecimal.valueOf(parallel)).stripTrailingZeros();
        }

        public BigDecimal nominalVoltageV() {
            return new BigDecimal(cellV).multiply(BigDecimal.valueOf(series)).stripTrailingZeros();
        }
    }

    /** The specification table (see README: LFP 3.2 V, NMC 3.65 V, NCA 3.6 V cells in common pack layouts). */
    public static final List<Spec> SPECS = List.of(
            new Spec("L1", ProductType.CELL, Chemistry.LFP, 1, 1, "280", "3.2"),
            new Spec("L2", ProductType.CELL, Chemistry.LFP, 1, 1, "202", "3.2"),
            new Spec("L3", ProductType.MODULE, Chemistry.LFP, 8, 1, "280", "3.2"),
            new Spec("L4", ProductType.MODULE, Chemistry.LFP, 16, 1, "150", "3.2"),
            new Spec("L5", ProductType.PACK, Chemistry.LFP, 96, 1, "150", "3.2"),
            new Spec("L6", ProductType.PACK, Chemistry.LFP, 104, 1, "202", "3.2"),
            new Spec("L7", ProductType.PACK, Chemistry.LFP, 120, 1, "230", "3.2"),
            new Spec("N1", ProductType.CELL, Chemistry.NMC, 1, 1, "60", "3.65"),
            new Spec("N2", ProductType.CELL, Chemistry.NMC, 1, 1, "117", "3.65"),
            new Spec("N3", ProductType.MODULE, Chemistry.NMC, 12, 1, "117", "3.65"),
            new Spec("N4", ProductType.PACK, Chemistry.NMC, 96, 2, "78", "3.65"),
            new Spec("N5", ProductType.PACK, Chemistry.NMC, 192, 1, "117", "3.65"),
            new Spec("A1", ProductType.MODULE, Chemistry.NCA, 24, 46, "4.8", "3.6"),
            new Spec("A2", ProductType.PACK, Chemistry.NCA, 96, 46, "4.8", "3.6"));

    public static final List<Manufacturer> MANUFACTURERS = List.of(
            new Manufacturer("Q7A", "Qinghe Power Cells Co."),
            new Manufacturer("K2N", "Kestrel Energy Systems"),
            new Manufacturer("V9L", "Vellmark Battery Works"));

    /** Chemistry shares per manufacturer, in the order LFP, NMC, NCA. */
    private static final double[][] CHEMISTRY_SHARES = {{0.85, 0.15, 0}, {0.15, 0.75, 0.10}, {0.50, 0.45, 0.05}};

    public static final List<String> OPERATORS = List.of("VoltWay Charging", "GridHop Networks", "Sunlane Energy Services");

    public static final LocalDate FIRST_MANUFACTURE = LocalDate.of(2023, 1, 1);
    public static final LocalDate LAST_MANUFACTURE = LocalDate.of(2024, 12, 31);
    /** No session ends after this. */
    public static final Instant SESSIONS_END = Instant.parse("2026-10-31T23:59:59Z");
    public static final int MAX_SESSIONS_PER_BATTERY = 1000;

    /** Range of the vehicle on a full charge, km (one figure for the whole fleet). */
    static final double RANGE_KM = 400;
    /** Mean driving speed while discharging, km/h. */
    static final double DRIVING_KMH = 38;

    private final long seed;
    private final List<BatteryMaster> batteries;
    private final Map<String, UsageProfile> profiles;
    private final List<SessionRecord> sessions;
    private final Map<String, Integer> batteryPositions;
    private final Map<String, Integer> sessionPositions;

    private Fleet(long seed, List<BatteryMaster> batteries, Map<String, UsageProfile> profiles, List<SessionRecord> sessions) {
        this.seed = seed;
        this.batteries = Collections.unmodifiableList(batteries);
        this.profiles = Collections.unmodifiableMap(profiles);
        this.sessions = Collections.unmodifiableList(sessions);
        this.batteryPositions = positions(batteries.stream().map(BatteryMaster::recordId).toList());
        this.sessionPositions = positions(sessions.stream().map(SessionRecord::recordId).toList());
    }

    private static Map<String, Integer> positions(List<String> ids) {
        Map<String, Integer> m = new HashMap<>(ids.size() * 2);
        for (int i = 0; i < ids.size(); i++) {
            if (m.put(ids.get(i), i) != null) {
                throw new IllegalStateException("duplicate record id " + ids.get(i));
            }
        }
        return m;
    }

    /**
     * Generates {@code batteries} batteries with {@code sessionsPerBattery} sessions each (alternately discharge and
     * charge, starting with a discharge).
     */
    public static Fleet generate(long seed, int batteries, int sessionsPerBattery) {
        if (batteries < 0 || batteries > 1_000_000) {
            throw new IllegalArgumentException("batteries must be 0..1000000, was " + batteries);
        }
        if (sessionsPerBattery < 0 || sessionsPerBattery > MAX_SESSIONS_PER_BATTERY) {
            throw new IllegalArgumentException("sessionsPerBattery must be 0.." + MAX_SESSIONS_PER_BATTERY + ", was " + sessionsPerBattery);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Integer> serials = new HashMap<>();
        List<Generated> generated = new ArrayList<>(batteries);
        for (int i = 0; i < batteries; i++) {
            generated.add(battery(rng.split(), serials));
        }
        generated.sort(Comparator.comparing((Generated g) -> g.master.manufacturedAt()).thenComparing(g -> g.master.batteryCode()));

        List<BatteryMaster> masters = new ArrayList<>(batteries);
        Map<String, UsageProfile> profiles = new LinkedHashMap<>();
        List<SessionRecord> drafts = new ArrayList<>(batteries * sessionsPerBattery);
        for (Generated g : generated) {
            masters.add(g.master);
            profiles.put(g.master.batteryCode(), g.profile);
            sessions(g, sessionsPerBattery, drafts);
        }
        drafts.sort(Comparator.comparing(SessionRecord::endedAt).thenComparing(SessionRecord::batteryCode));
        List<SessionRecord> sessions = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            SessionRecord d = drafts.get(i);
            sessions.add(new SessionRecord(String.format("CHG-S-%08d", i + 1), d.batteryCode(), d.operator(), d.startedAt(),
                    d.endedAt(), d.socStart(), d.socEnd(), d.energyKWh(), d.avgTempC(), d.maxTempC()));
        }
        return new Fleet(seed, masters, profiles, sessions);
    }

    private record Generated(BatteryMaster master, UsageProfile profile, Spec spec, String homeOperator, SplittableRandom rng) {
    }

    private static Generated battery(SplittableRandom rng, Map<String, Integer> serials) {
        Manufacturer mfr = MANUFACTURERS.get(rng.nextInt(MANUFACTURERS.size()));
        double[] shares = CHEMISTRY_SHARES[MANUFACTURERS.indexOf(mfr)];
        double c = rng.nextDouble();
        Chemistry chemistry = c < shares[0] ? Chemistry.LFP : c < shares[0] + shares[1] ? Chemistry.NMC : Chemistry.NCA;
        double t = rng.nextDouble();
        ProductType type = t < 0.70 ? ProductType.PACK : t < 0.90 ? ProductType.MODULE : ProductType.CELL;
        List<Spec> fitting = SPECS.stream().filter(s -> s.type == type && s.chemistry == chemistry).toList();
        if (fitting.isEmpty()) { // NCA comes as modules and packs only (a 21700 cell is far below the fleet's 50 Ah)
            fitting = SPECS.stream().filter(s -> s.chemistry == chemistry).toList();
        }
        Spec spec = fitting.get(rng.nextInt(fitting.size()));

        int days = (int) (LAST_MANUFACTURE.toEpochDay() - FIRST_MANUFACTURE.toEpochDay()) + 1;
        LocalDate produced = FIRST_MANUFACTURE.plusDays(rng.nextInt(days));
        Instant manufacturedAt = produced.atTime(LocalTime.ofSecondOfDay(6 * 3600 + rng.nextInt(16 * 3600))).toInstant(ZoneOffset.UTC);

        String traceability = "123456789ABCDEFGH".charAt(rng.nextInt(17)) + base36(rng.nextLong(2_176_782_336L), 6);
        String dayKey = mfr.code() + produced;
        Integer last = serials.get(dayKey);
        int serial = last == null ? 1 + rng.nextInt(900_000) : last + 1 + rng.nextInt(50);
        serials.put(dayKey, serial);
        String code = BatteryCode.of(mfr.code(), spec.type(), chemistry, spec.code(), traceability, produced, serial);

        int cycleLife;
        BigDecimal dod;
        if (chemistry == Chemistry.LFP) {
            cycleLife = pick(rng, 3000, 3500, 4000, 4500, 5000, 6000);
            dod = BigDecimal.ONE;
        } else if (chemistry == Chemistry.NMC && rng.nextBoolean()) {
            cycleLife = pick(rng, 1500, 1800, 2000);
            dod = new BigDecimal("0.8");
        } else {
            cycleLife = pick(rng, 1000, 1200, 1500);
            dod = BigDecimal.ONE;
        }
        BatteryMaster master = new BatteryMaster(mfr.code() + "-B-" + code, code, mfr.name(), chemistry, spec.capacityAh(),
                spec.nominalVoltageV(), cycleLife, dod, BigDecimal.valueOf(25), manufacturedAt);

        double u = rng.nextDouble();
        UsageProfile.Intensity intensity = u < 0.35 ? UsageProfile.Intensity.LIGHT : u < 0.75 ? UsageProfile.Intensity.MEDIUM : UsageProfile.Intensity.HEAVY;
        double dailyKm = switch (intensity) {
            case LIGHT -> uniform(rng, 15, 50);
            case MEDIUM -> uniform(rng, 50, 120);
            case HEAVY -> uniform(rng, 150, 350);
        };
        double w = rng.nextDouble();
        UsageProfile.Climate climate = w < 0.30 ? UsageProfile.Climate.COOL : w < 0.70 ? UsageProfile.Climate.TEMPERATE : UsageProfile.Climate.HOT;
        double ambient = switch (climate) {
            case COOL -> uniform(rng, 4, 10);
            case TEMPERATE -> uniform(rng, 12, 18);
            case HOT -> uniform(rng, 24, 30);
        };
        double fast = switch (intensity) {
            case LIGHT -> uniform(rng, 0.0, 0.2);
            case MEDIUM -> uniform(rng, 0.1, 0.4);
            case HEAVY -> uniform(rng, 0.4, 0.9);
        };
        UsageProfile profile = new UsageProfile(intensity, round(dailyKm, 1), climate, round(ambient, 1), round(fast, 2));
        String home = OPERATORS.get(rng.nextInt(OPERATORS.size()));
        return new Generated(master, profile, spec, home, rng);
    }

    /** Alternating discharge and charge sessions of one battery, appended to {@code out} without record ids. */
    private static void sessions(Generated g, int count, List<SessionRecord> out) {
        SplittableRandom rng = g.rng;
        UsageProfile p = g.profile;
        boolean lfp = g.master.chemistry() == Chemistry.LFP;
        double energyKWh = g.master.ratedEnergyKWh();
        double heat = p.intensity().ordinal() / 2.0;

        long[] durations = new long[count];
        long[] gaps = new long[count];
        double[] soc = new double[count + 1];
        boolean[] fastCharge = new boolean[count];
        double[] avg = new double[count];
        double[] max = new double[count];
        double[] energy = new double[count];
        String[] operators = new String[count];
        soc[0] = 0.95;
        for (int i = 0; i < count; i++) {
            double from = soc[i];
            if (i % 2 == 0) {
                double dod = switch (p.intensity()) {
                    case LIGHT -> uniform(rng, 0.15, 0.45);
                    case MEDIUM -> uniform(rng, 0.30, 0.65);
                    case HEAVY -> uniform(rng, 0.55, 0.88);
                };
                double to = round(Math.max(0.03, from - dod), 3);
                double depth = from - to;
                soc[i + 1] = to;
                durations[i] = Math.max(600, (long) (depth * RANGE_KM / DRIVING_KMH * 3600));
                double days = depth * RANGE_KM / p.dailyKm();
                gaps[i] = Math.max(1800, (long) (days * 86_400 * uniform(rng, 0.8, 1.2)) - durations[i]);
                energy[i] = energyKWh * depth * 0.97;
                avg[i] = 3 + 6 * heat + uniform(rng, 0, 3);
                max[i] = uniform(rng, 2, 6);
                operators[i] = g.homeOperator;
            } else {
                boolean fast = rng.nextDouble() < p.fastChargeShare();
                double target = fast ? uniform(rng, 0.75, 0.85) : uniform(rng, 0.85, 1.0);
                double to = round(Math.min(1.0, Math.max(target, from + 0.05)), 3);
                double depth = to - from;
                soc[i + 1] = to;
                double cRate = fast ? (lfp ? uniform(rng, 0.8, 1.5) : uniform(rng, 1.0, 2.0)) : uniform(rng, 0.1, 0.3);
                durations[i] = Math.max(300, (long) (depth / cRate * (fast ? 1.15 : 1.05) * 3600));
                gaps[i] = (long) uniform(rng, 1800, 6 * 3600);
                energy[i] = energyKWh * depth / (fast ? 0.90 : 0.93);
                avg[i] = fast ? uniform(rng, 10, 18) : uniform(rng, 2, 6);
                max[i] = fast ? uniform(rng, 4, 10) : uniform(rng, 1, 4);
                fastCharge[i] = fast;
                operators[i] = fast ? OPERATORS.get(rng.nextInt(OPERATORS.size())) : g.homeOperator;
            }
        }

        // Install in a vehicle 30-120 days after manufacture; squeeze idle gaps if the sessions would run past SESSIONS_END.
        long start = g.master.manufacturedAt().getEpochSecond() + 30 * 86_400L + rng.nextLong(90 * 86_400L);
        long available = SESSIONS_END.getEpochSecond() - start;
        long sumDurations = 0;
        long sumGaps = 0;
        for (int i = 0; i < count; i++) {
            sumDurations += durations[i];
            sumGaps += i < count - 1 ? gaps[i] : 0;
        }
        if (sumDurations > available) {
            throw new IllegalStateException("sessions of " + g.master.batteryCode() + " do not fit before " + SESSIONS_END);
        }
        double squeeze = sumDurations + sumGaps > available ? (double) (available - sumDurations) / sumGaps : 1.0;

        long t = start;
        for (int i = 0; i < count; i++) {
            long end = t + durations[i];
            double ambient = ambient(p, t, rng);
            BigDecimal avgTemp = decimal(ambient + avg[i], 1);
            BigDecimal maxTemp = avgTemp.add(decimal(max[i], 1));
            out.add(new SessionRecord(null, g.master.batteryCode(), operators[i], Instant.ofEpochSecond(t),
                    Instant.ofEpochSecond(end), decimal(soc[i], 3), decimal(soc[i + 1], 3), decimal(energy[i], 4), avgTemp, maxTemp));
            t = end + (long) (gaps[i] * squeeze);
        }
    }

    /** Ambient temperature at {@code epochSecond}: the climate's mean, a seasonal swing peaking in July, and noise. */
    private static double ambient(UsageProfile p, long epochSecond, SplittableRandom rng) {
        double amplitude = switch (p.climate()) {
            case COOL -> 10;
            case TEMPERATE -> 8;
            case HOT -> 5;
        };
        int dayOfYear = ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC).getDayOfYear();
        return p.meanAmbientC() + amplitude * Math.sin(2 * Math.PI * (dayOfYear - 105) / 365.25) + uniform(rng, -3, 3);
    }

    private static int pick(SplittableRandom rng, int... values) {
        return values[rng.nextInt(values.length)];
    }

    private static double uniform(SplittableRandom rng, double from, double to) {
        return from + (to - from) * rng.nextDouble();
    }

    private static double round(double d, int places) {
        return decimal(d, places).doubleValue();
    }

    private static BigDecimal decimal(double d, int places) {
        return BigDecimal.valueOf(d).setScale(places, RoundingMode.HALF_EVEN);
    }

    private static String base36(long v, int width) {
        StringBuilder b = new StringBuilder(Long.toString(v, 36).toUpperCase(Locale.ROOT));
        while (b.length() < width) {
            b.insert(0, '0');
        }
        return b.toString();
    }

    public long seed() {
        return seed;
    }

    /** Battery master records in the ERP's order (by manufacturedAt, then code). */
    public List<BatteryMaster> batteries() {
        return batteries;
    }

    /** All sessions in record-id order, which is the order of endedAt, then battery code. */
    public List<SessionRecord> sessions() {
        return sessions;
    }

    /** Usage profiles by battery code, in battery order. */
    public Map<String, UsageProfile> profiles() {
        return profiles;
    }

    /** The usage profile of one battery; throws for an unknown code. */
    public UsageProfile profile(String batteryCode) {
        UsageProfile p = profiles.get(batteryCode);
        if (p == null) {
            throw new IllegalArgumentException("no battery " + batteryCode + " in this fleet");
        }
        return p;
    }

    /** Index of the battery record with this id, or -1. */
    public int batteryPosition(String recordId) {
        return batteryPositions.getOrDefault(recordId, -1);
    }

    /** Index of the session record with this id, or -1. */
    public int sessionPosition(String recordId) {
        return sessionPositions.getOrDefault(recordId, -1);
    }
}
