package org.batteryledger.node.lot;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/** A lot valuation job: what was asked, by whom, and where it stands. Its batteries are {@link LotItemEntity} rows. */
@Entity
@Table(name = "VALUATION_LOT", indexes = @Index(name = "IX_LOT_STATUS", columnList = "status, createdAt"))
public class LotEntity {
    public enum Status {
        /** Batteries are being valued (or wait for their turn). */
        RUNNING,
        /** Every battery valued or failed. */
        DONE,
        /** Cancelled: batteries not started are left out; those being valued finish. */
        CANCELLED
    }

    /** The column holds the name ({@link org.batteryledger.node.store.EnumName}). */
    @jakarta.persistence.Converter
    public static class StatusColumn extends org.batteryledger.node.store.EnumName<Status> {
        public StatusColumn() {
            super(Status.class);
        }
    }

    @Id
    @Column(length = 40)
    private String lotId;
    @Column(nullable = false)
    private long createdAt;
    @Column(nullable = false, length = 128)
    private String createdBy;
    /** The filter the batteries were taken from, or empty when they were picked one by one. */
    @Column(nullable = false, length = 2_048)
    private String selection;
    @Column(nullable = false)
    private boolean partial;
    @Convert(converter = StatusColumn.class)
    @Column(nullable = false, length = 16)
    private Status status;
    @Column(nullable = false)
    private int total;
    private Long finishedAt;

    protected LotEntity() {
    }

    LotEntity(String lotId, long createdAt, String createdBy, String selection, boolean partial, int total) {
        this.lotId = lotId;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
        this.selection = selection;
        this.partial = partial;
        this.total = total;
        this.status = Status.RUNNING;
    }

    void finish(Status s, long at) {
        status = s;
        finishedAt = at;
    }

    public String lotId() {
        return lotId;
    }

    public long createdAt() {
        return createdAt;
    }

    public String createdBy() {
        return createdBy;
    }

    public String selection() {
        return selection;
    }

    public boolean partial() {
        return partial;
    }

    public Status status() {
        return status;
    }

    public int total() {
        return total;
    }

    public Long finishedAt() {
        return finishedAt;
    }
}
