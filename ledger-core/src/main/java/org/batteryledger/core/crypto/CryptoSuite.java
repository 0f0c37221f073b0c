package org.batteryledger.core.crypto;

/**
 * A hash function and a signature scheme, chosen once per chain in the genesis. Implementations are stateless
 * and thread-safe.
 */
public interface CryptoSuite {
    /** Stable name written into the genesis: {@code ecdsa-p256-sha256}, {@code sm2-sm3}, {@code sim-keyed-hash}. */
    String id();

    Hash hash(byte[] data);

    /** Verifies a signature; returns false (never throws) for malformed keys or signatures. */
    boolean verify(byte[] publicKey, byte[] message, byte[] signature);
}
