package org.batteryledger.web.soap;

import org.apache.cxf.interceptor.Fault;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientFaultsUnloggedTest {
    private static final String SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/";
    private final ClientFaultsUnlogged listener = new ClientFaultsUnlogged();

    private static Fault fault(String code, Throwable cause) {
        Fault f = new Fault(cause == null ? new IllegalStateException("x") : cause);
        f.setFaultCode(new QName(SOAP11, code));
        return f;
    }

    private static Element detail(String ns, String name) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        Element detail = d.createElement("detail");
        detail.appendChild(d.createElementNS(ns, name));
        return detail;
    }

    @Test
    void theCallersMistakesAreNotLogged() {
        assertFalse(listener.faultOccurred(fault("Client", null), "op", null));
        assertFalse(listener.faultOccurred(fault("Sender", null), "op", null), "SOAP 1.2's name for it");
        assertFalse(listener.faultOccurred(fault("VersionMismatch", null), "op", null), "an envelope of no SOAP version");
        assertFalse(listener.faultOccurred(fault("MustUnderstand", null), "op", null));
        assertFalse(listener.faultOccurred(fault("Server", new jakarta.xml.bind.UnmarshalException("unexpected element")), "op", null),
                "a body that does not fit the operation's types, whatever code the stack gave it");
        assertFalse(listener.faultOccurred(fault("Server", new RuntimeException(new javax.xml.stream.XMLStreamException("bad"))), "op", null));
    }

    @Test
    void theEndpointsOwnFaultsAreNotLogged() throws Exception {
        Fault unavailable = fault("Server", null);
        unavailable.setDetail(detail("urn:batteryledger:ledger:1", "ledgerFault"));
        assertFalse(listener.faultOccurred(unavailable, "op", null));
    }

    @Test
    void anUnexpectedFailureIsLoggedAsBefore() throws Exception {
        assertTrue(listener.faultOccurred(fault("Server", new NullPointerException()), "op", null));
        Fault other = fault("Server", null);
        other.setDetail(detail("urn:someone-else", "ledgerFault"));
        assertTrue(listener.faultOccurred(other, "op", null), "a detail of another namespace is not the endpoint's");
        assertTrue(listener.faultOccurred(new IllegalStateException("not a fault"), "op", null));
    }
}
