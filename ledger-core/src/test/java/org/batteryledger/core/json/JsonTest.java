package org.batteryledger.core.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
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
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("  ")).getMessage().contains("the input is empty"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("[\"a\tb\"]")).getMessage().contains("control character U+0009"));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("\n\n  [1,}")).getMessage().startsWith("at line 3, column 6"));
        Json.parse("[".repeat(64) + "]".repeat(64));
        assertTrue(assertThrows(JsonException.class, () -> Json.parse("[".repeat(65) + "]".repeat(65))).getMessage().contains("deeper than 64"));
    }
}
