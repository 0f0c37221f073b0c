package org.batteryledger.core.merkle;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Plain SHA-256 for tests, independent of the production suites; it signs nothing, so verify always fails. */
final class Sha256TestSuite implements CryptoSuite {
    static final Sha256TestSuite INSTANCE = new Sha256TestSuite();

    @Override
    public String id() {
        return "sha256-test";
    }

    @Override
    public Hash hash(byte[] data) {
        try {
            return Hash.of(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE provides SHA-256", e);
        }
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return false;
    }
}
