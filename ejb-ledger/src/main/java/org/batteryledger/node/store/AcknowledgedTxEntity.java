package org.batteryledger.node.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A transaction acknowledged to a client and not yet committed: handed back to the replica after a crash. */
@Entity
@Table(name = "LEDGER_ACKNOWLEDGED_TX")
public class AcknowledgedTxEntity {
    @Id
    @Column(length = 64)
    private String hash;
    @Column(nullable = false)
    private long expiryHeight;
    // bytea on PostgreSQL; on H2 a BLOB, because Hibernate's H2 dialect makes a byte[] longer than 1 MiB one (BENCHMARKS.md,
    // "A block's commits in H2"). Not @Lob: a large object cannot be read outside a transaction on PostgreSQL.
    @Column(nullable = false, length = Columns.MAX_BYTES)
    private byte[] encoded;

    protected AcknowledgedTxEntity() {
    }

    public byte[] encoded() {
        return encoded;
    }
}
