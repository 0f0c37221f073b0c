package org.batteryledger.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8785 (JSON Canonicalization Scheme): its examples and its number table (Appendix B). */
class JcsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0000000000000000, 0",
            "8000000000000000, 0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992",
            "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000",
            "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2",
    })
    void appendixBNumbers(String bits, String expected) {
        assertEquals(expected, Jcs.number(Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16))));
    }

    /** Powers of two, where the gap below is half the gap above (checked against V8 and Python's repr). */
    @ParameterizedTest(name = "2^{0} -> {1}")
    @CsvSource({
            "-1017, 7.120236347223045e-307",
            "-1007, 7.291122019556398e-304",
            "-957, 8.209073602596753e-289",
            "-904, 7.394076163542342e-273",
            "-1074, 5e-324",
            "-1022, 2.2250738585072014e-308",
            "53, 9007199254740992",
            "70, 1.1805916207174113e+21",
            "-20, 9.5367431640625e-7",
    })
    void powersOfTwoTakeTheShortestDigitsOnEitherSide(int exponent, String expected) {
        assertEquals(expected, Jcs.number(Math.scalb(1.0, exponent)));
    }

    @Test
    void nanAndInfinityAreNotNumbers() {
        for (long bits : new long[] {0x7fffffffffffffffL, 0x7ff0000000000000L, 0xfff0000000000000L}) {
            assertThrows(JsonException.class, () -> Jcs.number(Double.longBitsToDouble(bits)));
        }
        assertTrue(assertThrows(JsonException.class, () -> Jcs.canonicalBytes("[1e400]")).getMessage().contains("out of range"));
    }

    /** RFC 8785 §3.2.2. */
    @Test
    void theRfcExampleCanonicalizes() {
        String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertEquals(expected, Jcs.canonicalize(Json.parse(input)));
    }

    /** RFC 8785 §3.2.3: sorting by UTF-16 code units, not code points. */
    @Test
    void keysSortByUtf16CodeUnits() {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        String canonical = Jcs.canonicalize(Json.parse(input));
        String[] order = {"\\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"};
        int last = -1;
        for (String k : order) {
            int at = canonical.indexOf("\"" + k + "\"");
            assertTrue(at > last, k + " out of order in " + canonical);
            last = at;
        }
    }

    @Test
    void javaNumbersAndBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("long", Long.MAX_VALUE);
        m.put("int", 7);
        m.put("big", new BigInteger("123456789012345678901234567890"));
        m.put("double", 0.1);
        m.put("exact", new BigDecimal("12345678901234567"));
        assertEquals("{\"big\":1.2345678901234568e+29,\"double\":0.1,\"exact\":12345678901234568,\"int\":7,"
                + "\"long\":9223372036854776000}", Jcs.canonicalize(m));
        assertArrayEquals("{\"a\":\"\u20ac\u007f\\u001f\"}".getBytes(StandardCharsets.UTF_8),
                Jcs.canonicalBytes("{ \"a\" : \"\\u20ac\\u007F\\u001F\" }"));
        assertTrue(assertThrows(JsonException.class, () -> Jcs.canonicalize(List.of(new BigInteger("1" + "0".repeat(400)))))
                .getMessage().contains("number out of range"));
    }

    @Test
    void canonicalizationIsIdempotentAndIgnoresLayout() {
        String a = "{ \"b\" : [1.0, 2e0, {\"z\":null,\"a\":\"\\u00e9\"}], \"a\": -0 }";
        String once = Jcs.canonicalize(Json.parse(a));
        assertEquals("{\"a\":0,\"b\":[1,2,{\"a\":\"\u00e9\",\"z\":null}]}", once);
        assertEquals(once, Jcs.canonicalize(Json.parse(once)));
    }

    /** Seeded: every printed double reads back as itself, never with more digits than Java's own. */
    @Test
    void numbersRoundTrip() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            String s = Jcs.number(d);
            assertEquals(d == 0 ? 0.0 : d, Double.parseDouble(s), s);
            assertTrue(significantDigits(s) <= significantDigits(Double.toString(d)), s + " vs " + d);
            assertNoShorterDigitsReadBack(d, s);
        }
        for (int e = -1074; e <= 1023; e++) {
            double d = Math.scalb(1.0, e);
            String s = Jcs.number(d);
            assertEquals(d, Double.parseDouble(s), s);
            assertNoShorterDigitsReadBack(d, s);
        }
    }

    /** Neither neighbour of d with one digit fewer than s reads back as d. */
    private static void assertNoShorterDigitsReadBack(double d, String s) {
        int k = significantDigits(s);
        if (d == 0 || k == 1) {
            return;
        }
        BigDecimal exact = new BigDecimal(Math.abs(d));
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.DOWN, RoundingMode.UP}) {
            BigDecimal shorter = exact.round(new MathContext(k - 1, mode));
            assertTrue(shorter.doubleValue() != Math.abs(d), s + " but " + shorter + " reads back too");
        }
    }

    private static int significantDigits(String s) {
        String mantissa = s.toLowerCase().split("e")[0].replace("-", "").replace(".", "");
        return mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "").length();
    }

    /** The short cut for decimals of up to 15 digits gives what the search over the double gives (seeded). */
    @Test
    void decimalsOfUpTo15DigitsAreTheirOwnShortestForm() {
        Random r = new Random(8785);
        for (int i = 0; i < 200_000; i++) {
            int digits = 1 + r.nextInt(17);
            BigInteger unscaled = new BigInteger(64, r).mod(BigInteger.TEN.pow(digits));
            int scale = i % 10 == 0 ? r.nextInt(640) - 320 : r.nextInt(40) - 20;
            BigDecimal d = new BigDecimal(r.nextBoolean() ? unscaled : unscaled.negate(), scale);
            if (Double.isInfinite(d.doubleValue())) {
                continue;
            }
            assertEquals(Jcs.shortest(d.doubleValue()), Jcs.number(d), d.toString());
            assertEquals(Jcs.shortest(d.doubleValue()), Jcs.number(d.doubleValue()), d.toString());
        }
    }

    /** Integers below 2^53 print as their digits, which is what the search finds; from 2^53 on the search runs. */
    @Test
    void integersBelowTwoToThe53AreTheirOwnShortestForm() {
        Random r = new Random(53);
        List<Double> cases = new java.util.ArrayList<>(List.of(1.0, -1.0, 10.0, 1e15, 1e16 - 2, 9007199254740991.0, -9007199254740991.0,
                9007199254740992.0, 9007199254740994.0, 1e20, 1e21, 123456789012345678.0));
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextLong() >> (11 + r.nextInt(53));
            cases.add((double) (v * (long) Math.pow(10, r.nextInt(3))));
        }
        for (double d : cases) {
            if (d != 0) {
                assertEquals(Jcs.shortest(d), Jcs.number(d), Double.toString(d));
            }
        }
        assertEquals("9007199254740991", Jcs.number(9007199254740991.0));
        assertEquals("1e+21", Jcs.number(1e21));
    }

    /** Any double: Java's digits when they are 15 or fewer, else the search; the same either way. */
    @Test
    void doublesOfAnyBitsPrintAsTheSearchFindsThem() {
        Random r = new Random(754);
        for (int i = 0; i < 100_000; i++) {
            double d = switch (i % 3) {
                case 0 -> Double.longBitsToDouble(r.nextLong());
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
                default -> Math.round(r.nextDouble() * 1e6) / Math.pow(10, r.nextInt(10)); // a few decimals, as parameters have
            };
            if (Double.isFinite(d) && d != 0) {
                assertEquals(Jcs.shortest(d), Jcs.number(d), Double.toString(d));
            }
        }
    }
}
