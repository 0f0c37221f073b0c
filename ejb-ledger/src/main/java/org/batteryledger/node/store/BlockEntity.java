package org.batteryledger.node.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A committed block with its commit certificate, in the canonical encoding; the other columns are for queries. */
@Entity
@Table(name = "LEDGER_BLOCK")
public class BlockEntity {
    @Id
    private long height;
    @Column(nullable = false, length = 64)
    private String hash;
    @Column(nullable = false)
    private int txCount;
    @Column(nullable = false)
    private long timestampMillis;
    @Column(nullable = false, length = 40)
    private String proposer;
    @Column(nullable = false)
    private int certificateView;
    // bytea on PostgreSQL; on H2 a BLOB, because Hibernate's H2 dialect makes a byte[] longer than 1 MiB one (BENCHMARKS.md,
    // "A block's commits in H2"). Not @Lob: a large object cannot be read outside a transaction on PostgreSQL.
    @Column(nullable = false, length = Columns.MAX_BYTES)
    private byte[] encoded;

    protected BlockEntity() {
    }

    public long height() {
        return height;
    }

    public byte[] encoded() {
        return encoded;
    }
}
