package org.batteryledger.node.valuation;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * A valuation certificate this node issued: its canonical JSON, the CMS that signs it, and how far its registration
 * on chain got. The chain holds only the hash; this row is what GET /valuations/{id} serves.
 */
@Entity
@Table(name = "VALUATION_CERTIFICATE", indexes = @Index(name = "IX_VALUATION_BATTERY", columnList = "batteryCode, issuedAt"))
public class ValuationEntity {
    /** Enough for the evidence list of some 50,000 records. */
    static final int MAX_CONTENT_BYTES = 8 * 1024 * 1024;

    public enum Status {
        /** Signed and stored; the registration transaction is not accepted yet (or the node stopped before). */
        SIGNED,
        /** The registration transaction is in the pool. */
        SUBMITTED,
        /** Registered on chain at {@code height}. */
        REGISTERED,
        /** The chain refused the registration: {@code error} says why. */
        REFUSED
    }

    /** The column holds the name ({@link org.batteryledger.node.store.EnumName}). */
    @jakarta.persistence.Converter
    public static class StatusColumn extends org.batteryledger.node.store.EnumName<Status> {
        public StatusColumn() {
            super(Status.class);
        }
    }

    @Id
    @Column(length = 64)
    private String certificateId;
    @Column(nullable = false, length = 64)
    private String batteryCode;
    @Column(nullable = false, length = 64)
    private String certificateHash;
    @Column(nullable = false)
    private long issuedAt;
    @Column(nullable = false, length = MAX_CONTENT_BYTES)
    private byte[] content;
    @Column(nullable = false, length = MAX_CONTENT_BYTES)
    private byte[] cms;
    @Convert(converter = StatusColumn.class)
    @Column(nullable = false, length = 16)
    private Status status;
    @Column(length = 64)
    private String txHash;
    @Column(nullable = false)
    private long height = -1;
    @Column(length = 1024)
    private String error;
    /** {@link org.batteryledger.core.valuation.certificate.CertificateInputs#encode()}; null for certificates of format 1 (inline). */
    @Column(length = MAX_CONTENT_BYTES)
    private byte[] inputs;

    protected ValuationEntity() {
    }

    ValuationEntity(String certificateId, String batteryCode, String certificateHash, long issuedAt, byte[] content, byte[] cms, byte[] inputs) {
        this.certificateId = certificateId;
        this.batteryCode = batteryCode;
        this.certificateHash = certificateHash;
        this.issuedAt = issuedAt;
        this.content = content;
        this.cms = cms;
        this.inputs = inputs;
        this.status = Status.SIGNED;
    }

    void registered(long height) {
        this.status = Status.REGISTERED;
        this.height = height;
    }

    void refused(String error) {
        this.status = Status.REFUSED;
        this.error = error.length() > 1024 ? error.substring(0, 1024) : error;
    }

    public String certificateId() {
        return certificateId;
    }

    public String batteryCode() {
        return batteryCode;
    }

    public String certificateHash() {
        return certificateHash;
    }

    public long issuedAt() {
        return issuedAt;
    }

    public byte[] content() {
        return content.clone();
    }

    public byte[] cms() {
        return cms.clone();
    }

    /** The stored input list, or null (a certificate of format 1 lists its inputs inline). */
    public byte[] inputs() {
        return inputs == null ? null : inputs.clone();
    }

    public Status status() {
        return status;
    }

    public String txHash() {
        return txHash;
    }

    public long height() {
        return height;
    }

    public String error() {
        return error;
    }
}
