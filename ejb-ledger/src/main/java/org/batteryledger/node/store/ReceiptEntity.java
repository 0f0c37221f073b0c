package org.batteryledger.node.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/** The outcome of a committed transaction: where it landed and, if its contract refused it, why. */
@Entity
@Table(name = "LEDGER_RECEIPT", indexes = @Index(name = "IX_RECEIPT_HEIGHT", columnList = "height")) // a block's receipts by height: GET /blocks/{h}
public class ReceiptEntity {
    @Id
    @Column(length = 64)
    private String txHash;
    @Column(nullable = false)
    private long height;
    @Column(length = 2048)
    private String error;
    /**
     * The transaction's expiry height, from which the node derives the replay index when it reads its state back
     * ({@link StateWrites#readState}). Null in receipts written before it was kept: their index entries are rows of
     * {@code LEDGER_STATE}.
     */
    private Long expiryHeight;

    protected ReceiptEntity() {
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
