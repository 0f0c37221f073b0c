package org.batteryledger.routes.pull;

import org.apache.camel.Exchange;
import org.batteryledger.routes.intake.OffchainStore;

/** Battery master data pulled from a manufacturer ERP over SOAP 1.1 (GetBatteryMasterData after a record id). */
public class ErpSoapPullRoute extends PartnerPullRoute {
    public ErpSoapPullRoute(Partner partner, PullSettings settings, OffchainStore store, PullStatus status) {
        super(partner, settings, store, status);
    }

    @Override
    protected String endpointUri() {
        return partner.url() + "?httpMethod=POST";
    }

    @Override
    protected void ask(Exchange exchange, String position, int pageSize) {
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/xml; charset=utf-8");
        exchange.getMessage().setHeader("SOAPAction", "\"" + ErpEnvelope.SOAP_ACTION + "\"");
        exchange.getMessage().setBody(ErpEnvelope.request(position, pageSize));
    }

    @Override
    protected PullPage read(String answer) {
        return ErpEnvelope.read(answer);
    }
}
