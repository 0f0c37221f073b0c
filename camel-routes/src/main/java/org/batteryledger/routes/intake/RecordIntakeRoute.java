package org.batteryledger.routes.intake;

import org.apache.camel.builder.RouteBuilder;
import org.batteryledger.core.intake.Submission;

/**
 * The one intake of records, shared by push (REST and SOAP) and pull (partner routes): validate, then take into
 * the off-chain store (idempotent by id and hash, refusals kept as dead letters). Anchoring follows on the node's
 * own schedule, in Merkle batches by size and age. Errors go back to the caller (no error handler here): a push
 * answers them, a pull retries them.
 */
public class RecordIntakeRoute extends RouteBuilder {
    public static final String URI = "direct:record-intake";

    private final OffchainStore store;

    public RecordIntakeRoute(OffchainStore store) {
        this.store = store;
    }

    @Override
    public void configure() {
        from(URI).routeId("record-intake").errorHandler(noErrorHandler())
                .process(new RecordValidator()).id("validate")
                // A plain processor, not .bean(): no reflection, and no camel-bean in the EAR for one call.
                .process(e -> e.getMessage().setBody(store.take(e.getMessage().getMandatoryBody(Submission.class)))).id("store");
    }
}
