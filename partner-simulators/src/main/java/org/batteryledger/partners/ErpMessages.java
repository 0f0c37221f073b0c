package org.batteryledger.partners;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.soap.MessageFactory;
import jakarta.xml.soap.SOAPBody;
import jakarta.xml.soap.SOAPConstants;
import jakarta.xml.soap.SOAPEnvelope;
import jakarta.xml.soap.SOAPException;
import jakarta.xml.soap.SOAPMessage;
import org.batteryledger.partners.erp.GetBatteryMasterData;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.dom.DOMSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The ERP service's SOAP 1.1 messages, with the standard APIs: the bodies are the JAXB beans wsimport generates from
 * {@code erp-battery-master.wsdl} ({@code org.batteryledger.partners.erp}), the envelopes and faults SAAJ's. The
 * request is read strictly (one operation element, nothing the schema does not name): a client that gets it wrong is
 * told so in a {@code soap:Client} fault. Hand-written is only what names a client's mistake precisely.
 */
final class ErpMessages {
    static final String SOAP_NS = SOAPConstants.URI_NS_SOAP_1_1_ENVELOPE;
    static final String NS = "urn:batteryledger:partner:erp:1";
    private static final JAXBContext CONTRACT;
    private static final MessageFactory SOAP_1_1;

    static {
        try {
            CONTRACT = JAXBContext.newInstance(GetBatteryMasterData.class, org.batteryledger.partners.erp.GetBatteryMasterDataResponse.class);
            SOAP_1_1 = MessageFactory.newInstance(SOAPConstants.SOAP_1_1_PROTOCOL);
        } catch (JAXBException | SOAPException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ErpMessages() {
    }

    /**
     * The GetBatteryMasterData of a request envelope, or the client's mistake. The JDK's parser reads the bytes (no
     * DOCTYPE, no external access) so that a document that is no SOAP 1.1 envelope is named as such; SAAJ takes the
     * envelope from there.
     */
    static GetBatteryMasterData request(byte[] envelope) throws ErpService.ClientFault {
        Document doc;
        try {
            doc = parser().parse(new ByteArrayInputStream(envelope));
        } catch (SAXException | IOException e) {
            throw new ErpService.ClientFault("malformed SOAP envelope: " + e.getMessage());
        }
        Element root = doc.getDocumentElement();
        if (!SOAP_NS.equals(root.getNamespaceURI()) || !"Envelope".equals(root.getLocalName())) {
            throw new ErpService.ClientFault("not a SOAP 1.1 envelope: the root element is {" + root.getNamespaceURI() + "}" + root.getLocalName()
                    + ", expected {" + SOAP_NS + "}Envelope");
        }
        SOAPBody body;
        try {
            SOAPMessage m = SOAP_1_1.createMessage();
            m.getSOAPPart().setContent(new DOMSource(doc));
            body = m.getSOAPBody();
        } catch (SOAPException e) {
            throw new ErpService.ClientFault("malformed SOAP envelope: " + rootMessage(e));
        }
        if (body == null) {
            throw new ErpService.ClientFault("malformed SOAP envelope: no soap:Body");
        }
        Element op = null;
        for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (op != null) {
                    throw new ErpService.ClientFault("malformed SOAP envelope: more than one element in soap:Body");
                }
                op = e;
            }
        }
        if (op == null) {
            throw new ErpService.ClientFault("malformed SOAP envelope: empty soap:Body");
        }
        if (!NS.equals(op.getNamespaceURI()) || !"GetBatteryMasterData".equals(op.getLocalName())) {
            throw new ErpService.ClientFault("unknown operation {" + op.getNamespaceURI() + "}" + op.getLocalName() + "; expected {" + NS + "}GetBatteryMasterData");
        }
        try {
            Unmarshaller u = CONTRACT.createUnmarshaller();
            u.setEventHandler(event -> false); // an element the schema does not name ends the read, with JAXB's message
            return u.unmarshal(op, GetBatteryMasterData.class).getValue();
        } catch (JAXBException e) {
            throw new ErpService.ClientFault("GetBatteryMasterData does not match the WSDL: " + rootMessage(e));
        }
    }

    /** The envelope around a response bean. */
    static String answer(Object response) {
        try {
            SOAPMessage m = message();
            CONTRACT.createMarshaller().marshal(response, m.getSOAPBody());
            return text(m);
        } catch (JAXBException | SOAPException | IOException e) {
            throw new IllegalStateException("the ERP simulator could not write its answer", e);
        }
    }

    /** A SOAP 1.1 fault: soap:Client for the caller's mistakes, soap:Server for the ERP's own failure. */
    static String fault(boolean client, String faultString) {
        try {
            SOAPMessage m = message();
            m.getSOAPBody().addFault(new QName(SOAP_NS, client ? "Client" : "Server", "soap"), faultString);
            return text(m);
        } catch (SOAPException | IOException e) {
            throw new IllegalStateException("the ERP simulator could not write its fault", e);
        }
    }

    /** An empty message whose envelope uses the usual soap: prefix and has no header. */
    private static SOAPMessage message() throws SOAPException {
        SOAPMessage m = SOAP_1_1.createMessage();
        SOAPEnvelope env = m.getSOAPPart().getEnvelope();
        env.getHeader().detachNode();
        String saajPrefix = env.getPrefix();
        env.setPrefix("soap");
        env.getBody().setPrefix("soap");
        env.removeNamespaceDeclaration(saajPrefix);
        return m;
    }

    /** A namespace-aware DOM parser that refuses DOCTYPE (so no external entities) and external access. */
    private static DocumentBuilder parser() {
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

    private static String text(SOAPMessage m) throws SOAPException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        m.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The innermost message (the XML parser's, say), where the wrappers' say only that something failed. */
    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
            }
        }
        return String.valueOf(message).strip();
    }
}
