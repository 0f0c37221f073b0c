package org.batteryledger.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

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

    @Test
    void nanAndInfinityAreNotNumbers() {
        assertThrows(JsonException.class, () -> Jcs.number(Double.NaN));
        assertThrows(JsonException.class, () -> Jcs.number(Double.POSITIVE_INFINITY));
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
        }
    }

    private static int significantDigits(String s) {
        String mantissa = s.toLowerCase().split("e")[0].replace("-", "").replace(".", "");
        return mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "").length();
    }
}
