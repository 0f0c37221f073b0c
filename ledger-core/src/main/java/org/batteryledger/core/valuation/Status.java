package org.batteryledger.core.valuation;

/** What a battery is fit for, from the conservative end of its state-of-health band. */
public enum Status {
    /** Above the end-of-life threshold: fit for reuse in a vehicle. */
    REUSE("reuse"),
    /** Between the second-life floor and end of life: repurpose for stationary storage. */
    REPURPOSE("repurpose"),
    /** Below the second-life floor, or after a negative event that rules out a second life: recycle. */
    RECYCLE("recycle");

    private final String wire;

    Status(String wire) {
        this.wire = wire;
    }

    /** The name in certificates and APIs. */
    public String wire() {
        return wire;
    }

    public static Status ofWire(String s) {
        for (Status v : values()) {
            if (v.wire.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown valuation status '" + s + "'");
    }
}
