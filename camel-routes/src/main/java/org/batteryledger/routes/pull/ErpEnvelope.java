package org.batteryledger.routes.pull;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manufacturer ERP's SOAP 1.1 messages (contract: {@code erp-battery-master.wsdl} of the partner simulators,
 * namespace {@value #NS}): the request envelope built from the WSDL's types, and the response read into battery
 * records in the ledger's JSON form. Values keep their text: a number that does not parse stays a string, so the
 * schema names the field in the dead letter instead of the page failing.
 */
public final class ErpEnvelope {
    public static final String NS = "urn:batteryledger:partner:erp:1";
    public static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    public static final String SOAP_ACTION = NS + "/GetBatteryMasterData";
    /** The battery element's number-typed children (xs:decimal / xs:int in the WSDL). */
    private static final Set<String> NUMBERS = Set.of("ratedCapacityAh", "nominalVoltageV", "ratedCycleLife", "ratedCycleDod", "ratedCycleTempC");

    private ErpEnvelope() {
    }

    /** GetBatteryMasterData for the records after {@code after} (null: from the start). */
    public static String request(String after, int maxResults) {
        StringBuilder b = new StringBuilder(400).append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
                .append("<soap:Envelope xmlns:soap=\"").append(SOAP_NS).append("\" xmlns:erp=\"").append(NS).append("\">")
                .append("<soap:Body><erp:GetBatteryMasterData>");
        if (after != null) {
            b.append("<erp:after>").append(escape(after)).append("</erp:after>");
        }
        return b.append("<erp:maxResults>").append(maxResults).append("</erp:maxResults>")
                .append("</erp:GetBatteryMasterData></soap:Body></soap:Envelope>").toString();
    }

    /** Reads a GetBatteryMasterDataResponse; a fault or anything else is a {@link PartnerFormatException}. */
    public static PullPage read(String xml) {
        Element body = body(xml);
        Element response = child(body, NS, "GetBatteryMasterDataResponse");
        if (response == null) {
            String fault = fault(body);
            throw new PartnerFormatException(fault != null ? "SOAP fault: " + fault : "the answer holds no GetBatteryMasterDataResponse");
        }
        List<Object> records = new ArrayList<>();
        Boolean more = null;
        for (Node n = response.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && NS.equals(e.getNamespaceURI())) {
                if ("battery".equals(e.getLocalName())) {
                    records.add(battery(e));
                } else if ("more".equals(e.getLocalName())) {
                    more = Boolean.parseBoolean(e.getTextContent().trim());
                }
            }
        }
        if (more == null) {
            throw new PartnerFormatException("the GetBatteryMasterDataResponse has no 'more' element");
        }
        return new PullPage(records, more);
    }

    /** The faultstring of a SOAP fault answer, or null when the text is not one. */
    public static String faultString(String xml) {
        try {
            return fault(body(xml));
        } catch (PartnerFormatException e) {
            return null;
        }
    }

    private static Map<String, Object> battery(Element e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "battery");
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element f) {
                String name = f.getLocalName();
                String text = f.getTextContent().trim();
                m.put(name, NUMBERS.contains(name) ? number(text) : text);
            }
        }
        return m;
    }

    private static Object number(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static Element body(String xml) {
        Document d;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder db = f.newDocumentBuilder();
            db.setErrorHandler(null);
            d = db.parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new PartnerFormatException("the answer is not well-formed XML: " + e.getMessage(), e);
        }
        Element env = d.getDocumentElement();
        Element body = SOAP_NS.equals(env.getNamespaceURI()) && "Envelope".equals(env.getLocalName()) ? child(env, SOAP_NS, "Body") : null;
        if (body == null) {
            throw new PartnerFormatException("the answer is not a SOAP 1.1 envelope with a Body");
        }
        return body;
    }

    private static String fault(Element body) {
        Element fault = child(body, SOAP_NS, "Fault");
        if (fault == null) {
            return null;
        }
        NodeList codes = fault.getElementsByTagName("faultcode");
        NodeList strings = fault.getElementsByTagName("faultstring");
        return (codes.getLength() > 0 ? codes.item(0).getTextContent().trim() + ": " : "")
                + (strings.getLength() > 0 ? strings.item(0).getTextContent().trim() : "(no faultstring)");
    }

    private static Element child(Element parent, String ns, String local) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
