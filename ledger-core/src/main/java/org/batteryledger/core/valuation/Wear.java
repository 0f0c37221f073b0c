package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Wear of the evidence up to a time, without projection: the cycle damage of the state-of-charge path, the calendar
 * years at temperature, and how much of the history the records show. The formulas are {@link ValuationEngine}'s.
 */
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

    /**
     * The wear of the first {@code prefixes[j]} sessions of {@code ss} (in evidence order) up to {@code asOf[j]}, for
     * every j, in one pass over the sessions: the fade curve values 16 prefixes of a history, and each used to be a
     * pass of its own. {@code prefixes} ascend. Every figure is computed by the same operations in the same order as
     * a pass over that prefix alone, so each prefix's wear is bit for bit what it would be on its own.
     *
     * @param weights per session, its stress weight {@code S^(1/z)}
     */
    static Wear[] ofPrefixes(ValuationParameters p, BatteryRecord.Master b, List<BatteryRecord.Session> ss, double[] weights,
                             int[] prefixes, Instant[] asOf) {
        ValuationParameters.ChemistryParameters c = p.chemistry(b.chemistry());
        int n = prefixes.length == 0 ? 0 : prefixes[prefixes.length - 1];
        // The state-of-charge path: one segment per session, plus a segment wherever a session does not start where
        // the previous one ended (movement no record shows; its conditions are taken as the battery's average).
        double[] path = new double[2 * n + 1];
        double[] weight = new double[2 * n];
        boolean[] recorded = new boolean[2 * n];
        Rainflow.Counter counter = new Rainflow.Counter(path);
        Miner miner = new Miner(path, weight, recorded, counter, new CyclesToEol(b, c));
        int m = 0;
        double recordedThroughput = 0;
        double unrecordedThroughput = 0;
        double weighted = 0;
        double gapDays = 0;
        double gapSeconds = p.gapDays() * 86_400;
        if (n > 0) {
            path[0] = ss.get(0).socStart();
            counter.offer(0);
        }
        Wear[] out = new Wear[prefixes.length];
        int next = 0;
        for (int i = 0; ; i++) {
            while (next < prefixes.length && prefixes[next] == i) {
                double meanWeight = recordedThroughput > 0 ? weighted / recordedThroughput : 1;
                double damage = miner.damage(m, meanWeight);
                out[next] = of(p, c, b, ss, i, recordedThroughput, unrecordedThroughput, damage, gapDays, asOf[next]);
                next++;
            }
            if (i == n) {
                return out;
            }
            BatteryRecord.Session s = ss.get(i);
            if (StrictMath.abs(s.socStart() - path[m]) > ValuationEngine.SOC_TOLERANCE) {
                unrecordedThroughput += StrictMath.abs(s.socStart() - path[m]);
                path[m + 1] = s.socStart();
                m++;
                counter.offer(m);
            }
            double depth = StrictMath.abs(s.socEnd() - path[m]);
            weight[m] = weights[i];
            recorded[m] = true;
            recordedThroughput += depth;
            weighted += depth * weight[m];
            path[m + 1] = s.socEnd();
            m++;
            counter.offer(m);
            if (i >= 1) {
                double pause = ValuationEngine.seconds(ss.get(i - 1).endedAt(), s.startedAt());
                if (pause > gapSeconds) {
                    gapDays += pause / 86_400;
                }
            }
        }
    }

    /**
     * Miner's sum over the cycles of the path's first {@code m} segments, for one prefix after another: those closed
     * so far, then the prefix's own rest. A cycle's conditions are the depth-weighted mean of the segments it spans,
     * and a segment no session recorded weighs the prefix's mean. Until the first such segment nothing depends on the
     * prefix, so the sums over segments and the closed cycles' terms up to it are carried from prefix to prefix, added
     * in the order a sum over the whole prefix adds them; past it they are summed again for each prefix.
     */
    private static final class Miner {
        private final double[] path;
        private final double[] weight;
        private final boolean[] recorded;
        private final Rainflow.Counter counter;
        private final CyclesToEol cyclesToEol;
        /** Prefix sums over segments: final up to {@link #firstUnrecorded}, rewritten past it for each prefix. */
        private final double[] weightedDepth;
        private final double[] depthSum;
        private int summedSegments;
        /** The first segment no session recorded, or -1 while there is none. */
        private int firstUnrecorded = -1;
        /** The terms of the first {@link #summedCycles} closed cycles, added in order. */
        private double closedSum;
        private int summedCycles;

        Miner(double[] path, double[] weight, boolean[] recorded, Rainflow.Counter counter, CyclesToEol cyclesToEol) {
            this.path = path;
            this.weight = weight;
            this.recorded = recorded;
            this.counter = counter;
            this.cyclesToEol = cyclesToEol;
            this.weightedDepth = new double[path.length];
            this.depthSum = new double[path.length];
        }

        double damage(int m, double meanWeight) {
            if (m == 0) {
                return 0;
            }
            for (int i = summedSegments; i < m; i++) {
                double d = StrictMath.abs(path[i + 1] - path[i]);
                depthSum[i + 1] = depthSum[i] + d;
                if (firstUnrecorded < 0 && !recorded[i]) {
                    firstUnrecorded = i;
                }
            }
            int fixed = firstUnrecorded < 0 ? m : firstUnrecorded; // weightedDepth[0..fixed] does not depend on the prefix
            for (int i = Math.min(summedSegments, fixed); i < fixed; i++) {
                double d = StrictMath.abs(path[i + 1] - path[i]);
                weightedDepth[i + 1] = weightedDepth[i] + d * weight[i];
            }
            summedSegments = m;
            for (int i = fixed; i < m; i++) {
                double d = StrictMath.abs(path[i + 1] - path[i]);
                double w = recorded[i] ? weight[i] : meanWeight;
                weightedDepth[i + 1] = weightedDepth[i] + d * w;
            }
            // A closed cycle that ends at or before the first unrecorded segment weighs the same in every prefix (its
            // span is not 0, so the prefix's mean weight never stands in for it): carried, in order, until the first
            // one that does not.
            List<Rainflow.Cycle> closed = counter.closed();
            int carryUpTo = firstUnrecorded < 0 ? m : firstUnrecorded;
            while (summedCycles < closed.size() && closed.get(summedCycles).to() <= carryUpTo) {
                Rainflow.Cycle cy = closed.get(summedCycles);
                closedSum += cycleDamage(cy, weightedDepth, depthSum, meanWeight, cyclesToEol.ofClosed(summedCycles, cy));
                summedCycles++;
            }
            double damage = closedSum;
            for (int i = summedCycles; i < closed.size(); i++) {
                damage += cycleDamage(closed.get(i), weightedDepth, depthSum, meanWeight, cyclesToEol.ofClosed(i, closed.get(i)));
            }
            for (Rainflow.Cycle cy : counter.rest()) {
                damage += cycleDamage(cy, weightedDepth, depthSum, meanWeight, cyclesToEol.at(cy.range()));
            }
            return damage;
        }
    }

    /** One cycle's share of life used (Miner), 0 for a cycle of no depth. */
    private static double cycleDamage(Rainflow.Cycle cy, double[] weightedDepth, double[] depthSum, double meanWeight, double cyclesToEol) {
        if (cy.range() <= 0) {
            return 0;
        }
        double span = depthSum[cy.to()] - depthSum[cy.from()];
        double w = span > 0 ? (weightedDepth[cy.to()] - weightedDepth[cy.from()]) / span : meanWeight;
        return cy.count() * w / cyclesToEol;
    }

    /**
     * Cycles to end of life by depth (Wöhler), each computed once: depths repeat (states of charge have three
     * decimals), and a closed cycle counts in every later prefix, so its value is kept by its place in the list.
     */
    private static final class CyclesToEol {
        private static final long EMPTY = -1L; // a NaN's bits: no depth has them
        /** Open addressing by the depth's bits (as Double.equals compares): no boxing; doubles at half full. */
        private long[] depths = new long[1024];
        private double[] values = new double[1024];
        private int size;
        private double[] ofClosed = new double[64];
        private int known;
        private final double ratedLife;
        private final double ratedDod;
        private final double exponent;

        CyclesToEol(BatteryRecord.Master b, ValuationParameters.ChemistryParameters c) {
            this.ratedLife = b.ratedCycleLife();
            this.ratedDod = b.ratedCycleDod();
            this.exponent = c.woehlerExponent();
            Arrays.fill(depths, EMPTY);
        }

        double at(double depth) {
            long bits = Double.doubleToLongBits(depth);
            int mask = depths.length - 1;
            int i = Long.hashCode(bits * 0x9E3779B97F4A7C15L) & mask;
            while (depths[i] != EMPTY) {
                if (depths[i] == bits) {
                    return values[i];
                }
                i = (i + 1) & mask;
            }
            double v = ValuationEngine.woehlerCycles(depth, ratedLife, ratedDod, exponent);
            if (2 * (size + 1) > depths.length) {
                grow();
                return at(depth);
            }
            depths[i] = bits;
            values[i] = v;
            size++;
            return v;
        }

        private void grow() {
            long[] oldDepths = depths;
            double[] oldValues = values;
            depths = new long[2 * oldDepths.length];
            values = new double[2 * oldValues.length];
            Arrays.fill(depths, EMPTY);
            size = 0;
            int mask = depths.length - 1;
            for (int j = 0; j < oldDepths.length; j++) {
                if (oldDepths[j] != EMPTY) {
                    int i = Long.hashCode(oldDepths[j] * 0x9E3779B97F4A7C15L) & mask;
                    while (depths[i] != EMPTY) {
                        i = (i + 1) & mask;
                    }
                    depths[i] = oldDepths[j];
                    values[i] = oldValues[j];
                    size++;
                }
            }
        }

        /** For the {@code i}-th closed cycle: asked in order, 0 first, each as often as prefixes count it. */
        double ofClosed(int i, Rainflow.Cycle cy) {
            if (i == known) {
                if (known == ofClosed.length) {
                    ofClosed = Arrays.copyOf(ofClosed, 2 * known);
                }
                ofClosed[known++] = at(cy.range());
            }
            return ofClosed[i];
        }
    }

    /** The rest of a prefix's wear: cycle fade, calendar time at temperature, gaps and uncertainty. */
    private static Wear of(ValuationParameters p, ValuationParameters.ChemistryParameters c, BatteryRecord.Master b,
                           List<BatteryRecord.Session> ss, int n, double recordedThroughput, double unrecordedThroughput, double damage,
                           double gap, Instant asOf) {
        double cycleFade = (1 - p.endOfLifeSoh()) * StrictMath.pow(damage, c.fadeExponent());

        // Calendar time at temperature, counted in reference years (S_cal(T)^2 per year, since fade grows as sqrt(t)).
        // Records carry temperatures only during sessions, and sessions heat the battery; at rest it sits near the
        // coolest session of the season. So each 30-day window from the first session on is counted at the lowest
        // session temperature in it (windows without sessions: the mean of the others); before it, storage.
        Instant first = n > 0 ? ss.get(0).startedAt() : null;
        Instant last = n > 0 ? ss.get(n - 1).endedAt() : null;
        Instant inUse = first == null ? asOf : first.isBefore(asOf) ? first : asOf;
        double storageYears = StrictMath.max(0, ValuationEngine.seconds(b.manufacturedAt(), inUse)) / ValuationEngine.SECONDS_PER_YEAR
                * calendarWeight(p, p.storageTempC(), c);
        double usageYears = 0;
        double usageSeconds = StrictMath.max(0, ValuationEngine.seconds(inUse, asOf));
        if (usageSeconds > 0) {
            double window = ValuationEngine.WINDOW_SECONDS;
            int windows = (int) StrictMath.ceil(usageSeconds / window);
            double[] coolest = new double[windows];
            Arrays.fill(coolest, Double.NaN);
            for (int i = 0; i < n; i++) {
                BatteryRecord.Session s = ss.get(i);
                int w = (int) StrictMath.min(windows - 1, StrictMath.max(0, ValuationEngine.seconds(inUse, s.startedAt()) / window));
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
                double span = StrictMath.min(window, usageSeconds - w * window);
                usageYears += span / ValuationEngine.SECONDS_PER_YEAR * calendarWeight(p, Double.isNaN(coolest[w]) ? fallback : coolest[w], c);
            }
        }
        double years = storageYears + usageYears;
        double calendarFade = c.calendarFadePerSqrtYear() * StrictMath.sqrt(years);

        double usageDays = first == null ? 0 : StrictMath.max(0, ValuationEngine.seconds(first, asOf)) / 86_400;
        double span = first == null ? 0 : ValuationEngine.seconds(first, last) / 86_400;
        double unrecordedShare = recordedThroughput + unrecordedThroughput == 0 ? 0
                : unrecordedThroughput / (recordedThroughput + unrecordedThroughput);
        double r = p.modelUncertainty() + 1 / StrictMath.sqrt(n + 1.0) + unrecordedShare + (span > 0 ? gap / span : 0);
        return new Wear(n, recordedThroughput, unrecordedThroughput, damage, cycleFade, years, calendarFade, usageYears,
                usageDays, gap, StrictMath.min(1, r), first, last);
    }

    private static double calendarWeight(ValuationParameters p, double tempC, ValuationParameters.ChemistryParameters c) {
        double s = ValuationEngine.calendarStress(tempC, p.calendarReferenceTempC(), c.calendarActivationEnergy());
        return s * s;
    }
}
