package org.batteryledger.core.intake;

/** What intake answers for one record of a submission, by its position in the submission. */
public sealed interface Outcome permits Outcome.Accepted, Outcome.Rejected, Outcome.Deferred {
    int index();

    /** Stored (or stored before with the same content: {@code duplicate}), with its hash. */
    record Accepted(int index, String recordId, String hash, boolean duplicate) implements Outcome {
    }

    /** Not stored; kept in the dead-letter store with this reason. {@code recordId} is null when it had none usable. */
    record Rejected(int index, String recordId, String reason) implements Outcome {
    }

    /** Pulled, not stored yet: a session whose battery is not known here; the partner serves it again from the cursor. */
    record Deferred(int index, String recordId, String reason) implements Outcome {
    }
}
