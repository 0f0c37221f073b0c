package org.batteryledger.routes.intake;

import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;

import java.util.List;

/** Where the intake route stores what it validated: the node's database in production, memory in route tests. */
public interface OffchainStore {
    /** Takes a submission in, all or nothing, with its dead letters and (for a pull) the partner's cursor. */
    List<Outcome> take(Submission submission);

    /** The id of the last record taken from this partner's feed; null before its first page. */
    String position(String partner);

    /** Why the store takes no new records now (its disk at the floor, its database away), or null: pulls wait meanwhile. */
    default String refusal() {
        return null;
    }
}
