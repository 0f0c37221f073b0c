package org.batteryledger.routes.intake;

import org.batteryledger.core.intake.Intake;

import java.util.List;
import java.util.Set;

/**
 * What enters {@code direct:record-intake}: records as parsed JSON values, who sent them and what they may send;
 * for a partner's page also where it came from in the partner's feed.
 *
 * @param pull null for a push
 */
public record IntakeRequest(List<?> records, String source, Set<String> allowedTypes, Intake.PullOrigin pull) {
    public IntakeRequest {
        records = List.copyOf(records);
        allowedTypes = Set.copyOf(allowedTypes);
    }
}
