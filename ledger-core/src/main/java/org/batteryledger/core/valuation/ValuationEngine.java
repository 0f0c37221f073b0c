package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Turns evidence into state of health, remaining life and residual value. The formulas, with their sources, are in
 * the module README; in short:
 * <ul>
 *   <li>cycle wear: the state-of-charge path of the sessions is rainflow-counted ({@link Rainflow}); a cycle of depth
 *   δ uses up {@code S^(1/z) / N(δ)} of the battery's life, with {@code N(δ) = N_rated (δ / δ_rated)^-k} (Wöhler) and
 *   the stress {@code S = exp(-(Ea - b·C)/(R·T)) / exp(-(Ea - b·C_ref)/(R·T_rated))} (Arrhenius, with the C-rate
 *   lowering the activation energy as in Wang et al. 2011); Miner's rule sums the damage D, and the cycle fade is
 *   {@code (1 - SoH_eol) · D^z}, so at constant conditions fade grows as {@code S · throughput^z};</li>
 *   <li>calendar ageing: {@code a · sqrt(t_eq)} in years, with time at temperature T counted as
 *   {@code S_cal(T)^2} years at the reference temperature;</li>
 *   <li>state of health {@code 1 - cycle fade - calendar fade}; remaining equivalent full cycles to the end-of-life
 *   threshold if the battery goes on as it has been used.</li>
 * </ul>
 * Pure and deterministic: {@link StrictMath} everywhere, no clock (the valuation time is an input).
 */
public final class ValuationEngine {
    /** Molar gas constant, J/(mol·K) (CODATA 2018, exact since the 2019 SI). */
    public static final double GAS_CONSTANT = 8.314462618;
    static final double KELVIN = 273.15;
    static final double SECONDS_PER_YEAR = 365.25 * 86_400;
    /** A session that starts within this of where the previous one ended continues it. */
    static final double SOC_TOLERANCE = 0.005;
    /** C-rates are clamped to this, far beyond any real session, so the activation energy stays positive. */
    static final double MAX_C_RATE = 10;
    /** Projections stop here: a battery this far from end of life is, for pricing, not ageing by use. */
    static final double MAX_REMAINING_CYCLES = 100_000;
    static final int CURVE_STEPS = 16;
    /** Calendar temperature is estimated per window of this length (a month: seasons show, a trip does not). */
    static final double WINDOW_SECONDS = 30 * 86_400;

    private final ValuationParameters p;

    public ValuationEngine(ValuationParameters parameters) {
        this.p = parameters;
    }

    public ValuationParameters parameters() {
        return p;
    }

    // ------------------------------------------------------------------------------------------- stress functions

    /** Cycles to end of life at depth {@code dod}: the Wöhler curve through the manufacturer's rating. */
    public static double woehlerCycles(double dod, double ratedCycles, double ratedDod, double exponent) {
        return ratedCycles * StrictMath.pow(dod / ratedDod, -exponent);
    }

    /**
     * Cycle-ageing stress at {@code tempC} and {@code cRate} relative to the rated test ({@code refTempC},
     * {@code refCRate}): Arrhenius with activation energy {@code ea - shift · C} (J/mol).
     */
    public static double cycleStress(double tempC, double cRate, double refTempC, double refCRate, double ea, double shift) {
        double c = StrictMath.min(StrictMath.max(cRate, 0), MAX_C_RATE);
        double cRef = StrictMath.min(StrictMath.max(refCRate, 0), MAX_C_RATE);
        return StrictMath.exp(-(ea - shift * c) / (GAS_CONSTANT * (tempC + KELVIN))
                + (ea - shift * cRef) / (GAS_CONSTANT * (refTempC + KELVIN)));
    }

    /** Calendar-ageing stress at {@code tempC} relative to {@code refTempC}: Arrhenius. */
    public static double calendarStress(double tempC, double refTempC, double ea) {
        return StrictMath.exp(-ea / GAS_CONSTANT * (1 / (tempC + KELVIN) - 1 / (refTempC + KELVIN)));
    }

    /** Charge or discharge rate of a session: |ΔSoC| per hour (at least a minute is assumed). */
    public static double cRate(BatteryRecord.Session s) {
        double hours = StrictMath.max(60, seconds(s.startedAt(), s.endedAt())) / 3600.0;
        return s.depth() / hours;
    }

