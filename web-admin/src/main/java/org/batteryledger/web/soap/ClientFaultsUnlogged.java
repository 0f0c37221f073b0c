package org.batteryledger.web.soap;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.logging.FaultListener;
import org.apache.cxf.message.Message;
import org.w3c.dom.Element;

import javax.xml.namespace.QName;

/**
 * Which SOAP faults the SOAP stack logs: not the caller's mistakes, nor the endpoint's own answers. CXF otherwise logs
 * every fault as a warning with its stack trace, about 120 lines for an empty submission, so a client that sends bad
 * requests (or a hostile one) rotated the node's log away within a few thousand of them (the log is capped, see
 * configure-node.cli). A {@code soap:Client} fault tells the caller what was wrong (so does one for a body the SOAP stack
 * could not read into the operation's types, whatever code the stack gave it at that point), and a fault carrying the endpoint's
 * {@code ledgerFault} detail (such as {@code Unavailable}, whose cause the node logs where it decides it) was written on
 * purpose; anything else is a failure nobody expected, and CXF logs it as before (and {@link ServerFaultText} logs its
 * text under the reference it gives the caller).
 */
public class ClientFaultsUnlogged implements FaultListener {
    /** SOAP 1.1 §4.4.1's codes for the sender's mistakes, and SOAP 1.2's {@code Sender}. */
    private static final java.util.Set<String> CALLERS_MISTAKES = java.util.Set.of("Client", "Sender", "VersionMismatch", "MustUnderstand");

    @Override
    public boolean faultOccurred(Exception exception, String description, Message message) {
        return !(exception instanceof Fault f) || !(callersMistake(f.getFaultCode()) || unreadable(f) || ours(f.getDetail()));
    }

    /** A body that does not fit the operation's schema types, or XML the stack could not read on. */
    static boolean unreadable(Throwable fault) {
        for (Throwable t = fault.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof jakarta.xml.bind.UnmarshalException || t instanceof javax.xml.stream.XMLStreamException) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code Client} ({@code Sender} in SOAP 1.2), or the envelope's own {@code VersionMismatch} and
     * {@code MustUnderstand} (SOAP 1.1 §4.4.1): the sender's mistakes.
     */
    static boolean callersMistake(QName code) {
        return code != null && CALLERS_MISTAKES.contains(code.getLocalPart());
    }

    /** The endpoint's own fault ({@code BatteryLedgerEndpoint.fault}): a {@code ledgerFault} element in the detail. */
    static boolean ours(Element detail) {
        return detail != null && detail.getElementsByTagNameNS(BatteryLedgerEndpoint.LEDGER_NS, "ledgerFault").getLength() > 0;
    }
}
