package org.batteryledger.node.availability;

import jakarta.ejb.ApplicationException;

/**
 * The node takes no writes now, for a reason of its own that passes (its disk at the floor, its database not
 * answering, its replica paused until the store takes writes again): the caller should retry after
 * {@link #retryAfterSeconds()}. REST answers 503 with {@code Retry-After}, SOAP a {@code soap:Server} fault. Nothing
 * of the refused request was stored.
 */
@ApplicationException(rollback = true)
public class Unavailable extends RuntimeException {
    /** What a caller is told to wait before trying again: about how often the node looks at its store. */
    public static final int RETRY_AFTER_SECONDS = 5;

    public Unavailable(String reason) {
        super(reason);
    }

    public int retryAfterSeconds() {
        return RETRY_AFTER_SECONDS;
    }
}
