package org.batteryledger.core.crypto;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A node's identity: the first 20 bytes of the chain suite's hash of the node's public key, as 40 lowercase hex
 * characters. Derived, never chosen, so a certificate and its node id cannot disagree.
 */
public record NodeId(String value) implements Comparable<NodeId> {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{40}");

    public NodeId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("a node id is 40 lowercase hex characters, not " + value);
        }
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
