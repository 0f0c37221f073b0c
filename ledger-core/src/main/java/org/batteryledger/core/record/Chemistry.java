package org.batteryledger.core.record;

/** Cell chemistries a battery record may name (CONTRACT.md). */
public enum Chemistry {
    /** Lithium iron phosphate. */
    LFP,
    /** Lithium nickel manganese cobalt oxide. */
    NMC,
    /** Lithium nickel cobalt aluminium oxide. */
    NCA,
    /** Lithium manganese oxide. */
    LMO,
    /** Lithium titanate. */
    LTO
}
