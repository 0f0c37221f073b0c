package org.batteryledger.node.records;

import jakarta.ejb.ApplicationException;

/** This node holds no such thing (a battery, a record): the caller's 404, not a failure. */
@ApplicationException
public class NotHeld extends RuntimeException {
    public NotHeld(String message) {
        super(message);
    }
}
