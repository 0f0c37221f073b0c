package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    static double seconds(Instant from, Instant to) {
        return (to.getEpochSecond() - from.getEpochSecond()) + (to.getNano() - from.getNano()) / 1e9;
    }

    // ------------------------------------------------------------------------------------------------- wear

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
        // The wear now and at each measured point of the fade curve (the evidence after 0, 1/16, ... of its sessions).
        List<BatteryRecord.Session> ss = e.sessions();
        int[] measured = curvePrefixes(ss.size());
        int[] prefixes = Arrays.copyOf(measured, measured.length + 1);
        Instant[] times = new Instant[prefixes.length];
        for (int j = 0; j < measured.length; j++) {
            int k = measured[j];
            times[j] = k == 0 ? ss.get(0).startedAt() : ss.get(k - 1).endedAt();
        }
        prefixes[measured.length] = ss.size();
        times[measured.length] = asOf;
        Wear[] wears = Wear.ofPrefixes(p, b, ss, weights(e), prefixes, times);
        Wear w = wears[measured.length];
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

        List<Assessment.CurvePoint> curve = curve(Arrays.copyOf(wears, measured.length), w, proj, r);
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
        double overTemperatureC = p.overTemperatureC(); // a parameter is a map lookup: once, not per session
        double deepDischargeSoc = p.deepDischargeSoc();
        for (BatteryRecord.Session s : e.sessions()) {
            if (s.maxTempC() >= overTemperatureC) {
                events.add(new Assessment.NegativeEvent("overtemperature", s.recordId(), s.startedAt(), s.maxTempC(),
                        String.format(Locale.ROOT, "cell temperature reached %.1f °C", s.maxTempC())));
            }
            double low = StrictMath.min(s.socStart(), s.socEnd());
            if (low <= deepDischargeSoc) {
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

    /** The numbers of sessions the fade curve measures at: 0, n/16, ..., 15n/16, each once (none without sessions). */
    private static int[] curvePrefixes(int n) {
        int[] out = new int[CURVE_STEPS];
        int count = 0;
        int previous = -1;
        for (int j = 0; j < CURVE_STEPS && n > 0; j++) {
            int k = (int) ((long) n * j / CURVE_STEPS);
            if (k != previous) {
                out[count++] = k;
                previous = k;
            }
        }
        return Arrays.copyOf(out, count);
    }

    /** Measured points (the wear at each of {@link #curvePrefixes}, then now) and the projection to end of life. */
    private List<Assessment.CurvePoint> curve(Wear[] measured, Wear now, Projection proj, double r) {
        List<Assessment.CurvePoint> curve = new ArrayList<>();
        for (Wear w : measured) {
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
