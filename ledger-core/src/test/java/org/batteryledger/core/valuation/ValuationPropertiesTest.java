package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties over seeded random histories (seed = run number, so a failure names the history that broke it): more
 * use never raises the state of health, and neither does heat, a faster charge or a later valuation.
 */
class ValuationPropertiesTest {
    private static final int RUNS = 300;
    private static final ValuationEngine ENGINE = new ValuationEngine(ValuationParameters.defaults());
    private static final Chemistry[] CHEMISTRIES = Chemistry.values();

    private record Case(BatteryRecord.Master battery, List<BatteryRecord.Session> sessions, Instant asOf) {
        double soh() {
            return ENGINE.assess(new Evidence(battery, sessions), asOf).stateOfHealth();
        }

        Case map(UnaryOperator<BatteryRecord.Session> f) {
            return new Case(battery, sessions.stream().map(f).toList(), asOf);
        }
    }

    /** Sessions keep the state of charge within 0.2 .. 0.8, so depths can be scaled by up to 1.25 around 0.5. */
    private static Case randomCase(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Chemistry chemistry = CHEMISTRIES[rng.nextInt(CHEMISTRIES.length)];
        BatteryRecord.Master battery = Histories.battery(chemistry, 1000 + rng.nextInt(5000), rng.nextBoolean() ? 1.0 : 0.8);
        Histories.Builder h = new Histories.Builder(Histories.MANUFACTURED.plus(Duration.ofDays(rng.nextInt(200))), 0.5);
        int n = rng.nextInt(400);
        double climate = -5 + 40 * rng.nextDouble();
        for (int i = 0; i < n; i++) {
            if (rng.nextInt(20) == 0) {
                h.unrecorded(0.2 + 0.6 * rng.nextDouble());
            }
            h.session(0.2 + 0.6 * rng.nextDouble(), 0.2 + 6 * rng.nextDouble(), climate + 15 * rng.nextDouble(), 48 * rng.nextDouble());
        }
        return new Case(battery, h.sessions(), h.now().plus(Duration.ofDays(rng.nextInt(400))));
    }

    private static void assertNotHigher(double before, double after, long seed, String what) {
        assertTrue(after <= before + 1e-12, "seed " + seed + ": " + what + " raised the state of health from " + before + " to " + after);
    }

    private static BatteryRecord.Session withSoc(BatteryRecord.Session s, double start, double end) {
        return new BatteryRecord.Session(s.recordId(), s.batteryCode(), s.operator(), s.startedAt(), s.endedAt(), start, end,
                s.energyKWh(), s.avgTempC(), s.maxTempC());
    }

    private static BatteryRecord.Session withTemp(BatteryRecord.Session s, double delta) {
        return new BatteryRecord.Session(s.recordId(), s.batteryCode(), s.operator(), s.startedAt(), s.endedAt(), s.socStart(),
                s.socEnd(), s.energyKWh(), s.avgTempC() + delta, s.maxTempC() + delta);
    }

    @Test
    void deeperCyclesNeverRaiseStateOfHealth() {
        for (long seed = 0; seed < RUNS; seed++) {
            Case c = randomCase(seed);
            double f = 1 + 0.25 * new SplittableRandom(~seed).nextDouble();
            Case deeper = c.map(s -> withSoc(s, 0.5 + f * (s.socStart() - 0.5), 0.5 + f * (s.socEnd() - 0.5)));
            assertNotHigher(c.soh(), deeper.soh(), seed, "scaling every depth by " + f);
        }
    }

