package org.batteryledger.web.api;

import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.valuation.CannotValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CONTRACT.md: problem+json with a specific detail, and no answer carries a stack trace or an exception's class. Each
 * mapped case's document is checked against a pattern of Java names of this test's own.
 */
class ProblemDetailTest {
    /** A qualified class name, an exception's or error's simple name, a stack frame, a server message code. */
    private static final Pattern JAVA_NAME = Pattern.compile("[a-z]\\w*(\\.\\w+)*\\.[A-Z]\\w*|\\w+Exception\\b|\\w+Error\\b|\\.java:\\d+|RESTEASY\\d+");
    private static final Pattern REFERENCE = Pattern.compile("ref-[0-9a-f]{12}");

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    // held here: the log manager keeps loggers only weakly
    private final List<Logger> logs = List.of(Logger.getLogger(ProblemMapper.class.getName()), Logger.getLogger(Problem.class.getName()));

    @BeforeEach
    void listen() {
        logs.forEach(l -> l.addHandler(capture));
    }

    @AfterEach
    void stopListening() {
        logs.forEach(l -> l.removeHandler(capture));
    }

    /** The document the answer carries, as Problem builds it, checked for Java names. */
    private static Map<String, Object> document(ProblemText.Text t) {
        Map<String, Object> body = Problem.body(t.status(), t.title(), t.detail());
        for (String field : List.of("title", "detail")) {
            String text = (String) body.get(field);
            assertFalse(JAVA_NAME.matcher(text).find(), field + " names Java: " + text);
        }
        return body;
    }

    @Test
    void theNodesOwnAnswersKeepTheirWords() {
        Map<String, Object> bad = document(ProblemMapper.describe(new InvalidInput("limit must be 1 to 500, not 0"), "GET", "/ledger/api/batteries/X"));
        assertEquals(400, bad.get("status"));
        assertEquals("limit must be 1 to 500, not 0", bad.get("detail"));
        assertEquals(404, document(ProblemMapper.describe(new NotHeld("no member holds a battery record for B-1"), "GET", "/p")).get("status"));
        Map<String, Object> conflict = document(ProblemMapper.describe(new CannotValue("the battery record of B-1 is not anchored yet"), "POST", "/p"));
        assertEquals(409, conflict.get("status"));
        assertEquals("the battery record of B-1 is not anchored yet", conflict.get("detail"));
        assertTrue(logged.isEmpty(), "a caller's mistake is not the node's failure");
    }

