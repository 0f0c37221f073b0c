package org.batteryledger.web.api;

import org.batteryledger.node.fleet.FleetIndex;
import org.batteryledger.node.valuation.ValuationService;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * After a certificate is issued through the API (REST or SOAP, as a lot does it): the battery's row in the fleet table
 * from that very valuation ({@link FleetIndex#issued}), so that the table does not gather the evidence again.
 */
public final class FleetRowOfIssued {
    private static final Logger LOG = Logger.getLogger(FleetRowOfIssued.class.getName());

    private FleetRowOfIssued() {
    }

    /** Never fails the caller: the certificate is issued; without the row, the fleet table assesses the battery again. */
    public static void keep(FleetIndex fleet, ValuationService.Issued issued) {
        try {
            fleet.issued(issued, System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the fleet table's row of " + issued.certificate().batteryCode() + " was not updated from its certificate "
                    + issued.certificate().id() + "; the table assesses the battery again", e);
        }
    }
}
