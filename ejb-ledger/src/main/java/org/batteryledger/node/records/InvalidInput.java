package org.batteryledger.node.records;

import jakarta.ejb.ApplicationException;

/** Input the caller must fix; reaches the caller as is (not wrapped as a system failure, nothing rolled back to hide). */
@ApplicationException
public class InvalidInput extends RuntimeException {
    public InvalidInput(String message) {
        super(message);
    }
}
