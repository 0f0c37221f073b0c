package org.batteryledger.node.service;

/** A committed transaction's outcome: the height of its block and, when it failed, why. */
public record Receipt(String txHash, long height, String error) {
    public boolean ok() {
        return error == null;
    }
}
