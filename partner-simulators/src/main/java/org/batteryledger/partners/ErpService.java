package org.batteryledger.partners;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The manufacturer ERP's SOAP 1.1 service at {@code /erp/BatteryMasterService}, contract first
 * ({@code wsdl/erp-battery-master.wsdl}): {@code GET ?wsdl} serves the WSDL with the live address; {@code POST} answers
 * {@code erp:GetBatteryMasterData} with a page of battery master records, or a SOAP fault.
 */
final class ErpService implements HttpHandler {
    static final String PATH = "/erp/BatteryMasterService";
    static final String NS = "urn:batteryledger:partner:erp:1";
    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String WSDL_RESOURCE = "/wsdl/erp-battery-master.wsdl";
    static final int DEFAULT_MAX_RESULTS = 500;
    static final int MAX_RESULTS = 1000;
    /** What the invalid-record fault puts into the first battery of a page. */
    static final BigDecimal INVALID_DOD = new BigDecimal("1.5");
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final Fleet fleet;
    private final FaultInjector faults;
    private final Supplier<String> address;
    private final String wsdlTemplate;

    ErpService(Fleet fleet, FaultInjector faults, Supplier<String> address) {
        this.fleet = fleet;
        this.faults = faults;
        this.address = address;
        try (InputStream in = ErpService.class.getResourceAsStream(WSDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + WSDL_RESOURCE);
            }
            this.wsdlTemplate = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WSDL with its soap:address pointing at {@code location}. */
    String wsdl(String location) {
        return wsdlTemplate.replaceFirst("<soap:address location=\"[^\"]*\"/>", "<soap:address location=\"" + escape(location) + "\"/>");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(PATH)) {
                Http.send(exchange, 404, "text/plain; charset=utf-8", ("no service at " + path + "; the service is " + PATH + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            String method = exchange.getRequestMethod();
            String query = exchange.getRequestURI().getRawQuery();
            if ("GET".equals(method) && query != null && query.toLowerCase(Locale.ROOT).equals("wsdl")) {
                Http.send(exchange, 200, Http.XML, wsdl(address.get()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!"POST".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, POST");
                Http.send(exchange, 405, "text/plain; charset=utf-8", ("use POST for SOAP requests or GET " + PATH + "?wsdl\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            FaultInjector.Fault fault = faults.next(FaultInjector.Target.ERP);
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
            if (fault != null && fault.mode() == FaultInjector.Mode.ERROR) {
                fault(exchange, "soap:Server", "injected fault: the ERP failed");
                return;
            }
            if (fault != null && fault.mode() == FaultInjector.Mode.TIMEOUT && !Http.delay(fault.delayMillis())) {
                return;
            }
            String response;
            try {
                response = answer(exchange.getRequestHeaders().getFirst("Content-Type"), body, fault);
            } catch (ClientFault e) {
                fault(exchange, "soap:Client", e.getMessage());
                return;
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            if (fault != null && fault.mode() == FaultInjector.Mode.MALFORMED) {
                bytes = Http.truncated(bytes);
            }
            Http.send(exchange, 200, Http.XML, bytes);
        }
    }

    /** A request the client got wrong: a soap:Client fault with this message as faultstring. */
    static final class ClientFault extends Exception {
        ClientFault(String message) {
            super(message);
        }
    }

    private String answer(String contentType, byte[] body, FaultInjector.Fault fault) throws ClientFault {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("text/xml")) {
            throw new ClientFault("Content-Type must be text/xml (SOAP 1.1), was " + (contentType == null ? "absent" : "'" + contentType + "'"));
        }
        if (body.length > MAX_REQUEST_BYTES) {
            throw new ClientFault("request larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        Element request = operation(body);
        String after = null;
        String maxResultsText = null;
        for (Node n = request.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (!NS.equals(e.getNamespaceURI())) {
                    throw new ClientFault("unexpected element {" + e.getNamespaceURI() + "}" + e.getLocalName() + " in GetBatteryMasterData");
                }
                switch (e.getLocalName()) {
                    case "after" -> after = e.getTextContent().trim();
                    case "maxResults" -> maxResultsText = e.getTextContent().trim();
                    default -> throw new ClientFault("unexpected element erp:" + e.getLocalName() + " in GetBatteryMasterData; expected after, maxResults");
                }
            }
        }
        int maxResults;
        try {
            maxResults = Page.size("maxResults", maxResultsText, DEFAULT_MAX_RESULTS, MAX_RESULTS);
        } catch (IllegalArgumentException e) {
            throw new ClientFault(e.getMessage());
        }
        int position = -1;
        if (after != null && !after.isEmpty()) {
            position = fleet.batteryPosition(after);
            if (position < 0) {
                throw new ClientFault("unknown after: no battery record with recordId '" + after + "'");
            }
        }
        Page<BatteryMaster> page = Page.of(fleet.batteries(), position, maxResults);
        List<BatteryMaster> records = new ArrayList<>(page.records());
        if (fault != null && fault.mode() == FaultInjector.Mode.INVALID_RECORD && !records.isEmpty()) {
            records.set(0, records.get(0).withRatedCycleDod(INVALID_DOD));
        }
        return response(records, page.more());
    }

    /** Parses the envelope (no DOCTYPE allowed) and returns its erp:GetBatteryMasterData element. */
    private static Element operation(byte[] body) throws ClientFault {
        Document doc;
        try {
            doc = parser().parse(new ByteArrayInputStream(body));
        } catch (SAXException e) {
            throw new ClientFault("malformed SOAP envelope: " + e.getMessage());
        } catch (IOException e) {
            throw new ClientFault("unreadable SOAP envelope: " + e.getMessage());
        }
        Element envelope = doc.getDocumentElement();
        if (!SOAP_NS.equals(envelope.getNamespaceURI()) || !"Envelope".equals(envelope.getLocalName())) {
            throw new ClientFault("not a SOAP 1.1 envelope: the root element is {" + envelope.getNamespaceURI() + "}" + envelope.getLocalName()
                    + ", expected {" + SOAP_NS + "}Envelope");
        }
        Element bodyElement = null;
        for (Node n = envelope.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && SOAP_NS.equals(e.getNamespaceURI()) && "Body".equals(e.getLocalName())) {
                bodyElement = e;
            }
        }
        if (bodyElement == null) {
            throw new ClientFault("malformed SOAP envelope: no soap:Body");
        }
        Element op = null;
        for (Node n = bodyElement.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (op != null) {
                    throw new ClientFault("malformed SOAP envelope: more than one element in soap:Body");
                }
                op = e;
            }
        }
        if (op == null) {
            throw new ClientFault("malformed SOAP envelope: empty soap:Body");
        }
        if (!NS.equals(op.getNamespaceURI()) || !"GetBatteryMasterData".equals(op.getLocalName())) {
            throw new ClientFault("unknown operation {" + op.getNamespaceURI() + "}" + op.getLocalName() + "; expected {" + NS + "}GetBatteryMasterData");
        }
        return op;
    }

    /** A namespace-aware DOM parser that refuses DOCTYPE (so no external entities) and external access. */
    static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's DOM parser lacks a required feature", e);
        }
    }

    static String response(List<BatteryMaster> records, boolean more) {
        StringBuilder b = new StringBuilder(256 + records.size() * 640);
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"").append(SOAP_NS).append("\"><soap:Body>")
                .append("<erp:GetBatteryMasterDataResponse xmlns:erp=\"").append(NS).append("\">");
        for (BatteryMaster m : records) {
            b.append("<erp:battery>");
            element(b, "recordId", m.recordId());
            element(b, "batteryCode", m.batteryCode());
            element(b, "manufacturer", m.manufacturer());
            element(b, "chemistry", m.chemistry().name());
            element(b, "ratedCapacityAh", plain(m.ratedCapacityAh()));
            element(b, "nominalVoltageV", plain(m.nominalVoltageV()));
            element(b, "ratedCycleLife", Integer.toString(m.ratedCycleLife()));
            element(b, "ratedCycleDod", plain(m.ratedCycleDod()));
            element(b, "ratedCycleTempC", plain(m.ratedCycleTempC()));
            element(b, "manufacturedAt", Times.format(m.manufacturedAt()));
            b.append("</erp:battery>");
        }
        element(b, "more", Boolean.toString(more));
        b.append("</erp:GetBatteryMasterDataResponse></soap:Body></soap:Envelope>\n");
        return b.toString();
    }

    private static void fault(HttpExchange exchange, String code, String message) throws IOException {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"" + SOAP_NS + "\"><soap:Body><soap:Fault>"
                + "<faultcode>" + code + "</faultcode><faultstring>" + escape(message) + "</faultstring>"
                + "</soap:Fault></soap:Body></soap:Envelope>\n";
        Http.send(exchange, 500, Http.XML, xml.getBytes(StandardCharsets.UTF_8));
    }

    private static void element(StringBuilder b, String name, String text) {
        b.append("<erp:").append(name).append('>').append(escape(text)).append("</erp:").append(name).append('>');
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
