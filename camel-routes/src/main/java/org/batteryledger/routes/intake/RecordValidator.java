package org.batteryledger.routes.intake;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.node.records.InvalidInput;

/**
 * Validates an {@link IntakeRequest} record by record (schema, the sender's role, size) into a submission whose
 * invalid records carry their reasons on to the dead-letter store. A submission above the size limit is refused
 * whole, before anything is stored.
 */
public final class RecordValidator implements Processor {
    @Override
    public void process(Exchange exchange) throws InvalidPayloadException {
        IntakeRequest r = exchange.getMessage().getMandatoryBody(IntakeRequest.class);
        try {
            exchange.getMessage().setBody(Intake.validate(r.records(), r.source(), r.allowedTypes(), r.pull()));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage());
        }
    }
}
