package org.batteryledger.core.contract;

import org.batteryledger.core.codec.DecodeException;

/** Consensus nodes vote; observers sync and verify every block but do not vote. */
public enum Role {
    CONSENSUS(1), OBSERVER(2);

    private final int code;

    Role(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Role fromCode(int code) {
        for (Role r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new DecodeException("unknown role " + code);
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
