package org.batteryledger.core.pki;

import java.util.Locale;

/**
 * Why a certificate was revoked: the RFC 5280 CRLReason values this chain uses, with their codes (as in a CRL entry)
 * and their names (as RFC 5280 spells them). Only a key compromise condemns what the key signed before; the other
 * reasons end the key's use from the revocation on.
 */
public enum RevocationReason {
    UNSPECIFIED(0, "unspecified"),
    KEY_COMPROMISE(1, "keyCompromise"),
    AFFILIATION_CHANGED(3, "affiliationChanged"),
    SUPERSEDED(4, "superseded"),
    CESSATION_OF_OPERATION(5, "cessationOfOperation");

    private final int code;
    private final String label;

    RevocationReason(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    public String label() {
        return label;
    }

    /** @throws IllegalArgumentException for a code this chain does not use */
    public static RevocationReason fromCode(int code) {
        for (RevocationReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("revocation reason code " + code + " is not one of " + labels());
    }

    /** By RFC 5280 name, case-insensitively ({@code keyCompromise}, {@code superseded} …). */
    public static RevocationReason fromLabel(String label) {
        for (RevocationReason r : values()) {
            if (r.label.toLowerCase(Locale.ROOT).equals(label.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("revocation reason '" + label + "' is not one of " + labels());
    }

    public static String labels() {
        StringBuilder b = new StringBuilder();
        for (RevocationReason r : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(r.label);
        }
        return b.toString();
    }
}
