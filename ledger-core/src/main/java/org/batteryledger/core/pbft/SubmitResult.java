package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.Hash;

/** The answer to {@link Replica#submit}: accepted into the pool, or why not. */
public record SubmitResult(Outcome outcome, Hash txHash, String reason) {
    public enum Outcome { ACCEPTED, DUPLICATE, REJECTED, POOL_FULL }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
