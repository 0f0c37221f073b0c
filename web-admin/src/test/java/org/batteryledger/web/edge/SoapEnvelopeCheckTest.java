package org.batteryledger.web.edge;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The envelopes the SOAP stack answered with soap:Server (issue 17, found by FuzzIT): each is named as the client's. */
class SoapEnvelopeCheckTest {
    static final String OPEN = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:l=\"urn:batteryledger:ledger:1\">";

    static String problem(String xml) {
        return SoapEnvelopeCheck.problemWith(xml.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void aWellFormedEnvelopeWithOneOperationPasses() {
        assertNull(problem(OPEN + "<s:Header/><s:Body><l:getBattery><l:batteryCode>X</l:batteryCode></l:getBattery></s:Body></s:Envelope>"));
        assertNull(problem("<?xml version=\"1.0\"?><!-- a comment -->" + OPEN + "\n <s:Body>\n<l:verifyRecord/>\n</s:Body></s:Envelope>"));
        // another SOAP version: the stack's standard VersionMismatch fault says so
        assertNull(problem("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>"));
    }

    @Test
    void everyOtherMessageIsNamed() {
        assertEquals("the envelope holds no Body", problem(OPEN + "<s:Header/></s:Envelope>"));
        assertEquals("the Body holds text, not an operation", problem(OPEN + "<s:Body>just text</s:Body></s:Envelope>"));
        assertEquals("the Body is empty: it holds no operation", problem(OPEN + "<s:Body/></s:Envelope>"));
        assertTrue(problem(OPEN + "<s:Body><l:noSuch/></s:Body></s:Envelope>").startsWith("the Body holds {urn:batteryledger:ledger:1}noSuch, not an operation"));
        assertEquals("the Body holds more than one operation", problem(OPEN + "<s:Body><l:getBattery/><l:getBattery/></s:Body></s:Envelope>"));
        assertEquals("the message is not a SOAP envelope: its root element is a", problem("<a><b/></a>"));
        assertTrue(problem(OPEN + "<s:Body></s:Envelope>").startsWith("the message is not well-formed XML (line 1, column"));
        assertTrue(problem("\u00ca\u00b6 noise").startsWith("the message is not well-formed XML"));
        assertTrue(problem("").startsWith("the message is not well-formed XML"));
        assertTrue(problem("<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + OPEN + "<s:Body>&x;</s:Body></s:Envelope>")
                .contains("document type declaration"), problem("<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + OPEN + "<s:Body>&x;</s:Body></s:Envelope>"));
        assertTrue(problem(OPEN + "<s:Body><l:getBattery><l:batteryCode>&undefined;</l:batteryCode></l:getBattery></s:Body></s:Envelope>")
                .startsWith("the message is not well-formed XML"));
    }

    @Test
    void bytesThatAreNotUtf8AreNamedWithoutTheParserPrintingToStandardError() {
        byte[] good = (OPEN + "<s:Body><l:getBattery><l:batteryCode>X</l:batteryCode></l:getBattery></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8);
        byte[] bad = good.clone();
        int at = new String(good, StandardCharsets.UTF_8).indexOf(">X<") + 1;
        bad[at] = (byte) 0xC3; // the lead byte of a two-byte sequence, followed by '<'
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals("the message is not valid UTF-8 (byte " + (at + 1) + ")", SoapEnvelopeCheck.problemWith(bad, null));
            assertEquals("the message is not valid UTF-8 (byte " + (at + 1) + ")", SoapEnvelopeCheck.problemWith(bad, "utf-8"));
        } finally {
            System.setErr(err);
        }
        assertEquals("", printed.toString(StandardCharsets.UTF_8), "nothing on standard error, which the server logs as an error");
        assertNull(SoapEnvelopeCheck.utf8Problem(good, null));
        // other encodings are the parser's to read
        assertNull(SoapEnvelopeCheck.utf8Problem(bad, "ISO-8859-1"));
        assertNull(SoapEnvelopeCheck.utf8Problem(("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + OPEN).getBytes(StandardCharsets.ISO_8859_1), null));
        byte[] bom = new byte[good.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(good, 0, bom, 3, good.length);
        assertNull(SoapEnvelopeCheck.utf8Problem(bom, null), "a UTF-8 byte order mark is skipped");
    }

    @Test
    void aSoapActionNamesTheBodysOperationOrNone() {
        byte[] bytes = (OPEN + "<s:Body><l:getBattery/></s:Body></s:Envelope>").getBytes(StandardCharsets.UTF_8);
        String body = SoapEnvelopeCheck.read(bytes, null).operation();
        assertNull(SoapEnvelopeCheck.actionProblem(null, body));
        assertNull(SoapEnvelopeCheck.actionProblem("\"\"", body));
        assertNull(SoapEnvelopeCheck.actionProblem("\"urn:batteryledger:ledger:1:getBattery\"", body));
        assertEquals("the SOAPAction header 'nonsense' does not name the Body's operation getBattery (its action is urn:batteryledger:ledger:1:getBattery)",
                SoapEnvelopeCheck.actionProblem("nonsense", body));
        assertTrue(SoapEnvelopeCheck.actionProblem("\"urn:batteryledger:ledger:1:verifyRecord\"", body).startsWith("the SOAPAction header"));
    }
}
