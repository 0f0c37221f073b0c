package org.batteryledger.partners;

/**
 * How one battery of the fleet is used, drawn from the fleet's seed. It shapes the battery's sessions (depth of
 * discharge, frequency, charge rate, temperature) but is not part of any record: the ledger has to infer wear from the
 * sessions, and tests can use the profile as the ground truth (a heavy/hot/fast-charged battery should be valued below
 * a light/cool one).
 *
 * @param intensity       daily use class
 * @param dailyKm         mean distance a day of the vehicle the battery serves
 * @param climate         climate class
 * @param meanAmbientC    mean ambient temperature over the year, °C
 * @param fastChargeShare share of charge sessions that are DC fast charges, 0..1
 */
public record UsageProfile(Intensity intensity, double dailyKm, Climate climate, double meanAmbientC, double fastChargeShare) {

    public enum Intensity {
        LIGHT, MEDIUM, HEAVY
    }

    public enum Climate {
        COOL, TEMPERATE, HOT
    }

    /**
     * A rough stress score in 0..3 (intensity rank + climate rank, both 0..1, plus the fast-charge share): higher means
     * harder use. Only a convenience for ranking in tests; the valuation must not see it.
     */
    public double stress() {
        return intensity.ordinal() / 2.0 + climate.ordinal() / 2.0 + fastChargeShare;
    }
}