    @Test
    void anAnswerThatWouldNameAClassKeepsItsHumanPartAndAReference() {
        // NodeRequests: "the CSR is refused: " + e.getMessage(), where a library's message may name its classes
        Map<String, Object> p = document(ProblemMapper.describe(new InvalidInput(
                "the CSR is refused: org.bouncycastle.pkcs.PKCSException: unable to process signature: java.lang.IllegalStateException: x"), "POST", "/p"));
        String detail = (String) p.get("detail");
        assertTrue(detail.startsWith("the CSR is refused (the node logged the details as ref-"), detail);
        String reference = find(REFERENCE, detail);
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).getMessage().contains(reference) && logged.get(0).getMessage().contains("PKCSException"), logged.get(0).getMessage());
        // nothing human before the class name: the generic words, and the reference
        String bare = (String) document(new ProblemText.Text(400, "Bad Request", "java.lang.NumberFormatException: For input string: \"x\"")).get("detail");
        assertTrue(bare.matches("the request failed \\(the node logged the details as ref-[0-9a-f]{12}\\)"), bare);
    }

    @Test
    void anUnexpectedFailureIsA500WithAReferenceLoggedWithItsStackTrace() {
        EJBException boom = new EJBException(new IllegalStateException("org.batteryledger.node.store.BlockStore broke at height 7"));
        Map<String, Object> p = document(ProblemMapper.describe(boom, "GET", "/ledger/api/chain"));
        assertEquals(500, p.get("status"));
        String detail = (String) p.get("detail");
        assertTrue(detail.startsWith("the node could not answer GET /ledger/api/chain: an unexpected failure, logged on the node as ref-"), detail);
        LogRecord r = logged.get(0);
        assertEquals(Level.SEVERE, r.getLevel());
        assertTrue(r.getMessage().contains(find(REFERENCE, detail)), r.getMessage());
        assertSame(boom, r.getThrown(), "the stack trace is in the log");
    }

    @Test
    void malformedJsonSaysWhereNeverWhichClass() {
        Map<String, Object> parse = document(ProblemMapper.describe(
                new JsonParsingException("Invalid token=EOF at (line no=1, column no=10, offset=9). Expected tokens are: [CURLYOPEN, STRING]", null),
                "POST", "/ledger/api/admin/proposals"));
        assertEquals("malformed JSON: Invalid token=EOF at (line no=1, column no=10, offset=9). Expected tokens are: [CURLYOPEN, STRING]",
                parse.get("detail"));
        Map<String, Object> bind = document(ProblemMapper.describe(new JsonbException("Unable to deserialize property 'socEnd' because of: "
                + "Cannot deserialize value of type java.lang.Double"), "POST", "/p"));
        assertEquals("the body's field 'socEnd' does not have the type this operation takes", bind.get("detail"));
        assertEquals("the body is not the JSON this operation takes", document(ProblemMapper.describe(
                new JsonbException("Can't create instance of a class: class org.batteryledger.web.api.Request, No default constructor found."),
                "POST", "/p")).get("detail"));
    }

    @Test
    void aRolesRefusalFromAnEjbIsA403() {
        Map<String, Object> p = document(ProblemMapper.describe(new EJBAccessException("WFLYEJB0364: Invocation on method: public "
                + "org.batteryledger.node.service.LedgerService.nodes() of bean: LedgerService is not allowed"), "GET", "/ledger/api/nodes"));
        assertEquals(403, p.get("status"));
        assertEquals("the user's roles do not allow GET /ledger/api/nodes", p.get("detail"));
    }

    @Test
    void whatTheRuntimeRaisesIsDescribedByTheRequest() {
        // RESTEasy's unreadable query parameter names the annotation class and the resource method
        ProblemText.Text param = ProblemText.ofServer(404, "Not Found", "RESTEASY003870: Unable to extract parameter from http request: "
                + "jakarta.ws.rs.QueryParam(\"buckets\") value is 'abc' for public java.util.Map org.batteryledger.web.api.ChainResource.participation(int)",
                new NumberFormatException("For input string: \"abc\""), "GET", "/ledger/api/nodes/participation", null, null, null);
        Map<String, Object> p = document(param);
        assertEquals(400, p.get("status"), "a malformed parameter is the caller's mistake, and the resource is there");
        assertEquals("query parameter 'buckets' has a value GET /ledger/api/nodes/participation cannot read: 'abc'", p.get("detail"));

        assertEquals("a query or path parameter of GET /ledger/api/chain/blocks has a value it cannot read (For input string: \"x\")",
                document(ProblemText.ofServer(404, "Not Found", "parameter limit: not a number", new NumberFormatException("For input string: \"x\""),
                        "GET", "/ledger/api/chain/blocks", null, null, null)).get("detail"));
        assertEquals("nothing at GET /ledger/api/bogus; GET /ledger/api/openapi lists the API", document(ProblemText.ofServer(404, "Not Found",
                "RESTEASY003210: Could not find resource for full path: http://127.0.0.1:8080/ledger/api/bogus", null, "GET", "/ledger/api/bogus",
                null, null, null)).get("detail"));
        assertEquals("DELETE is not allowed on /ledger/api/chain; allowed: GET, HEAD, OPTIONS", document(ProblemText.ofServer(405,
                "Method Not Allowed", "RESTEASY003650: No resource method found for DELETE, return 405 with Allow header", null, "DELETE",
                "/ledger/api/chain", "GET, HEAD, OPTIONS", null, null)).get("detail"));
        assertEquals("/ledger/api/records does not take a body of type text/plain", document(ProblemText.ofServer(415, "Unsupported Media Type",
                "RESTEASY003065: Cannot consume content type", null, "POST", "/ledger/api/records", null, "text/plain", null)).get("detail"));
        assertEquals("/ledger/api/chain cannot answer in a media type the Accept header asks for (image/png)", document(ProblemText.ofServer(406,
                "Not Acceptable", "RESTEASY003635: No match for accept header", null, "GET", "/ledger/api/chain", null, null, "image/png")).get("detail"));
        assertEquals("the user's roles do not allow POST /ledger/api/admin/proposals", document(ProblemText.ofServer(403, "Forbidden",
                "Access forbidden: role not allowed", null, "POST", "/ledger/api/admin/proposals", null, null, null)).get("detail"));
        // a body RESTEasy could not read as JSON: the parser's words
        assertEquals("malformed JSON: Unexpected char 125 at (line no=1, column no=2, offset=1)", document(ProblemText.ofServer(400, "Bad Request",
                "RESTEASY008200: JSON Binding deserialization error: jakarta.json.bind.JsonbException: Unexpected char 125",
                new jakarta.ws.rs.ProcessingException(new JsonParsingException("Unexpected char 125 at (line no=1, column no=2, offset=1)", null)),
                "POST", "/ledger/api/admin/proposals", null, "application/json", null)).get("detail"));
        // a status with no rule of its own: the runtime's words when they are specific and safe, else the title and request
        assertEquals("Payload Too Large for POST /ledger/api/records", document(ProblemText.ofServer(413, "Payload Too Large",
                "HTTP 413 Payload Too Large", null, "POST", "/ledger/api/records", null, null, null)).get("detail"));
        assertEquals("the body is larger than 10 MB", document(ProblemText.ofServer(413, "Payload Too Large",
                "UT000020: the body is larger than 10 MB", null, "POST", "/ledger/api/records", null, null, null)).get("detail"));
    }

    @Test
    void javaNamesAreFoundAndBatteryCodesHashesAndUrlsAreNot() {
        for (String java : List.of("java.lang.IllegalStateException: x", "failed: NumberFormatException", "at org.a.B.c(B.java:12)",
                "class org.batteryledger.web.api.AdminResource$ProposalRequest", "jakarta.ws.rs.QueryParam(\"x\")", "OutOfMemoryError")) {
            assertTrue(ProblemText.speaksJava(java), java);
        }
        for (String human : List.of("no member holds a battery record for Q7APL12345678A9B0000001", "limit must be 1 to 500, not 0",
                "batteryledger.db.url is not set", "see http://127.0.0.1:8080/ledger/api/openapi", "hash 9f86d081884c7d659a2feaa0c55ad015",
                "Error: the exception log is full", "node0.example is not a peer")) {
            assertFalse(ProblemText.speaksJava(human), human);
            assertEquals(human, Problem.safeDetail(400, human));
        }
        assertNull(ProblemText.humanPart("java.lang.IllegalStateException: x"));
    }

    private static String find(Pattern p, String text) {
        var m = p.matcher(text);
        assertTrue(m.find(), text);
        return m.group();
    }
}
