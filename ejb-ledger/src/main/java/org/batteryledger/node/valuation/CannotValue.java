package org.batteryledger.node.valuation;

import jakarta.ejb.ApplicationException;

/** The battery cannot be valued now, and why (evidence not anchored yet, a stored record changed, the chain refused): a 409. */
@ApplicationException
public class CannotValue extends RuntimeException {
    public CannotValue(String message) {
        super(message);
    }
}
