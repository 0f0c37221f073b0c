package org.batteryledger.core.crypto;

/**
 * A hash function and a signature scheme, chosen once per chain in the genesis. Implementations are stateless
 * and thread-safe.
 */
public interface CryptoSuite {
    /** Stable name written into the genesis: {@code ecdsa-p256-sha256}, {@code sm2-sm3}, {@code sim-keyed-hash}. */
    String id();

    Hash hash(byte[] data);

    /**
     * A hash function for one caller to reuse, which writes into the caller's buffer: for loops of many hashes (a
     * Merkle tree of a thousand leaves is two thousand), where allocating a digest, its output and a {@link Hash} per
     * hash costs more than hashing. The same function as {@link #hash}. Not thread-safe: one per loop.
     */
    default Hasher hasher() {
        return (in, offset, length, out, outOffset) -> System.arraycopy(
                hash(java.util.Arrays.copyOfRange(in, offset, offset + length)).unsafeBytes(), 0, out, outOffset, Hash.LENGTH);
    }

    /** See {@link CryptoSuite#hasher()}. */
    @FunctionalInterface
    interface Hasher {
        /** Writes the {@value Hash#LENGTH}-byte hash of {@code in[offset, offset + length)} to {@code out} at {@code outOffset}. */
        void hash(byte[] in, int offset, int length, byte[] out, int outOffset);
    }

    /** Verifies a signature; returns false (never throws) for malformed keys or signatures. */
    boolean verify(byte[] publicKey, byte[] message, byte[] signature);
}
