package org.batteryledger.node.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A rejected record, kept with why it was rejected and who sent it: nothing is silently dropped. */
@Entity
@Table(name = "DEAD_LETTER")
public class DeadLetterEntity {
    /** The payload is kept up to this many bytes (an oversized one is truncated, and says so in its reason). */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE)
    private long id;
    @Column(length = 128)
    private String recordId;
    @Column(nullable = false, length = 128)
    private String source;
    @Column(nullable = false, length = 4096)
    private String reason;
    @Column(nullable = false, length = MAX_PAYLOAD_BYTES)
    private byte[] payload;
    @Column(nullable = false)
    private long rejectedAt;

    protected DeadLetterEntity() {
    }

    public DeadLetterEntity(String recordId, String source, String reason, String payload, long rejectedAt) {
        this.recordId = recordId;
        this.source = source;
        this.reason = reason.length() > 4096 ? reason.substring(0, 4093) + "..." : reason;
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        this.payload = p.length > MAX_PAYLOAD_BYTES ? Arrays.copyOf(p, MAX_PAYLOAD_BYTES) : p;
        this.rejectedAt = rejectedAt;
    }
}
