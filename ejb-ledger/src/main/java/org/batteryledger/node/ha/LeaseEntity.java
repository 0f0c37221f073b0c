package org.batteryledger.node.ha;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.batteryledger.core.ha.Lease;

/**
 * The table of a clustered member's replica lease (one row, {@code ID} 1): here so that Hibernate creates it with the
 * rest of the schema. It is read and written through {@link LeaseTable} only, by compare-and-set on the epoch.
 */
@Entity
@Table(name = "MEMBER_LEASE")
public class LeaseEntity {
    @Id
    @Column(name = "ID")
    private int id;
    @Column(name = "HOLDER", nullable = false, length = Lease.MAX_HOLDER_CHARS)
    private String holder;
    @Column(name = "EPOCH", nullable = false)
    private long epoch;
    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;
    /** Where the holder serves its member's API (its HTTP base): the other server forwards requests there. */
    @Column(name = "ADDRESS", length = 512)
    private String address;

    protected LeaseEntity() {
    }
}
