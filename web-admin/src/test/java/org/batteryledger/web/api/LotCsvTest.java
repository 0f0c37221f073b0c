package org.batteryledger.web.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LotCsvTest {
    @Test
    void cellsAreQuotedAsRfc4180Says() {
        assertEquals("plain", LotCsv.text("plain"));
        assertEquals("\"a, b\"", LotCsv.text("a, b"));
        assertEquals("\"say \"\"no\"\"\"", LotCsv.text("say \"no\""));
        assertEquals("\"two\nlines\"", LotCsv.text("two\nlines"));
        assertEquals("", LotCsv.text(null));
    }

    @Test
    void aCellASpreadsheetWouldRunIsDefused() {
        assertEquals("\"'=HYPERLINK(\"\"x\"\")\"", LotCsv.text("=HYPERLINK(\"x\")"));
        assertEquals("'+1", LotCsv.text("+1"));
        assertEquals("'-ABC", LotCsv.text("-ABC"));
        assertEquals("'@SUM(A1)", LotCsv.text("@SUM(A1)"));
    }
}