    private static double seconds(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) + (to.getNano() - from.getNano()) / 1e9;
    }

    // ------------------------------------------------------------------------------------------------- wear

    /** Wear of the evidence up to {@code asOf}, without projection. */
    record Wear(int sessions, double recordedThroughput, double unrecordedThroughput, double damage, double cycleFade,
                double calendarYears, double calendarFade, double usageCalendarYears, double usageDays, double gapDays,
                double relativeUncertainty, Instant first, Instant last) {
        double fade() {
            return cycleFade + calendarFade;
        }

        double fullCycles() {
            return recordedThroughput / 2;
        }

        double totalFullCycles() {
            return (recordedThroughput + unrecordedThroughput) / 2;
        }

        double unrecordedShare() {
            double all = recordedThroughput + unrecordedThroughput;
            return all == 0 ? 0 : unrecordedThroughput / all;
        }
    }

    Wear wear(Evidence e, Instant asOf) {
        return wear(e.battery(), e.sessions(), e.sessions().size(), weights(e), new HashMap<>(), asOf);
    }

    /**
     * Per session, the part of its wear that does not depend on which prefix of the evidence is valued: the stress
     * weight {@code S^(1/z)}. The fade curve values 16 prefixes, so this is computed once per assessment.
     */
    private double[] weights(Evidence e) {
        BatteryRecord.Master b = e.battery();
        ValuationParameters.ChemistryParameters c = p.chemistry(b.chemistry());
        double z = c.fadeExponent();
        double referenceCRate = p.referenceCRate();
        double shift = p.cRateActivationShift();
        List<BatteryRecord.Session> ss = e.sessions();
        double[] out = new double[ss.size()];
        for (int i = 0; i < out.length; i++) {
            BatteryRecord.Session s = ss.get(i);
            double stress = cycleStress(s.avgTempC(), cRate(s), b.ratedCycleTempC(), referenceCRate, c.cycleActivationEnergy(), shift);
            out[i] = StrictMath.pow(stress, 1 / z);
        }
        return out;
    }

    /** The wear of the first {@code n} sessions of {@code ss} (in evidence order) up to {@code asOf}. */
    private Wear wear(BatteryRecord.Master b, List<BatteryRecord.Session> ss, int n, double[] weights, Map<Double, Double> cyclesToEol,
                      Instant asOf) {
        ValuationParameters.ChemistryParameters c = p.chemistry(b.chemistry());
        double z = c.fadeExponent();

        // The state-of-charge path: one segment per session, plus a segment wherever a session does not start where
        // the previous one ended (movement no record shows; its conditions are taken as the battery's average).
        double[] path = new double[2 * n + 1];
        double[] weight = new double[2 * n];
        boolean[] recorded = new boolean[2 * n];
        int m = 0;
        double recordedThroughput = 0;
        double unrecordedThroughput = 0;
        double weighted = 0;
        if (n > 0) {
            path[0] = ss.get(0).socStart();
        }
        for (int i = 0; i < n; i++) {
            BatteryRecord.Session s = ss.get(i);
            if (StrictMath.abs(s.socStart() - path[m]) > SOC_TOLERANCE) {
                unrecordedThroughput += StrictMath.abs(s.socStart() - path[m]);
                path[m + 1] = s.socStart();
                m++;
            }
            double depth = StrictMath.abs(s.socEnd() - path[m]);
            weight[m] = weights[i];
            recorded[m] = true;
            recordedThroughput += depth;
            weighted += depth * weight[m];
            path[m + 1] = s.socEnd();
            m++;
        }
        double meanWeight = recordedThroughput > 0 ? weighted / recordedThroughput : 1;
        double[] weightedDepth = new double[m + 1]; // prefix sums over segments
        double[] depthSum = new double[m + 1];
        for (int i = 0; i < m; i++) {
            double d = StrictMath.abs(path[i + 1] - path[i]);
            double w = recorded[i] ? weight[i] : meanWeight;
            weightedDepth[i + 1] = weightedDepth[i] + d * w;
            depthSum[i + 1] = depthSum[i] + d;
        }
        double[] points = new double[m + 1];
        System.arraycopy(path, 0, points, 0, m + 1);
        double damage = 0;
        if (m > 0) {
            double ratedLife = b.ratedCycleLife();
            double ratedDod = b.ratedCycleDod();
            double k = c.woehlerExponent();
            for (Rainflow.Cycle cy : Rainflow.count(points)) {
                if (cy.range() <= 0) {
                    continue;
                }
                double span = depthSum[cy.to()] - depthSum[cy.from()];
                double w = span > 0 ? (weightedDepth[cy.to()] - weightedDepth[cy.from()]) / span : meanWeight;
                // Ranges repeat (states of charge have three decimals), across the curve's prefixes too: one pow each.
                double cycles = cyclesToEol.computeIfAbsent(cy.range(), range -> woehlerCycles(range, ratedLife, ratedDod, k));
                damage += cy.count() * w / cycles;
            }
        }
        double cycleFade = (1 - p.endOfLifeSoh()) * StrictMath.pow(damage, z);

        // Calendar time at temperature, counted in reference years (S_cal(T)^2 per year, since fade grows as sqrt(t)).
        // Records carry temperatures only during sessions, and sessions heat the battery; at rest it sits near the
        // coolest session of the season. So each 30-day window from the first session on is counted at the lowest
        // session temperature in it (windows without sessions: the mean of the others); before it, storage.
        Instant first = n > 0 ? ss.get(0).startedAt() : null;
        Instant last = n > 0 ? ss.get(n - 1).endedAt() : null;
        Instant inUse = first == null ? asOf : min(first, asOf);
        double storageYears = StrictMath.max(0, seconds(b.manufacturedAt(), inUse)) / SECONDS_PER_YEAR * calendarWeight(p.storageTempC(), c);
        double usageYears = 0;
        double usageSeconds = StrictMath.max(0, seconds(inUse, asOf));
        if (usageSeconds > 0) {
            int windows = (int) StrictMath.ceil(usageSeconds / WINDOW_SECONDS);
            double[] coolest = new double[windows];
            java.util.Arrays.fill(coolest, Double.NaN);
            for (int i = 0; i < n; i++) {
                BatteryRecord.Session s = ss.get(i);
                int w = (int) StrictMath.min(windows - 1, StrictMath.max(0, seconds(inUse, s.startedAt()) / WINDOW_SECONDS));
                if (Double.isNaN(coolest[w]) || s.avgTempC() < coolest[w]) {
                    coolest[w] = s.avgTempC();
                }
            }
            double sum = 0;
            int known = 0;
            for (double t : coolest) {
                if (!Double.isNaN(t)) {
                    sum += t;
                    known++;
                }
            }
            double fallback = known > 0 ? sum / known : p.storageTempC();
            for (int w = 0; w < windows; w++) {
                double span = StrictMath.min(WINDOW_SECONDS, usageSeconds - w * WINDOW_SECONDS);
                usageYears += span / SECONDS_PER_YEAR * calendarWeight(Double.isNaN(coolest[w]) ? fallback : coolest[w], c);
            }
        }
        double years = storageYears + usageYears;
        double gap = 0;
        double gapSeconds = p.gapDays() * 86_400;
        for (int i = 1; i < n; i++) {
            double pause = seconds(ss.get(i - 1).endedAt(), ss.get(i).startedAt());
            if (pause > gapSeconds) {
                gap += pause / 86_400;
            }
        }
        double calendarFade = c.calendarFadePerSqrtYear() * StrictMath.sqrt(years);

        double usageDays = first == null ? 0 : StrictMath.max(0, seconds(first, asOf)) / 86_400;
        double span = first == null ? 0 : seconds(first, last) / 86_400;
        double unrecordedShare = recordedThroughput + unrecordedThroughput == 0 ? 0
                : unrecordedThroughput / (recordedThroughput + unrecordedThroughput);
        double r = p.modelUncertainty() + 1 / StrictMath.sqrt(n + 1.0) + unrecordedShare + (span > 0 ? gap / span : 0);
        return new Wear(n, recordedThroughput, unrecordedThroughput, damage, cycleFade, years, calendarFade, usageYears,
                usageDays, gap, StrictMath.min(1, r), first, last);
    }

    private double calendarWeight(double tempC, ValuationParameters.ChemistryParameters c) {
        double s = calendarStress(tempC, p.calendarReferenceTempC(), c.calendarActivationEnergy());
        return s * s;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    // ------------------------------------------------------------------------------------------- valuation

    /**
     * Values the battery at {@code asOf}.
     *
     * @throws IllegalArgumentException if {@code asOf} is before manufacture or before the end of a session
     */
    public Assessment assess(Evidence e, Instant asOf) {
        BatteryRecord.Master b = e.battery();
        if (asOf.isBefore(b.manufacturedAt())) {
            throw new IllegalArgumentException("the valuation time " + asOf + " is before the battery was manufactured ("
                    + b.manufacturedAt() + ")");
        }
        for (BatteryRecord.Session s : e.sessions()) {
            if (s.endedAt().isAfter(asOf)) {
                throw new IllegalArgumentException("session " + s.recordId() + " ends at " + s.endedAt()
                        + ", after the valuation time " + asOf);
            }
        }
        ValuationParameters.ChemistryParameters c = p.chemistry(b.chemistry());
        double[] weights = weights(e);
        Map<Double, Double> cyclesToEol = new HashMap<>();
        Wear w = wear(b, e.sessions(), e.sessions().size(), weights, cyclesToEol, asOf);
        double r = w.relativeUncertainty();
        double soh = clamp01(1 - w.fade());
        double sohLow = clamp01(1 - w.fade() * (1 + r));
        double sohHigh = clamp01(1 - w.fade() * (1 - r));

        Projection proj = projection(w, b, c);
        double remaining = proj.remaining(1);
        double remainingLow = proj.remaining(1 + r);
        double remainingHigh = proj.remaining(1 - r);
        Double years = proj.daysPerCycle > 0 ? remaining * proj.daysPerCycle / 365.25 : null;

        List<Assessment.NegativeEvent> events = negativeEvents(e);
        Status status;
        String reason;
        Assessment.NegativeEvent thermal = events.stream().filter(ev -> ev.type().equals("overtemperature")).findFirst().orElse(null);
        if (thermal != null) {
            status = Status.RECYCLE;
            reason = String.format(Locale.ROOT, "session %s reached %.1f °C (limit %.1f °C): a battery with a thermal event is not offered for reuse or second life",
                    thermal.recordId(), thermal.value(), p.overTemperatureC());
        } else if (sohLow >= p.endOfLifeSoh()) {
            status = Status.REUSE;
            reason = String.format(Locale.ROOT, "state of health is at least %.3f, above the end-of-life threshold %.2f", sohLow, p.endOfLifeSoh());
        } else if (sohLow >= p.secondLifeFloorSoh()) {
            status = Status.REPURPOSE;
            reason = String.format(Locale.ROOT, "state of health may be as low as %.3f, below the end-of-life threshold %.2f but above the second-life floor %.2f",
                    sohLow, p.endOfLifeSoh(), p.secondLifeFloorSoh());
        } else {
            status = Status.RECYCLE;
            reason = String.format(Locale.ROOT, "state of health may be as low as %.3f, below the second-life floor %.2f", sohLow, p.secondLifeFloorSoh());
        }

        double rated = b.ratedEnergyKWh();
        UnitKind unit = UnitKind.ofCode(b.batteryCode());
        Assessment.Value value = new Assessment.Value(p.currency(), soh * rated, value(status, soh, rated, c, unit),
                value(status, sohLow, rated, c, unit), value(status, sohHigh, rated, c, unit), basis(status) + " (costs per " + unit.wire() + ")");

        List<Assessment.CurvePoint> curve = curve(e, weights, cyclesToEol, w, proj, r);
        Assessment.Quality q = new Assessment.Quality(w.sessions(), w.first(), w.last(), w.gapDays(), w.unrecordedShare(), r);
        return new Assessment(b.batteryCode(), b.chemistry(), asOf, rated, soh, sohLow, sohHigh, w.fullCycles(),
                w.unrecordedThroughput() / 2, w.damage(), w.cycleFade(), w.calendarFade(), remaining, remainingLow,
                remainingHigh, years, status, reason, value, q, events, curve);
    }

    private static double clamp01(double x) {
        return StrictMath.min(1, StrictMath.max(0, x));
    }

    /**
     * The future if the battery goes on as it has been used: per equivalent full cycle, the damage and the
     * reference-temperature calendar years it has accrued so far; without any use yet, rated-condition cycling and
     * no calendar time.
     */
    private final class Projection {
        final Wear w;
        final double z;
        final double calendarRate;
        final double damagePerCycle;
        final double yearsPerCycle;
        final double daysPerCycle;

        Projection(Wear w, BatteryRecord.Master b, ValuationParameters.ChemistryParameters c) {
            this.w = w;
            this.z = c.fadeExponent();
            this.calendarRate = c.calendarFadePerSqrtYear();
            double cycles = w.totalFullCycles();
            if (cycles > 0 && w.damage() > 0) {
                damagePerCycle = w.damage() / cycles;
                yearsPerCycle = w.usageCalendarYears() / cycles;
                daysPerCycle = w.usageDays() / cycles;
            } else {
                damagePerCycle = 1 / (b.ratedCycleLife() * b.ratedCycleDod());
                yearsPerCycle = 0;
                daysPerCycle = 0;
            }
        }

        double fade(double x) {
            return (1 - p.endOfLifeSoh()) * StrictMath.pow(w.damage() + damagePerCycle * x, z)
                    + calendarRate * StrictMath.sqrt(w.calendarYears() + yearsPerCycle * x);
        }

        /** Equivalent full cycles until {@code scale · fade} reaches the end-of-life fade (bisection: deterministic). */
        double remaining(double scale) {
            double target = 1 - p.endOfLifeSoh();
            if (scale * fade(0) >= target) {
                return 0;
            }
            double hi = 1;
            while (scale * fade(hi) < target) {
                hi *= 2;
                if (hi >= MAX_REMAINING_CYCLES) {
                    return MAX_REMAINING_CYCLES;
                }
            }
            double lo = 0;
            for (int i = 0; i < 100 && hi - lo > 1e-6; i++) {
                double mid = (lo + hi) / 2;
                if (scale * fade(mid) < target) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    private Projection projection(Wear w, BatteryRecord.Master b, ValuationParameters.ChemistryParameters c) {
        return new Projection(w, b, c);
    }

    private List<Assessment.NegativeEvent> negativeEvents(Evidence e) {
        List<Assessment.NegativeEvent> events = new ArrayList<>();
        for (BatteryRecord.Session s : e.sessions()) {
            if (s.maxTempC() >= p.overTemperatureC()) {
                events.add(new Assessment.NegativeEvent("overtemperature", s.recordId(), s.startedAt(), s.maxTempC(),
                        String.format(Locale.ROOT, "cell temperature reached %.1f °C", s.maxTempC())));
            }
            double low = StrictMath.min(s.socStart(), s.socEnd());
            if (low <= p.deepDischargeSoc()) {
                events.add(new Assessment.NegativeEvent("deep-discharge", s.recordId(), s.startedAt(), low,
                        String.format(Locale.ROOT, "state of charge fell to %.3f", low)));
            }
        }
        return events;
    }

    private double value(Status status, double soh, double ratedKWh, ValuationParameters.ChemistryParameters c, UnitKind unit) {
        double logistics = p.logisticsCostPerKWh() * ratedKWh + p.logisticsFixedCost(unit);
        double usable = soh * ratedKWh;
        return switch (status) {
            case REUSE -> usable * c.reusePricePerKWh() - logistics;
            case REPURPOSE -> usable * (c.secondLifePricePerKWh() - p.repurposingCostPerKWh()) - p.repurposingFixedCost(unit) - logistics;
            case RECYCLE -> ratedKWh * c.recyclingValuePerKWh() - logistics;
        };
    }

    private static String basis(Status status) {
        return switch (status) {
            case REUSE -> "usable kWh x reuse price - logistics";
            case REPURPOSE -> "usable kWh x (second-life price - repurposing cost per kWh) - repurposing fixed cost - logistics";
            case RECYCLE -> "rated kWh x recycling value - logistics";
        };
    }

    /** Measured points (the evidence after 0, 1/16, ..., all of its sessions) and the projection to end of life. */
    private List<Assessment.CurvePoint> curve(Evidence e, double[] weights, Map<Double, Double> cyclesToEol, Wear now, Projection proj,
                                              double r) {
        List<Assessment.CurvePoint> curve = new ArrayList<>();
        int n = e.sessions().size();
        int previous = -1;
        for (int j = 0; j < CURVE_STEPS && n > 0; j++) {
            int k = (int) ((long) n * j / CURVE_STEPS);
            if (k == previous) {
                continue;
            }
            previous = k;
            Instant at = k == 0 ? e.sessions().get(0).startedAt() : e.sessions().get(k - 1).endedAt();
            Wear w = wear(e.battery(), e.sessions(), k, weights, cyclesToEol, at);
            curve.add(point(w.fullCycles(), w.fade(), w.relativeUncertainty(), false));
        }
        curve.add(point(now.fullCycles(), now.fade(), r, false));
        double remaining = proj.remaining(1);
        if (remaining > 0) {
            for (int j = 1; j <= CURVE_STEPS; j++) {
                double x = remaining * j / CURVE_STEPS;
                curve.add(point(now.fullCycles() + x, proj.fade(x), r, true));
            }
        }
        return curve;
    }

    private static Assessment.CurvePoint point(double cycles, double fade, double r, boolean projected) {
        return new Assessment.CurvePoint(cycles, clamp01(1 - fade), clamp01(1 - fade * (1 + r)), clamp01(1 - fade * (1 - r)), projected);
    }
}
