package org.batteryledger.core.contract;

import org.batteryledger.core.codec.DecodeException;

import java.util.Locale;

/**
 * What a member company does in the consortium, set per agency by governance. It decides what the agency's nodes
 * may put on chain (a battery registration needs a manufacturer, a valuation a recycler or auditor) and what other
 * members disclose to it ({@link org.batteryledger.core.policy.DisclosurePolicy}). Wire codes are stable.
 */
public enum MemberKind {
    MANUFACTURER(1), CHARGING(2), RECYCLER(3), AUDITOR(4);

    private final int code;

    MemberKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static MemberKind fromCode(int code) {
        for (MemberKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new DecodeException("unknown member kind " + code);
    }

    /** The lowercase label used in APIs and on the command line: {@code manufacturer}, {@code charging}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MemberKind fromLabel(String label) {
        for (MemberKind k : values()) {
            if (k.label().equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown member kind '" + label + "' (manufacturer, charging, recycler or auditor)");
    }
}
