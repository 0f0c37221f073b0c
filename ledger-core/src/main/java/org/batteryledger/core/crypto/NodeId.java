package org.batteryledger.core.crypto;

import java.util.Arrays;

/**
 * A node's identity: the first 20 bytes of the chain suite's hash of the node's public key, as 40 lowercase hex
 * characters. Derived, never chosen, so a certificate and its node id cannot disagree.
 */
public record NodeId(String value) implements Comparable<NodeId> {
    public NodeId {
        if (!wellFormed(value)) {
            throw new IllegalArgumentException("a node id is 40 lowercase hex characters, not " + value);
        }
    }

    /** 40 lowercase hex characters; a loop, not a regex: every transaction decodes its sender's id. */
    private static boolean wellFormed(String value) {
        if (value == null || value.length() != 40) {
            return false;
        }
        for (int i = 0; i < 40; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    public static NodeId of(CryptoSuite suite, byte[] publicKey) {
        return new NodeId(org.batteryledger.core.codec.Hex.encode(Arrays.copyOf(suite.hash(publicKey).unsafeBytes(), 20)));
    }

    public String shortId() {
        return value.substring(0, 8);
    }

    @Override
    public int compareTo(NodeId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
