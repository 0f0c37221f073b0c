package org.batteryledger.web.soap;

import jakarta.xml.soap.SOAPException;
import jakarta.xml.soap.SOAPFault;
import jakarta.xml.ws.handler.MessageContext;
import jakarta.xml.ws.handler.soap.SOAPHandler;
import jakarta.xml.ws.handler.soap.SOAPMessageContext;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.web.api.Problem;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.xml.namespace.QName;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The last word on a {@code soap:Server} fault the endpoint did not write itself (a failure it did not expect): the
 * SOAP stack would put the exception's message in the faultstring. It keeps the fault but replaces its text, as REST's
 * problem mapper does: the node's store away (or its replica paused by it) is said so (retry later), anything else gets a reference under which
 * the node logged the original text. The endpoint's own faults carry a {@code ledgerFault} detail and pass as they are.
 */
public class ServerFaultText implements SOAPHandler<SOAPMessageContext> {
    private static final Logger LOG = Logger.getLogger(ServerFaultText.class.getName());
    private static final String GATE = "java:app/ejb-ledger/WriteGate";

    @Override
    public boolean handleFault(SOAPMessageContext context) {
        if (!Boolean.TRUE.equals(context.get(MessageContext.MESSAGE_OUTBOUND_PROPERTY))) {
            return true;
        }
        try {
            SOAPFault f = context.getMessage().getSOAPBody().getFault();
            if (f == null || !"Server".equals(f.getFaultCodeAsQName().getLocalPart()) || ours(f)) {
                return true;
            }
            String database = databaseRefusal();
            if (database != null) {
                f.setFaultString("the node cannot answer now: " + database + "; retry in " + Unavailable.RETRY_AFTER_SECONDS + " s");
            } else {
                String reference = Problem.reference();
                LOG.warning(() -> "SOAP fault " + reference + ": " + f.getFaultString());
                f.setFaultString("the node could not answer this request: an unexpected failure, logged on the node as " + reference);
            }
            if (f.getDetail() != null) {
                f.getDetail().detachNode(); // the stack's detail may hold a stack trace
            }
        } catch (SOAPException | RuntimeException e) {
            LOG.warning(() -> "cannot rewrite a SOAP fault's text: " + e.getMessage());
        }
        return true;
    }

    private static boolean ours(SOAPFault f) {
        return f.getDetail() != null && f.getDetail().getChildElements(new QName("urn:batteryledger:ledger:1", "ledgerFault")).hasNext();
    }

    private static String databaseRefusal() {
        try {
            WriteGate gate = (WriteGate) new InitialContext().lookup(GATE);
            return gate.refusal(); // the database away, the disk at its floor, or the replica paused until the store is back
        } catch (NamingException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public boolean handleMessage(SOAPMessageContext context) {
        return true;
    }

    @Override
    public void close(MessageContext context) {
    }

    @Override
    public Set<QName> getHeaders() {
        return Set.of();
    }
}
