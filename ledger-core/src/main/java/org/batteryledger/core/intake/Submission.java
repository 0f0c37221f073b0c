package org.batteryledger.core.intake;

import org.batteryledger.core.record.ParsedRecord;

import java.util.List;

/**
 * One submission after schema and role validation, as the intake route hands it to the store: every record of the
 * submission in its position, valid or invalid with its reason. Pulled submissions also carry the partner's cursor,
 * which the store moves in the same transaction as the records: a restart neither skips nor re-takes a record.
 *
 * @param source who sent it (user and channel, or the partner), kept with each record and dead letter
 * @param pull   null for a push
 */
public record Submission(String source, List<Candidate> candidates, Pull pull) {
    public Submission {
        candidates = List.copyOf(candidates);
    }

    /** A record of the submission: valid, or invalid with a reason. {@code json} is what was sent. */
    public sealed interface Candidate permits Valid, Invalid {
        int index();

        Object json();
    }

    public record Valid(int index, ParsedRecord parsed, Object json) implements Candidate {
    }

    /** {@code recordId} is null when the record had no usable one. */
    public record Invalid(int index, String recordId, String reason, Object json) implements Candidate {
    }

    /**
     * A page of a partner's feed.
     *
     * @param partner           the partner's name in node.properties
     * @param positions         the partner's cursor after each record of the page (its record id), one per candidate
     * @param maxDeferralMillis how long a page's sessions of a battery not known here are deferred (the partner
     *                          re-serves them from the cursor) before they are rejected as unknown: the manufacturer's
     *                          record usually comes through another partner's feed, a little later
     */
    public record Pull(String partner, List<String> positions, long maxDeferralMillis) {
        public Pull {
            positions = List.copyOf(positions);
        }
    }
}
