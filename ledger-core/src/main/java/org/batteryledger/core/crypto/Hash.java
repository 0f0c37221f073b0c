package org.batteryledger.core.crypto;

import org.batteryledger.core.codec.Hex;

import java.util.Arrays;

/** A 32-byte digest (SHA-256 or SM3). Immutable, ordered bytewise (unsigned) so sorted collections are canonical. */
public final class Hash implements Comparable<Hash> {
    public static final int LENGTH = 32;
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    private final byte[] bytes;
    private final int hashCode;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
        this.hashCode = Arrays.hashCode(bytes);
    }

    public static Hash of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash has " + LENGTH + " bytes, not " + bytes.length);
        }
        return new Hash(bytes.clone());
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
        return hashCode;
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
