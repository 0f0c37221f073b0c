package org.batteryledger.routes.pull;

/** A partner answered with something that is not a page of its API: retried like an outage, then reported. */
public class PartnerFormatException extends RuntimeException {
    public PartnerFormatException(String message) {
        super(message);
    }

    public PartnerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
