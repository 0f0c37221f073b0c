package org.batteryledger.node.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * Where this node stands in a partner's feed: the id of the last record taken (the partner serves records after
 * it). Moved in the transaction that stores the records, so the two never disagree after a crash.
 */
@Entity
@Table(name = "PULL_CURSOR")
public class PullCursorEntity {
    @Id
    @Column(length = 64)
    private String partner;
    @Column(length = 128)
    private String position;
    /** When the cursor first stopped before a session of an unknown battery; 0 when not stopped. */
    @Column(nullable = false)
    private long deferringSince;
    @Column(nullable = false)
    private long taken;
    @Column(nullable = false)
    private long updatedAt;

    protected PullCursorEntity() {
    }

    PullCursorEntity(String partner) {
        this.partner = partner;
    }

    public String partner() {
        return partner;
    }

    /** Null before the first record: the partner serves its feed from the start. */
    public String position() {
        return position;
    }

    public long deferringSince() {
        return deferringSince;
    }

    /** Records stored from this partner (duplicates not counted). */
    public long taken() {
        return taken;
    }

    public long updatedAt() {
        return updatedAt;
    }

    void moved(String position, long deferringSince, long newlyTaken, long now) {
        this.position = position;
        this.deferringSince = deferringSince;
        this.taken += newlyTaken;
        this.updatedAt = now;
    }
}
