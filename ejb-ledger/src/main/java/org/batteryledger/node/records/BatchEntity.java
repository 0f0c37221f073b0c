package org.batteryledger.node.records;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * An anchoring batch: sealed (its records and root fixed, in the same transaction that assigned them), submitted
 * (an ANCHOR_BATCH transaction is in the pool), anchored (committed, with height and transaction hash).
 */
@Entity
@Table(name = "ANCHOR_BATCH", indexes = @Index(name = "IX_BATCH_STATUS", columnList = "status"))
public class BatchEntity {
    public enum Status { SEALED, SUBMITTED, ANCHORED }

    /** The column holds the name ({@link org.batteryledger.node.store.EnumName}). */
    @jakarta.persistence.Converter
    public static class StatusColumn extends org.batteryledger.node.store.EnumName<Status> {
        public StatusColumn() {
            super(Status.class);
        }
    }

    @Id
    @Column(length = 128)
    private String batchId;
    @Column(nullable = false, length = 64)
    private String root;
    @Column(nullable = false)
    private int size;
    @Convert(converter = StatusColumn.class)
    @Column(nullable = false, length = 16)
    private Status status;
    @Column(nullable = false)
    private long sealedAt;
    @Column(length = 64)
    private String txHash;
    /** The committed height when the transaction was submitted: after its lifetime without a commit, resubmit. */
    @Column(nullable = false)
    private long submittedAtHeight = -1;
    @Column(nullable = false)
    private long height = -1;

    protected BatchEntity() {
    }

    BatchEntity(String batchId, String root, int size, long sealedAt) {
        this.batchId = batchId;
        this.root = root;
        this.size = size;
        this.status = Status.SEALED;
        this.sealedAt = sealedAt;
    }

    public String batchId() {
        return batchId;
    }

    public String root() {
        return root;
    }

    public int size() {
        return size;
    }

    public Status status() {
        return status;
    }

    public String txHash() {
        return txHash;
    }

    public long submittedAtHeight() {
        return submittedAtHeight;
    }

    public long height() {
        return height;
    }

    void submitted(String txHash, long atHeight) {
        this.status = Status.SUBMITTED;
        this.txHash = txHash;
        this.submittedAtHeight = atHeight;
    }

    void anchored(String txHash, long height) {
        this.status = Status.ANCHORED;
        this.txHash = txHash;
        this.height = height;
    }
}
