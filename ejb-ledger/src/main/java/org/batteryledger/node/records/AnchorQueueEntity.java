package org.batteryledger.node.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A stored record waiting for an anchoring batch: written in the transaction that stores the record, deleted in the one
 * that seals it. Sealing reads the head of this queue in {@code seq} order, so its cost is one batch whatever the backlog;
 * asking the record table for {@code batchId is null ... order by seq} made every cycle scan and sort the whole backlog
 * (3 s per cycle with 300,000 waiting records on H2, which cannot walk an index in order under {@code is null}).
 */
@Entity
@Table(name = "ANCHOR_QUEUE")
public class AnchorQueueEntity {
    /** The record's own {@link RecordEntity#seq()}. */
    @Id
    private long seq;
    @Column(nullable = false)
    private long receivedAt;

    protected AnchorQueueEntity() {
    }

    AnchorQueueEntity(long seq, long receivedAt) {
        this.seq = seq;
        this.receivedAt = receivedAt;
    }
}
