package org.batteryledger.core.valuation;

import org.batteryledger.core.record.Chemistry;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The results of one valuation. Fades and states of health are fractions of rated capacity; cycles are equivalent
 * full cycles (a full cycle is a discharge and a charge over the whole rated capacity). Every band is the central
 * value's fade scaled by {@code 1 ± quality.relativeUncertainty}.
 */
public record Assessment(String batteryCode, Chemistry chemistry, Instant asOf, double ratedEnergyKWh,
                         double stateOfHealth, double stateOfHealthLow, double stateOfHealthHigh,
                         double equivalentFullCycles, double unrecordedFullCycles, double cycleDamage,
                         double cycleFade, double calendarFade,
                         double remainingFullCycles, double remainingFullCyclesLow, double remainingFullCyclesHigh,
                         Double remainingYears, Status status, String statusReason, Value value, Quality quality,
                         List<NegativeEvent> negativeEvents, List<CurvePoint> fadeCurve) {

    /** Residual value: {@code amount} in {@code currency}, with the band from the state-of-health band. */
    public record Value(String currency, double usableEnergyKWh, double amount, double low, double high, String basis) {
    }

    /**
     * How much the evidence covers: sessions, the time between the first and the last, days in pauses longer than
     * the gap threshold, the share of state-of-charge movement between sessions that no session recorded, and the
     * resulting relative uncertainty of the fade.
     */
    public record Quality(int sessions, Instant firstSession, Instant lastSession, double gapDays, double unrecordedShare,
                          double relativeUncertainty) {
    }

    /** A session that harms a battery beyond normal wear (the BatteryPass "negative events"). */
    public record NegativeEvent(String type, String recordId, Instant at, double value, String description) {
    }

    /** A point of the capacity-fade curve: measured from the evidence so far, or {@code projected} ahead. */
    public record CurvePoint(double fullCycles, double stateOfHealth, double low, double high, boolean projected) {
    }

    /** Negative events a certificate lists of each type (the earliest); {@code negativeEventCounts} has them all counted. */
    public static final int LISTED_EVENTS_PER_TYPE = 3;

    /**
     * The results as the JSON tree a certificate carries: fixed decimals, so equal inputs give equal bytes. The fade
     * curve is columns ({@code fullCycles}, {@code stateOfHealth}, {@code low}, {@code high}; points from
     * {@code projectedFrom} on are projected); certificates of format 1 had a list of point objects.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stateOfHealth", round(stateOfHealth, 4));
        m.put("stateOfHealthLow", round(stateOfHealthLow, 4));
        m.put("stateOfHealthHigh", round(stateOfHealthHigh, 4));
        m.put("equivalentFullCycles", round(equivalentFullCycles, 2));
        m.put("unrecordedFullCycles", round(unrecordedFullCycles, 2));
        m.put("cycleDamage", round(cycleDamage, 6));
        m.put("cycleFade", round(cycleFade, 4));
        m.put("calendarFade", round(calendarFade, 4));
        m.put("remainingFullCycles", round(remainingFullCycles, 0));
        m.put("remainingFullCyclesLow", round(remainingFullCyclesLow, 0));
        m.put("remainingFullCyclesHigh", round(remainingFullCyclesHigh, 0));
        m.put("remainingYears", remainingYears == null ? null : round(remainingYears, 1));
        m.put("status", status.wire());
        m.put("statusReason", statusReason);
        m.put("ratedEnergyKWh", round(ratedEnergyKWh, 3));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("currency", value.currency());
        v.put("usableEnergyKWh", round(value.usableEnergyKWh(), 3));
        v.put("amount", round(value.amount(), 2));
        v.put("low", round(value.low(), 2));
        v.put("high", round(value.high(), 2));
        v.put("basis", value.basis());
        m.put("residualValue", v);
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("sessions", quality.sessions());
        q.put("firstSession", quality.firstSession() == null ? null : quality.firstSession().toString());
        q.put("lastSession", quality.lastSession() == null ? null : quality.lastSession().toString());
        q.put("gapDays", round(quality.gapDays(), 1));
        q.put("unrecordedShare", round(quality.unrecordedShare(), 4));
        q.put("relativeUncertainty", round(quality.relativeUncertainty(), 4));
        m.put("evidenceQuality", q);
        // A certificate stays small whatever the session count: the first few events of each type, and how many there were.
        List<Object> events = new ArrayList<>();
        Map<String, Object> eventCounts = new TreeMap<>();
        for (NegativeEvent e : negativeEvents) {
            int seen = ((Integer) eventCounts.getOrDefault(e.type(), 0)) + 1;
            eventCounts.put(e.type(), seen);
            if (seen > LISTED_EVENTS_PER_TYPE) {
                continue;
            }
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("type", e.type());
            em.put("recordId", e.recordId());
            em.put("at", e.at().toString());
            em.put("value", round(e.value(), 3));
            em.put("description", e.description());
            events.add(em);
        }
        m.put("negativeEvents", events);
        m.put("negativeEventCounts", eventCounts);
        // The curve as columns: the same figures at a third of the bytes of one object per point.
        Map<String, Object> curve = new LinkedHashMap<>();
        curve.put("fullCycles", fadeCurve.stream().map(p -> round(p.fullCycles(), 1)).toList());
        curve.put("stateOfHealth", fadeCurve.stream().map(p -> round(p.stateOfHealth(), 4)).toList());
        curve.put("low", fadeCurve.stream().map(p -> round(p.low(), 4)).toList());
        curve.put("high", fadeCurve.stream().map(p -> round(p.high(), 4)).toList());
        int projectedFrom = 0;
        while (projectedFrom < fadeCurve.size() && !fadeCurve.get(projectedFrom).projected()) {
            projectedFrom++;
        }
        curve.put("projectedFrom", projectedFrom);
        m.put("fadeCurve", curve);
        return m;
    }

    /**
     * {@code x}'s decimal form ({@link Double#toString}, as {@link BigDecimal#valueOf(double)} reads it) rounded half
     * to even at {@code places} decimals: what certificates have always carried. A certificate holds about 70 such
     * numbers, and the decimal form is the slow part, so where {@code x · 10^places} is clearly not near a tie the
     * rounding is done on the double: both the decimal form and that product are within a few units in the last place
     * of the exact value, far less than the margin, so they round to the same integer. Near a tie, the decimal form
     * decides, as before.
     */
    static BigDecimal round(double x, int places) {
        if (places >= 0 && places < POWERS_OF_TEN.length && Double.isFinite(x)) {
            double scaled = x * POWERS_OF_TEN[places];
            double fraction = Math.abs(scaled - Math.floor(scaled) - 0.5);
            if (Math.abs(scaled) < 0x1p50 && fraction > 0x1p-40 * Math.max(1, Math.abs(scaled))) {
                return BigDecimal.valueOf((long) Math.rint(scaled), places);
            }
        }
        return BigDecimal.valueOf(x).setScale(places, RoundingMode.HALF_EVEN);
    }

    private static final double[] POWERS_OF_TEN = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
}
