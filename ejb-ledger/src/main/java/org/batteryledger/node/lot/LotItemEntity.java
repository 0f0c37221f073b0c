package org.batteryledger.node.lot;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/**
 * One battery of a lot and how its valuation went. {@code STARTED} is written, with the time, before the valuation
 * begins: after a crash such an item adopts the certificate this node issued of the battery since then, if there is
 * one, instead of valuing the battery a second time.
 */
@Entity
@Table(name = "VALUATION_LOT_ITEM", indexes = @Index(name = "IX_LOT_ITEM_STATE", columnList = "state, lotId, position"))
@IdClass(LotItemEntity.Key.class)
public class LotItemEntity {
    public enum State { PENDING, STARTED, VALUED, FAILED, CANCELLED }

    /** The column holds the name ({@link org.batteryledger.node.store.EnumName}). */
    @jakarta.persistence.Converter
    public static class StateColumn extends org.batteryledger.node.store.EnumName<State> {
        public StateColumn() {
            super(State.class);
        }
    }

    public static class Key implements Serializable {
        private String lotId;
        private int position;

        public Key() {
        }

        public Key(String lotId, int position) {
            this.lotId = lotId;
            this.position = position;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.lotId.equals(lotId) && k.position == position;
        }

        @Override
        public int hashCode() {
            return Objects.hash(lotId, position);
        }
    }

    @Id
    @Column(length = 40)
    private String lotId;
    @Id
    private int position;
    @Column(nullable = false, length = 64)
    private String batteryCode;
    @Convert(converter = StateColumn.class)
    @Column(nullable = false, length = 16)
    private State state;
    private Long startedAt;
    @Column(length = 64)
    private String certificateId;
    @Column(length = 512)
    private String reason;
    private Double stateOfHealth;
    @Column(length = 16)
    private String status;
    private Double residualValue;
    private Double residualValueLow;
    private Double residualValueHigh;
    @Column(length = 8)
    private String currency;
    @Column(length = 16)
    private String evidence;

    protected LotItemEntity() {
    }

    LotItemEntity(String lotId, int position, String batteryCode) {
        this.lotId = lotId;
        this.position = position;
        this.batteryCode = batteryCode;
        this.state = State.PENDING;
    }

    void started(long at) {
        state = State.STARTED;
        startedAt = at;
    }

    void valued(String certificateId, double soh, String status, double value, double low, double high, String currency, String evidence) {
        this.state = State.VALUED;
        this.certificateId = certificateId;
        this.stateOfHealth = soh;
        this.status = status;
        this.residualValue = value;
        this.residualValueLow = low;
        this.residualValueHigh = high;
        this.currency = currency;
        this.evidence = evidence;
        this.reason = null;
    }

    void failed(String why) {
        state = State.FAILED;
        reason = why == null ? "" : why.length() > 512 ? why.substring(0, 511) + "…" : why;
    }

    void pending() {
        state = State.PENDING;
        startedAt = null;
    }

    void cancelled() {
        state = State.CANCELLED;
    }

    public String lotId() {
        return lotId;
    }

    public int position() {
        return position;
    }

    public String batteryCode() {
        return batteryCode;
    }

    public State state() {
        return state;
    }

    public Long startedAt() {
        return startedAt;
    }

    public String certificateId() {
        return certificateId;
    }

    public String reason() {
        return reason;
    }

    public Double stateOfHealth() {
        return stateOfHealth;
    }

    public String status() {
        return status;
    }

    public Double residualValue() {
        return residualValue;
    }

    public Double residualValueLow() {
        return residualValueLow;
    }

    public Double residualValueHigh() {
        return residualValueHigh;
    }

    public String currency() {
        return currency;
    }

    public String evidence() {
        return evidence;
    }
}
