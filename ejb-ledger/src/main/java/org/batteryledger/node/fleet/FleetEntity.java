package org.batteryledger.node.fleet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * One battery of the fleet table: what the chain says of it (who registered it, when it was made) and this node's
 * latest assessment of it from the consortium's evidence (figures, and how complete that evidence was). A read model:
 * rebuilt from the chain and the members' records, never a source of truth. Every sortable column has an index that
 * ends in the battery code, the order's tie-breaker, so a page is a walk along one index.
 */
@Entity
@Table(name = "FLEET_BATTERY", indexes = {
        @Index(name = "IX_FLEET_UNIT", columnList = "unitKind, batteryCode"),
        @Index(name = "IX_FLEET_CHEMISTRY", columnList = "chemistry, batteryCode"),
        @Index(name = "IX_FLEET_MANUFACTURER", columnList = "manufacturer, batteryCode"),
        @Index(name = "IX_FLEET_MADE", columnList = "manufacturedAt, batteryCode"),
        @Index(name = "IX_FLEET_SESSIONS", columnList = "sessions, batteryCode"),
        @Index(name = "IX_FLEET_EFC", columnList = "equivalentFullCycles, batteryCode"),
        @Index(name = "IX_FLEET_SOH", columnList = "stateOfHealth, batteryCode"),
        @Index(name = "IX_FLEET_STATUS", columnList = "status, batteryCode"),
        @Index(name = "IX_FLEET_VALUE", columnList = "residualValue, batteryCode"),
        @Index(name = "IX_FLEET_EVIDENCE", columnList = "evidence, batteryCode"),
        @Index(name = "IX_FLEET_DUE", columnList = "dueAt")})
public class FleetEntity {
    @Id
    @Column(length = 64)
    private String batteryCode;
    @Column(nullable = false, length = 8)
    private String unitKind;
    /** The agency that registered the battery on chain; null while only this node holds its records. */
    @Column(length = 128)
    private String registeredBy;
    @Column(nullable = false)
    private long registrationVersion;
    /** Epoch seconds, from the registration (or this node's master record before it is registered). */
    private Long manufacturedAt;

    // This node's latest assessment; null until the first one.
    @Column(length = 16)
    private String chemistry;
    @Column(length = 128)
    private String manufacturer;
    private Integer sessions;
    private Double equivalentFullCycles;
    private Double stateOfHealth;
    private Double stateOfHealthLow;
    private Double stateOfHealthHigh;
    @Column(length = 16)
    private String status;
    private Double residualValue;
    private Double residualValueLow;
    private Double residualValueHigh;
    @Column(length = 8)
    private String currency;
    /** {@link Evidence}'s wire name. */
    @Column(nullable = false, length = 16)
    private String evidence;
    @Column(length = 512)
    private String evidenceDetail;
    @Column(nullable = false)
    private int unanchored;
    private Long assessedAt;
    @Column(length = 64)
    private String certificateId;
    /** When the refresher should assess this battery next (epoch millis); the smallest comes first. */
    @Column(nullable = false)
    private long dueAt;

    protected FleetEntity() {
    }

    FleetEntity(String batteryCode, String unitKind, long dueAt) {
        this.batteryCode = batteryCode;
        this.unitKind = unitKind;
        this.evidence = Evidence.NOT_ASSESSED.wire();
        this.dueAt = dueAt;
    }

    /** What the chain says: a new or superseding registration makes the battery due now. */
    void registered(String agency, long version, long manufacturedAtEpochSecond, long now) {
        this.registeredBy = agency;
        this.registrationVersion = version;
        this.manufacturedAt = manufacturedAtEpochSecond;
        this.dueAt = Math.min(dueAt, now);
    }

    void assessed(Assessed a, long now, long nextDue) {
        chemistry = a.chemistry();
        manufacturer = a.manufacturer();
        if (a.manufacturedAt() != null) {
            manufacturedAt = a.manufacturedAt();
        }
        sessions = a.sessions();
        equivalentFullCycles = a.equivalentFullCycles();
        stateOfHealth = a.stateOfHealth();
        stateOfHealthLow = a.stateOfHealthLow();
        stateOfHealthHigh = a.stateOfHealthHigh();
        status = a.status();
        residualValue = a.residualValue();
        residualValueLow = a.residualValueLow();
        residualValueHigh = a.residualValueHigh();
        currency = a.currency();
        evidence = a.evidence().wire();
        evidenceDetail = truncate(a.detail(), 512);
        unanchored = a.unanchored();
        if (a.certificateId() != null) {
            certificateId = a.certificateId();
        }
        assessedAt = now;
        dueAt = nextDue;
    }

    /** The assessment could not be made: the figures of the last one stay, the evidence column says why. */
    void notAssessed(Evidence why, String detail, long now, long nextDue) {
        evidence = why.wire();
        evidenceDetail = truncate(detail, 512);
        assessedAt = now;
        dueAt = nextDue;
    }

    /**
     * Evidence this node could not have now: a holder down or busy, a record not anchored yet. Usually back within
     * seconds, so the row is looked at again after {@code firstRetry}, then after twice as long each time the evidence
     * is still unavailable, up to {@code maxAge}: a battery that stays unavailable (a member gone, a policy that
     * withholds its records) costs the holders little.
     */
    void unavailable(String detail, long now, long firstRetry, long maxAge) {
        long wait = retryWait(Evidence.UNAVAILABLE, firstRetry, maxAge);
        notAssessed(Evidence.UNAVAILABLE, detail, now, now + wait);
    }

    /** An assessment some holder did not answer (incomplete): looked at again as {@link #unavailable} is. */
    void assessedWithoutSomeHolders(Assessed a, long now, long firstRetry, long maxAge) {
        long wait = retryWait(a.evidence(), firstRetry, maxAge);
        assessed(a, now, now + wait);
    }

    /** {@code firstRetry} the first time the evidence falls short this way, then twice the last wait, up to {@code maxAge}. */
    private long retryWait(Evidence shortOf, long firstRetry, long maxAge) {
        long lastWait = shortOf.wire().equals(evidence) && assessedAt != null ? dueAt - assessedAt : 0;
        return Math.min(maxAge, Math.max(firstRetry, 2 * lastWait));
    }

    long dueAt() {
        return dueAt;
    }

    void due(long at) {
        dueAt = Math.min(dueAt, at);
    }

    void certificate(String id) {
        certificateId = id;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    public String batteryCode() {
        return batteryCode;
    }

    public String unitKind() {
        return unitKind;
    }

    public String registeredBy() {
        return registeredBy;
    }

    public long registrationVersion() {
        return registrationVersion;
    }

    public Long manufacturedAt() {
        return manufacturedAt;
    }

    public String chemistry() {
        return chemistry;
    }

    public String manufacturer() {
        return manufacturer;
    }

    public Integer sessions() {
        return sessions;
    }

    public Double equivalentFullCycles() {
        return equivalentFullCycles;
    }

    public Double stateOfHealth() {
        return stateOfHealth;
    }

    public Double stateOfHealthLow() {
        return stateOfHealthLow;
    }

    public Double stateOfHealthHigh() {
        return stateOfHealthHigh;
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

    public String evidenceDetail() {
        return evidenceDetail;
    }

    public int unanchored() {
        return unanchored;
    }

    public Long assessedAt() {
        return assessedAt;
    }

    public String certificateId() {
        return certificateId;
    }
}
