package org.batteryledger.core.contract;

/** A transaction that the contracts refuse in the current state; the reason is shown to whoever submitted it. */
public final class ContractException extends RuntimeException {
    public ContractException(String reason) {
        super(reason, null, false, false);
    }
}
