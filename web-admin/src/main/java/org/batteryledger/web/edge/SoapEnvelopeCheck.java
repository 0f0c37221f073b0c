package org.batteryledger.web.edge;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A SOAP request is checked before the SOAP stack reads it: a well-formed SOAP 1.1 envelope (no DTD: SOAP 1.1 §3
 * forbids one), with a Body that holds exactly one element, an operation of the WSDL. Anything else is the client's
 * mistake and gets a {@code soap:Client} fault naming it; the SOAP stack answered most of these as {@code soap:Server}
 * ("Couldn't parse stream", "Fault occurred while processing"). An envelope in another SOAP version's namespace passes
 * to the stack, which answers the standard {@code VersionMismatch}. The body is read once into memory (at most
 * {@link #MAX_BYTES}, above the server's 10 MB request limit) and handed on as read.
 */
public class SoapEnvelopeCheck extends HttpFilter {
    static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String LEDGER = "urn:batteryledger:ledger:1";
    static final Set<String> OPERATIONS = Set.of("submitRecords", "verifyRecord", "getBattery", "issueValuation", "verifyValuation");
    static final int MAX_BYTES = 16 * 1024 * 1024;
    private static final XMLInputFactory XML = secureFactory();

    private static XMLInputFactory secureFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        return f;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain) throws IOException, ServletException {
        if (!"POST".equals(req.getMethod())) {
            String wsdl = req.getParameter("wsdl");
            if (wsdl != null && !wsdl.isEmpty()) {
                // the stack answered a WSDL name it does not have with soap:Server; the service has one WSDL, at ?wsdl
                resp.setStatus(404);
                resp.setContentType("application/problem+json;charset=UTF-8");
                resp.getOutputStream().write(org.batteryledger.core.json.Json.write(org.batteryledger.web.api.Problem.body(404, "Not Found",
                        "this service has one WSDL, at ?wsdl; there is none named " + (wsdl.length() > 100 ? wsdl.substring(0, 100) + "..." : wsdl)))
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            chain.doFilter(req, resp);
            return;
        }
        byte[] body = req.getInputStream().readNBytes(MAX_BYTES + 1);
        String problem;
        if (body.length > MAX_BYTES) {
            problem = "the message is larger than " + MAX_BYTES + " bytes";
        } else {
            Reading reading = read(body, req.getCharacterEncoding());
            problem = reading.problem() != null ? reading.problem() : actionProblem(req.getHeader("SOAPAction"), reading.operation());
        }
        if (problem != null) {
            resp.setStatus(500); // SOAP 1.1 §6.2: a fault travels with 500, its code says whose mistake it was
            resp.setContentType("text/xml;charset=UTF-8");
            resp.getOutputStream().write(EdgeAnswer.clientFaultXml(problem).getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(new Replay(req, body), resp);
    }

    /**
     * A SOAPAction header that names no operation, or another one than the Body's (the stack answered both as
     * {@code soap:Server}); null when it is absent, empty, or the Body's operation's action.
     */
    static String actionProblem(String header, String operation) {
        if (header == null) {
            return null;
        }
        String action = header.strip();
        if (action.length() >= 2 && action.startsWith("\"") && action.endsWith("\"")) {
            action = action.substring(1, action.length() - 1);
        }
        if (action.isEmpty()) {
            return null;
        }
        if (operation == null) {
            return null; // not a SOAP 1.1 envelope: the stack's VersionMismatch
        }
        if (!action.equals(LEDGER + ":" + operation)) {
            String shown = action.length() > 100 ? action.substring(0, 100) + "..." : action;
            return "the SOAPAction header '" + shown + "' does not name the Body's operation " + operation + " (its action is " + LEDGER + ":"
                    + operation + ")";
        }
        return null;
    }

    /** What is wrong with the message, or null when it is an envelope the SOAP stack should read. */
    static String problemWith(byte[] body, String charset) {
        return read(body, charset).problem();
    }

    /** One reading of a message: what is wrong with it, or (when nothing is) the Body's operation, null for another SOAP version. */
    record Reading(String problem, String operation) {
    }

    static Reading read(byte[] body, String charset) {
        String notUtf8 = utf8Problem(body, charset);
        if (notUtf8 != null) {
            return new Reading(notUtf8, null);
        }
        try {
            XMLStreamReader r = charset == null ? XML.createXMLStreamReader(new ByteArrayInputStream(body))
                    : XML.createXMLStreamReader(new ByteArrayInputStream(body), charset);
            try {
                String[] operation = new String[1];
                String problem = envelope(r, operation);
                return new Reading(problem, problem == null ? operation[0] : null);
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            return new Reading(e.getLocation() == null ? "the message is not well-formed XML"
                    : "the message is not well-formed XML (line " + e.getLocation().getLineNumber() + ", column " + e.getLocation().getColumnNumber() + ")", null);
        } catch (RuntimeException e) {
            return new Reading("the message is not well-formed XML", null);
        }
    }

    /** An XML declaration's encoding, in the first bytes of a message. */
    private static final java.util.regex.Pattern DECLARED = java.util.regex.Pattern.compile("^<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");

    /**
     * Bytes that are not UTF-8 where UTF-8 is the message's encoding (the HTTP charset, else a byte order mark, else the
     * XML declaration, else UTF-8), named with the first bad byte's position; null otherwise, and for other encodings,
     * which the parser reads. Checked here because the JDK's parser, meeting such bytes, also printed "[Fatal Error]"
     * to standard error, which the server logs as an error: a line in the node's log per bad request.
     */
    static String utf8Problem(byte[] body, String charset) {
        int start = 0;
        if (charset != null) {
            if (!namesUtf8(charset)) {
                return null;
            }
        } else if (body.length >= 2 && ((body[0] & 0xFF) == 0xFE && (body[1] & 0xFF) == 0xFF || (body[0] & 0xFF) == 0xFF && (body[1] & 0xFF) == 0xFE)) {
            return null; // UTF-16
        } else if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            start = 3;
        } else {
            java.util.regex.Matcher declared = DECLARED.matcher(new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1));
            if (declared.find() && !namesUtf8(declared.group(1))) {
                return null;
            }
        }
        java.nio.charset.CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT).onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(body, start, body.length - start);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
        while (true) {
            java.nio.charset.CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return "the message is not valid UTF-8 (byte " + (in.position() + 1) + ")";
            }
            if (result.isUnderflow()) {
                return null;
            }
            out.clear();
        }
    }

    /** Whether {@code name} is UTF-8 under any of its names; a name the JVM does not know is the parser's to refuse. */
    private static boolean namesUtf8(String name) {
        try {
            return java.nio.charset.Charset.forName(name.trim()).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // an illegal or unsupported charset name
            return false;
        }
    }

    /** The problem with the envelope, or null with the Body's operation in {@code operation[0]}. */
    private static String envelope(XMLStreamReader r, String[] operation) throws XMLStreamException {
        if (!next(r)) {
            return "the message holds no XML element";
        }
        if (r.getEventType() == XMLStreamConstants.DTD) {
            return "a SOAP message must not carry a document type declaration";
        }
        if (!"Envelope".equals(r.getLocalName())) {
            return "the message is not a SOAP envelope: its root element is " + r.getLocalName();
        }
        if (!SOAP11.equals(r.getNamespaceURI())) {
            return null; // another version's envelope: the stack's VersionMismatch fault says so in the standard way
        }
        if (!next(r) || r.getEventType() != XMLStreamConstants.START_ELEMENT) {
            return "the envelope holds no Body";
        }
        if (SOAP11.equals(r.getNamespaceURI()) && "Header".equals(r.getLocalName())) {
            skipElement(r);
            if (!next(r) || r.getEventType() != XMLStreamConstants.START_ELEMENT) {
                return "the envelope holds no Body";
            }
        }
        if (!SOAP11.equals(r.getNamespaceURI()) || !"Body".equals(r.getLocalName())) {
            return "the envelope holds " + r.getLocalName() + " where its Body belongs";
        }
        if (!next(r) || r.getEventType() != XMLStreamConstants.START_ELEMENT) {
            return r.getEventType() == XMLStreamConstants.CHARACTERS ? "the Body holds text, not an operation" : "the Body is empty: it holds no operation";
        }
        if (!LEDGER.equals(r.getNamespaceURI()) || !OPERATIONS.contains(r.getLocalName())) {
            return "the Body holds {" + r.getNamespaceURI() + "}" + r.getLocalName() + ", not an operation of this service (" + String.join(", ",
                    new java.util.TreeSet<>(OPERATIONS)) + " in " + LEDGER + ")";
        }
        operation[0] = r.getLocalName();
        skipElement(r);
        if (next(r) && r.getEventType() == XMLStreamConstants.START_ELEMENT) {
            return "the Body holds more than one operation";
        }
        while (r.hasNext()) {
            int e = r.next();
            if (e == XMLStreamConstants.DTD || e == XMLStreamConstants.ENTITY_REFERENCE) {
                return "the message holds an entity reference or a DTD";
            }
        }
        return null;
    }

    /**
     * Moves to the next element start, element end or non-blank text, refusing a DTD or an entity reference on the
     * way; false at the end of the document.
     */
    private static boolean next(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            int e = r.next();
            switch (e) {
                case XMLStreamConstants.START_ELEMENT, XMLStreamConstants.END_ELEMENT, XMLStreamConstants.DTD -> {
                    return true;
                }
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new XMLStreamException("an entity reference", r.getLocation());
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (!r.isWhiteSpace()) {
                        return true;
                    }
                }
                default -> {
                    // comments, processing instructions, blank text
                }
            }
        }
        return false;
    }

    /** From an element start to its end, refusing entity references within. */
    private static void skipElement(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int e = r.next();
            if (e == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (e == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (e == XMLStreamConstants.ENTITY_REFERENCE || e == XMLStreamConstants.DTD) {
                throw new XMLStreamException("an entity reference", r.getLocation());
            }
        }
    }

    /** The request with its body as it was read. */
    private static final class Replay extends HttpServletRequestWrapper {
        private final byte[] body;

        Replay(HttpServletRequest req, byte[] body) {
            super(req);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return ((ByteArrayInputStream) in).available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already: no asynchronous reading");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
