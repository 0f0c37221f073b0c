package org.batteryledger.routes.intake;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.apache.camel.CamelExecutionException;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.routes.RouteContext;

import java.util.List;
import java.util.Set;

/** The entry of pushed records (REST and SOAP) into the intake route. */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RecordIntake {
    @EJB
    private RouteContext routes;

    /**
     * @param records parsed JSON values, one per record
     * @param source  who sent them and how, e.g. {@code rest:alice}
     * @return one outcome per record, in order
     * @throws org.batteryledger.node.records.InvalidInput for a submission refused whole (too many records)
     */
    @SuppressWarnings("unchecked")
    public List<Outcome> submit(List<?> records, String source, Set<String> allowedTypes) {
        try {
            return routes.template().requestBody(RecordIntakeRoute.URI, new IntakeRequest(records, source, allowedTypes, null), List.class);
        } catch (CamelExecutionException e) {
            // The route's own exception (invalid input, a database failure) is what the caller should see.
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
