package org.batteryledger.node.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A message this node signed, or a prepared certificate: replayed after a crash so it never votes twice. */
@Entity
@Table(name = "LEDGER_VOTE_LOG")
public class VoteLogEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(nullable = false)
    private long height;
    // bytea on PostgreSQL; on H2 a BLOB, because Hibernate's H2 dialect makes a byte[] longer than 1 MiB one (BENCHMARKS.md,
    // "A block's commits in H2"). Not @Lob: a large object cannot be read outside a transaction on PostgreSQL.
    @Column(nullable = false, length = Columns.MAX_BYTES)
    private byte[] encoded;

    protected VoteLogEntity() {
    }

    public byte[] encoded() {
        return encoded;
    }
}
