package org.batteryledger.node.store;

/** Column limits shared by the ledger's entities. */
final class Columns {
    /**
     * Encoded blocks, state values and votes: bytea on PostgreSQL, BLOB on H2 (Hibernate's H2 dialect makes a byte[] longer than
     * 1 MiB one; not @Lob: see BlockEntity).
     */
    static final int MAX_BYTES = 256 * 1024 * 1024;

    private Columns() {
    }
}
