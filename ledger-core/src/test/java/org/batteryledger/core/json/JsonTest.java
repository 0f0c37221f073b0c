package org.batteryledger.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 8259, strictly: what records may be made of, and a specific error with its position for everything else. */
class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.50, 3e2, true, false, null], \"b\": {\"c\": \"d\\n\\u00e9\\ud83d\\ude00\"}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        List<?> a = (List<?>) m.get("a");
        assertEquals(new BigDecimal("-2.50"), a.get(1));
        assertEquals(new BigDecimal("3e2"), a.get(2));
        assertEquals(Boolean.TRUE, a.get(3));
        assertSame(Json.NULL, a.get(5));
        assertEquals("d\n\u00e9\ud83d\ude00", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals("{\"a\":[1,-2.5,300,true,false,null],\"b\":{\"c\":\"d\\n\u00e9\ud83d\ude00\"}}", Json.write(v));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\":1,\"a\":2}|at line 1, column 8: duplicate key \"a\"",
            "[1,2,]|at line 1, column 6: trailing comma in an array",
            "{\"a\":1,}|at line 1, column 8: trailing comma in an object",
            "[1] x|at line 1, column 5: unexpected 'x' after the JSON value",
            "[01]|at line 1, column 3: a number may not have a leading zero",
            "[NaN]|at line 1, column 2: unexpected 'N', expected a value",
            "[\"\\ud800\"]|high surrogate \\ud800 not followed by a low surrogate",
            "[\"\\udc00\"]|lone low surrogate \\udc00",
            "[\"a\\x\"]|invalid escape '\\x'",
            "\"abc|unterminated string",
            "{'a':1}|expected a string key",
            "[1 2]|expected ',' or ']' in an array",
            "{\"a\" 1}|expected ':' after an object key",
            "[1.]|expected a digit after the decimal point",
            "[-]|expected a digit",
            "[tru]|unexpected 't', expected a value",
    })
    void malformedInputIsNamed(String input, String expected) {
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(input));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().startsWith("at line "), e.getMessage());
    }

    @Test
    void emptyInputControlCharactersAndDepthAreRefused() {
        assertEquals("at line 1, column 1: no JSON value (the input is empty)",
                assertThrows(JsonException.class, () -> Json.parse("")).getMessage());
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("  ")).getMessage().contains("the input is empty"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("[1] // note")).getMessage().contains("unexpected '/'"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("-Infinity")).getMessage().contains("expected a digit"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("[\"\ud800x\"]")).getMessage().contains("lone surrogate"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("\f1")).getMessage().contains("unexpected"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("[\"a\tb\"]")).getMessage().contains("control character U+0009"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("\n\n  [1,}")).getMessage().startsWith("at line 3, column 6"));
        Json.parse("[".repeat(64) + "]".repeat(64));
        assertEquals("at line 1, column 65: nested deeper than 64 levels",
                assertThrows(JsonException.class, () -> Json.parse("[".repeat(65) + "]".repeat(65))).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"z\":1,\"a\":[true,false,null,\"\\u0000\\t\\\"/\"],\"m\":{}}",
            "[0,-1,12345678901234567890123,1.5,-0.001,1e-7,1e+21,[]]",
            "\"\u20ac\ud83d\ude00\\u001f\u007f\"",
    })
    void compactDocumentsRoundTrip(String doc) {
        assertEquals(doc, Json.write(Json.parse(doc)));
    }

    @Test
    void writeKeepsIntegersAndNormalizesTheRest() {
        assertEquals("[300,100000000000000000000,12300000000000000000000,1e+21,1.5,1E+400,-1E-400,0,0.1]",
                Json.write(Json.parse("[3e2, 1.00e20, 123e20, 1E21, 1.50, 1e400, -1e-400, -0.0, 1E-1]")));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", Long.MIN_VALUE);
        m.put("a", Arrays.asList(1, 2.5, new BigInteger("99999999999999999999"), null, Json.NULL, 1e21));
        assertEquals("{\"b\":-9223372036854775808,\"a\":[1,2.5,99999999999999999999,null,null,1e+21]}", Json.write(m));
        assertThrows(JsonException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(JsonException.class, () -> Json.write(Map.of(1, "x")));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
    }
}
