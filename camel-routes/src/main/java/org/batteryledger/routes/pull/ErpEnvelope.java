package org.batteryledger.routes.pull;

import jakarta.jws.WebMethod;
import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.soap.MessageFactory;
import jakarta.xml.soap.MimeHeaders;
import jakarta.xml.soap.SOAPBody;
import jakarta.xml.soap.SOAPConstants;
import jakarta.xml.soap.SOAPException;
import jakarta.xml.soap.SOAPFault;
import jakarta.xml.soap.SOAPMessage;
import org.batteryledger.routes.pull.erp.BatteryMaster;
import org.batteryledger.routes.pull.erp.BatteryMasterPortType;
import org.batteryledger.routes.pull.erp.GetBatteryMasterData;
import org.batteryledger.routes.pull.erp.GetBatteryMasterDataResponse;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manufacturer ERP's SOAP 1.1 messages (contract: {@code erp-battery-master.wsdl} of the partner simulators,
 * namespace {@value #NS}), with the standard APIs: the request and response are the JAXB beans wsimport generates from
 * the WSDL ({@code org.batteryledger.routes.pull.erp}), the envelope and faults are SAAJ's (both WildFly's modules in
 * the node). The beans keep every value as its text: a number that does not parse stays a string, so the record
 * schema names the field in that record's dead letter instead of the page failing.
 */
public final class ErpEnvelope {
    public static final String NS = "urn:batteryledger:partner:erp:1";
    /** The operation's soapAction, as the WSDL's binding gives it. */
    public static final String SOAP_ACTION = soapAction();
    private static final JAXBContext CONTRACT;
    private static final MessageFactory SOAP_1_1;

    static {
        try {
            CONTRACT = JAXBContext.newInstance(GetBatteryMasterData.class, GetBatteryMasterDataResponse.class);
            SOAP_1_1 = MessageFactory.newInstance(SOAPConstants.SOAP_1_1_PROTOCOL);
        } catch (JAXBException | SOAPException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ErpEnvelope() {
    }

    private static String soapAction() {
        try {
            return BatteryMasterPortType.class.getMethod("getBatteryMasterData", GetBatteryMasterData.class).getAnnotation(WebMethod.class).action();
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** GetBatteryMasterData for the records after {@code after} (null: from the start). */
    public static String request(String after, int maxResults) {
        GetBatteryMasterData op = new GetBatteryMasterData();
        op.setAfter(after);
        op.setMaxResults(Integer.toString(maxResults));
        try {
            SOAPMessage m = SOAP_1_1.createMessage();
            m.getSOAPHeader().detachNode();
            CONTRACT.createMarshaller().marshal(op, m.getSOAPBody());
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            m.writeTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (JAXBException | SOAPException | IOException e) {
            throw new IllegalStateException("could not write the ERP request", e);
        }
    }

    /** Reads a GetBatteryMasterDataResponse; a fault or anything else is a {@link PartnerFormatException}. */
    public static PullPage read(String xml) {
        SOAPBody body = body(xml);
        if (body.hasFault()) {
            throw new PartnerFormatException("SOAP fault: " + fault(body.getFault()));
        }
        Element response = firstElement(body);
        if (response == null || !NS.equals(response.getNamespaceURI()) || !"GetBatteryMasterDataResponse".equals(response.getLocalName())) {
            throw new PartnerFormatException("the answer holds no GetBatteryMasterDataResponse");
        }
        GetBatteryMasterDataResponse page;
        try {
            page = CONTRACT.createUnmarshaller().unmarshal(response, GetBatteryMasterDataResponse.class).getValue();
        } catch (JAXBException e) {
            throw new PartnerFormatException("the GetBatteryMasterDataResponse does not match the WSDL: " + e, e);
        }
        String more = page.getMore() == null ? null : page.getMore().strip();
        if (!"true".equals(more) && !"false".equals(more)) {
            throw new PartnerFormatException(more == null ? "the GetBatteryMasterDataResponse has no 'more' element"
                    : "the GetBatteryMasterDataResponse's 'more' is '" + more + "', not true or false");
        }
        List<Object> records = new ArrayList<>(page.getBattery().size());
        for (BatteryMaster b : page.getBattery()) {
            records.add(battery(b));
        }
        return new PullPage(records, Boolean.parseBoolean(more));
    }

    /** The faultcode and faultstring of a SOAP fault answer, or null when the text is not one. */
    public static String faultString(String xml) {
        try {
            SOAPBody body = body(xml);
            return body.hasFault() ? fault(body.getFault()) : null;
        } catch (PartnerFormatException e) {
            return null;
        }
    }

    /** The record in the ledger's JSON form: the CONTRACT's names, numbers as decimals when they parse. */
    private static Map<String, Object> battery(BatteryMaster b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "battery");
        text(m, "recordId", b.getRecordId());
        text(m, "batteryCode", b.getBatteryCode());
        text(m, "manufacturer", b.getManufacturer());
        text(m, "chemistry", b.getChemistry());
        number(m, "ratedCapacityAh", b.getRatedCapacityAh());
        number(m, "nominalVoltageV", b.getNominalVoltageV());
        number(m, "ratedCycleLife", b.getRatedCycleLife());
        number(m, "ratedCycleDod", b.getRatedCycleDod());
        number(m, "ratedCycleTempC", b.getRatedCycleTempC());
        text(m, "manufacturedAt", b.getManufacturedAt());
        return m;
    }

    /** An absent element stays absent: the schema then says which field is missing. */
    private static void text(Map<String, Object> m, String name, String value) {
        if (value != null) {
            m.put(name, value.strip());
        }
    }

    private static void number(Map<String, Object> m, String name, String value) {
        if (value == null) {
            return;
        }
        String text = value.strip();
        try {
            m.put(name, new BigDecimal(text));
        } catch (NumberFormatException e) {
            m.put(name, text);
        }
    }

    private static SOAPBody body(String xml) {
        SOAPBody body;
        try {
            MimeHeaders headers = new MimeHeaders();
            headers.addHeader("Content-Type", "text/xml; charset=utf-8");
            body = SOAP_1_1.createMessage(headers, new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getSOAPBody();
        } catch (SOAPException | IOException | RuntimeException e) {
            // SAAJ refuses a DOCTYPE, a SOAP 1.2 envelope and whatever is not XML; some of its refusals are runtime exceptions
            Throwable why = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e; // the parser's words, not SAAJ's wrapper
            throw new PartnerFormatException("the answer is not a SOAP 1.1 envelope: " + why.getMessage(), e);
        }
        if (body == null) {
            throw new PartnerFormatException("the answer is not a SOAP 1.1 envelope with a Body");
        }
        return body;
    }

    private static String fault(SOAPFault fault) {
        String code = fault.getFaultCode();
        String text = fault.getFaultString();
        return (code == null || code.isBlank() ? "" : code.strip() + ": ") + (text == null || text.isBlank() ? "(no faultstring)" : text.strip());
    }

    private static Element firstElement(SOAPBody body) {
        for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }
}
