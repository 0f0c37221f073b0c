package org.batteryledger.core.crypto;

/**
 * Signatures that the replica's owner already verified with the chain's suite, so the replica need not verify them
 * again: a node checks a sync response's commit seals on a second core while its replica applies the response
 * (BENCHMARKS.md, "Seals checked on a second core"). Only the signature check itself is skipped; every other rule
 * about a seal (a validator's, once, a quorum) stays the replica's.
 *
 * <p>An implementation answers true only for exactly these bytes, after {@link CryptoSuite#verify} returned true for
 * them; it may answer false for anything (it forgot, it was not asked). It is called on the replica's thread.
 */
@FunctionalInterface
public interface CheckedSignatures {
    /** Nothing checked beforehand: the replica verifies every signature itself. */
    CheckedSignatures NONE = (publicKey, message, signature) -> false;

    boolean checked(byte[] publicKey, byte[] message, byte[] signature);
}
