package org.batteryledger.core.crypto;

import org.batteryledger.core.codec.Hex;

import java.util.Arrays;

/** A 32-byte digest (SHA-256 or SM3). Immutable, ordered bytewise (unsigned) so sorted collections are canonical. */
public final class Hash implements Comparable<Hash> {
    public static final int LENGTH = 32;
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    private final byte[] bytes;
    /** Computed on first use, as String does: most hashes are written somewhere, never looked up. 0 until then. */
    private int hashCode;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Hash of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash has " + LENGTH + " bytes, not " + bytes.length);
        }
        return new Hash(bytes.clone());
    }

    /** A digest's fresh output, which nobody else holds: kept without a copy. */
    static Hash wrap(byte[] digest) {
        if (digest.length != LENGTH) {
            throw new IllegalArgumentException("a hash has " + LENGTH + " bytes, not " + digest.length);
        }
        return new Hash(digest);
    }

    public static Hash fromHex(String hex) {
        return of(Hex.decode(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The internal array, for writers that only read it. Never modify. */
    public byte[] unsafeBytes() {
        return bytes;
    }

    public String hex() {
        return Hex.encode(bytes);
    }

    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        int h = hashCode;
        if (h == 0) {
            h = Arrays.hashCode(bytes); // a racing thread computes the same value: no lock needed
            hashCode = h;
        }
        return h;
    }

    @Override
    public int compareTo(Hash o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
