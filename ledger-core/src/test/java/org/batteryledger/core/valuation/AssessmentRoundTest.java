package org.batteryledger.core.valuation;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Certificates' rounding done on the double where it is safe: the same BigDecimal, scale included, as the decimal form. */
class AssessmentRoundTest {
    private static BigDecimal byDecimalForm(double x, int places) {
        return BigDecimal.valueOf(x).setScale(places, RoundingMode.HALF_EVEN);
    }

    @Test
    void theSameAsRoundingTheDecimalFormForSeededValuesTiesAndNearTies() {
        SplittableRandom rng = new SplittableRandom(8785);
        for (int i = 0; i < 1_000_000; i++) {
            int places = rng.nextInt(7);
            double x = switch (i % 4) {
                case 0 -> rng.nextDouble(); // shares, states of health
                case 1 -> (rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(12)); // money, cycles, any sign
                case 2 -> (rng.nextInt(2_000_000) + 0.5) / Math.pow(10, places); // ties in decimal
                default -> Math.nextAfter((rng.nextInt(2_000_000) + 0.5) / Math.pow(10, places), rng.nextBoolean() ? 1 : -1); // a step off
            };
            assertEquals(byDecimalForm(x, places), Assessment.round(x, places), x + " at " + places + " places");
        }
        for (double x : new double[] {0, -0.0, 0.00005, -0.00005, 0.125, 2.5, -2.5, 1e15, 1e16 + 0.5, Double.MIN_VALUE, -1e-300, 1e300}) {
            for (int places = 0; places <= 4; places++) {
                assertEquals(byDecimalForm(x, places), Assessment.round(x, places), x + " at " + places + " places");
            }
        }
    }

    @Test
    void notANumberIsRefusedAsBefore() {
        assertThrows(NumberFormatException.class, () -> Assessment.round(Double.NaN, 4));
        assertThrows(NumberFormatException.class, () -> Assessment.round(Double.POSITIVE_INFINITY, 4));
    }
}
