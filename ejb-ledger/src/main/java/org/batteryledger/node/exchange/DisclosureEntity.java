package org.batteryledger.node.exchange;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * One answer this node gave another member's record query: who asked (node and agency), what (a battery's records or
 * a record's proof), when, how many records went out, and what the policy refused. The holder's log of disclosures,
 * shown in the console; written in the same step that answers, so no disclosure goes unlogged.
 */
@Entity
@Table(name = "DISCLOSURE", indexes = @Index(name = "IX_DISCLOSURE_AT", columnList = "askedAt"))
public class DisclosureEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE)
    private long id;
    @Column(nullable = false)
    private long askedAt;
    @Column(nullable = false, length = 64)
    private String askerNode;
    @Column(nullable = false, length = 256)
    private String askerAgency;
    /** {@code battery} or {@code proof}. */
    @Column(nullable = false, length = 16)
    private String kind;
    /** The battery code, or the record hash of a proof query. */
    @Column(nullable = false, length = 128)
    private String subject;
    @Column(nullable = false)
    private int disclosed;
    @Column(nullable = false, length = 2048)
    private String refused;

    protected DisclosureEntity() {
    }

    public DisclosureEntity(long askedAt, String askerNode, String askerAgency, String kind, String subject, int disclosed, String refused) {
        this.askedAt = askedAt;
        this.askerNode = askerNode;
        this.askerAgency = askerAgency;
        this.kind = kind;
        this.subject = subject;
        this.disclosed = disclosed;
        this.refused = refused.length() > 2048 ? refused.substring(0, 2045) + "..." : refused;
    }

    public long id() {
        return id;
    }

    public long askedAt() {
        return askedAt;
    }

    public String askerNode() {
        return askerNode;
    }

    public String askerAgency() {
        return askerAgency;
    }

    public String kind() {
        return kind;
    }

    public String subject() {
        return subject;
    }

    public int disclosed() {
        return disclosed;
    }

    public String refused() {
        return refused;
    }
}
