package org.batteryledger.node.store;

/** Column limits shared by the ledger's entities. */
final class Columns {
    /** Encoded blocks, state values and votes: bytea on PostgreSQL, VARBINARY on H2 (not @Lob: see BlockEntity). */
    static final int MAX_BYTES = 256 * 1024 * 1024;

    private Columns() {
    }
}
