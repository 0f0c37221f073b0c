package org.batteryledger.node.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.PrimaryKeyJoinColumn;
import jakarta.persistence.SecondaryTable;
import jakarta.persistence.Table;

import java.nio.charset.StandardCharsets;

/**
 * An off-chain record as this node took it in: its canonical JSON (RFC 8785), its hash, and, once batched, its batch
 * and leaf index. {@code seq} orders intake, so batches take records first in, first out.
 * <p>
 * The batch columns live in their own table, {@code BATCH_LEAF} (one row per sealed record, keyed by {@code seq}),
 * written only by sealing ({@link RecordStore#sealBatch}) and read here by an outer join. Sealing used to update the
 * record's row instead: H2 then removes and re-adds the row in every index, two of them keyed by random values (record
 * id and hash), so each seal rewrote leaf pages all over those indexes. An insert of a narrow row keyed by {@code seq}
 * appends instead (see BENCHMARKS.md, "Sealing without rewriting the record").
 * <p>
 * A record is found by its hash through {@code BATCH_LEAF} too ({@link #hashKey}), so only once it is sealed, which is
 * all a proof needs. An index on the hash in the record's row took a random key at every intake commit: H2 writes each
 * touched index page anew at a commit, so each commit of a thousand records rewrote most of that index, and the
 * database file grew twice as fast (BENCHMARKS.md, "Records found by hash at sealing").
 */
@Entity
@Table(name = "OFFCHAIN_RECORD", indexes = {
        @Index(name = "IX_RECORD_ID", columnList = "recordId", unique = true),
        @Index(name = "IX_RECORD_BATTERY", columnList = "batteryCode, type")})
@SecondaryTable(name = RecordEntity.BATCH_LEAF, pkJoinColumns = @PrimaryKeyJoinColumn(name = "seq"),
        indexes = {@Index(name = "IX_LEAF_BATCH", columnList = "batchId, leafIndex", unique = true),
                @Index(name = "IX_LEAF_HASH", columnList = "hashKey")})
public class RecordEntity {
    /** The table of sealed records' batch, leaf index and audit path. */
    static final String BATCH_LEAF = "BATCH_LEAF";
    /** Canonical records are small; this bounds what one record may hold. */
    public static final int MAX_CANONICAL_BYTES = org.batteryledger.core.intake.Intake.MAX_CANONICAL_BYTES;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE)
    private long seq;
    @Column(nullable = false, length = 128)
    private String recordId;
    @Column(nullable = false, length = 16)
    private String type;
    @Column(nullable = false, length = 64)
    private String batteryCode;
    @Column(nullable = false, length = 64)
    private String recordHash;
    @Column(nullable = false, length = MAX_CANONICAL_BYTES)
    private byte[] canonical;
    @Column(nullable = false, length = 128)
    private String source;
    @Column(nullable = false)
    private long receivedAt;
    @Column(table = BATCH_LEAF, length = 128, insertable = false, updatable = false)
    private String batchId;
    @Column(table = BATCH_LEAF, insertable = false, updatable = false)
    private Integer leafIndex;
    /**
     * The record's RFC 6962 audit path in its batch (an encoded {@code InclusionProof}), kept when the batch is sealed so
     * that a proof costs one row, not the batch's tree; null for records batched before it was kept.
     */
    @Column(table = BATCH_LEAF, length = 24 + 64 * 32, insertable = false, updatable = false)
    private byte[] auditPath;
    /**
     * The first eight bytes of the record's hash ({@link #hashKey(String)}), written when the record is sealed: a small
     * key for finding a record by its hash, written a batch at a time. Null only for leaf rows of an earlier version
     * until {@link RecordsUpgrade} fills them in.
     */
    @Column(table = BATCH_LEAF, insertable = false, updatable = false)
    private Long hashKey;

    protected RecordEntity() {
    }

    public RecordEntity(String recordId, String type, String batteryCode, String recordHash, String canonicalJson, String source, long receivedAt) {
        this.recordId = recordId;
        this.type = type;
        this.batteryCode = batteryCode;
        this.recordHash = recordHash;
        this.canonical = canonicalJson.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.receivedAt = receivedAt;
    }

    /** The lookup key of a record hash (64 hex digits): its first eight bytes as a long. Two hashes may share one. */
    public static long hashKey(String recordHash) {
        return Long.parseUnsignedLong(recordHash.substring(0, 16), 16);
    }

    public long seq() {
        return seq;
    }

    public String recordId() {
        return recordId;
    }

    public String type() {
        return type;
    }

    public String batteryCode() {
        return batteryCode;
    }

    public String recordHash() {
        return recordHash;
    }

    public String source() {
        return source;
    }

    public String canonicalJson() {
        return new String(canonical, StandardCharsets.UTF_8);
    }

    /** The canonical JSON's bytes as stored (a copy), for a record that travels as bytes: no decoding and encoding again. */
    public byte[] canonicalBytes() {
        return canonical.clone();
    }

    public String batchId() {
        return batchId;
    }

    /** The record's index in its batch, or -1 while it is in none. */
    public int leafIndex() {
        return leafIndex == null ? -1 : leafIndex;
    }

    /** The encoded audit path kept at sealing, or null (see the field). */
    public byte[] auditPath() {
        return auditPath == null ? null : auditPath.clone();
    }
}
