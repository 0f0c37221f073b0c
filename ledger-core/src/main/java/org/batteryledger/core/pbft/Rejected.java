package org.batteryledger.core.pbft;

/**
 * A validator's verdict against an input: the typed {@link Rejection} (counted, tested, bounded) and a detail for
 * the log (free text: never a metric label). Validators return null for a valid input.
 */
public record Rejected(Rejection reason, String detail) {
    public static Rejected of(Rejection reason) {
        return new Rejected(reason, reason.description());
    }

    public static Rejected of(Rejection reason, String detail) {
        return new Rejected(reason, detail);
    }

    /** The same reason, with where it was found (for instance inside a NEW-VIEW's view change). */
    public Rejected within(String context) {
        return new Rejected(reason, context + ": " + detail);
    }

    @Override
    public String toString() {
        return reason + " (" + detail + ")";
    }
}