    @Test
    void moreSessionsNeverRaiseStateOfHealth() {
        for (long seed = 0; seed < RUNS; seed++) {
            Case c = randomCase(seed);
            if (c.sessions().isEmpty()) {
                continue;
            }
            double hottest = c.sessions().stream().mapToDouble(BatteryRecord.Session::avgTempC).max().orElseThrow();
            SplittableRandom rng = new SplittableRandom(~seed);
            BatteryRecord.Session last = c.sessions().get(c.sessions().size() - 1);
            List<BatteryRecord.Session> more = new ArrayList<>(c.sessions());
            Instant t = last.endedAt();
            double soc = last.socEnd();
            for (int i = 0; i < 1 + rng.nextInt(30) && t.isBefore(c.asOf()); i++) {
                double to = 0.2 + 0.6 * rng.nextDouble();
                Instant end = t.plus(Duration.ofMinutes(10 + rng.nextInt(200)));
                if (end.isAfter(c.asOf())) {
                    break;
                }
                // At the hottest temperature seen: the added sessions bring use, not news of a cooler climate (a cooler
                // session is evidence that the battery rests cooler, and rightly lowers the calendar ageing).
                more.add(new BatteryRecord.Session("Z-" + i, last.batteryCode(), "op", t, end, soc, to, 1, hottest, hottest + 2));
                soc = to;
                t = end.plus(Duration.ofMinutes(rng.nextInt(600)));
            }
            assertNotHigher(c.soh(), new Case(c.battery(), more, c.asOf()).soh(), seed, "adding " + (more.size() - c.sessions().size()) + " sessions");
        }
    }

    @Test
    void heatNeverRaisesStateOfHealth() {
        for (long seed = 0; seed < RUNS; seed++) {
            Case c = randomCase(seed);
            SplittableRandom rng = new SplittableRandom(~seed);
            double delta = 0.5 + 10 * rng.nextDouble();
            assertNotHigher(c.soh(), c.map(s -> withTemp(s, delta)).soh(), seed, "every session " + delta + " K hotter");
            if (!c.sessions().isEmpty()) {
                String one = c.sessions().get(rng.nextInt(c.sessions().size())).recordId();
                assertNotHigher(c.soh(), c.map(s -> s.recordId().equals(one) ? withTemp(s, delta) : s).soh(), seed, one + " " + delta + " K hotter");
            }
        }
    }

    @Test
    void fasterSessionsNeverRaiseStateOfHealth() {
        for (long seed = 0; seed < RUNS; seed++) {
            Case c = randomCase(seed);
            double share = 0.2 + 0.8 * new SplittableRandom(~seed).nextDouble();
            // Same start, same state of charge, done in a share of the time.
            Case faster = c.map(s -> new BatteryRecord.Session(s.recordId(), s.batteryCode(), s.operator(), s.startedAt(),
                    s.startedAt().plusSeconds((long) (Duration.between(s.startedAt(), s.endedAt()).toSeconds() * share)),
                    s.socStart(), s.socEnd(), s.energyKWh(), s.avgTempC(), s.maxTempC()));
            assertNotHigher(c.soh(), faster.soh(), seed, "sessions in " + share + " of the time");
        }
    }

    @Test
    void timeNeverRaisesStateOfHealth() {
        for (long seed = 0; seed < RUNS; seed++) {
            Case c = randomCase(seed);
            Case later = new Case(c.battery(), c.sessions(), c.asOf().plus(Duration.ofDays(1 + new SplittableRandom(~seed).nextInt(2000))));
            assertNotHigher(c.soh(), later.soh(), seed, "a later valuation");
        }
    }

    /** Bands hold their central value and uncertainty never makes a battery look better than its central estimate. */
    @Test
    void bandsContainTheCentralValue() {
        for (long seed = 0; seed < RUNS; seed++) {
            Case c = randomCase(seed);
            Assessment a = ENGINE.assess(new Evidence(c.battery(), c.sessions()), c.asOf());
            assertTrue(a.stateOfHealthLow() <= a.stateOfHealth() && a.stateOfHealth() <= a.stateOfHealthHigh(), "seed " + seed);
            assertTrue(a.remainingFullCyclesLow() <= a.remainingFullCycles() && a.remainingFullCycles() <= a.remainingFullCyclesHigh(), "seed " + seed);
            assertTrue(a.value().low() <= a.value().amount() + 1e-9 && a.value().amount() <= a.value().high() + 1e-9, "seed " + seed);
        }
    }
}
