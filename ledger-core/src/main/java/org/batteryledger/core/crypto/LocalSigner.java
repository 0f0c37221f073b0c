package org.batteryledger.core.crypto;

import org.bouncycastle.crypto.params.ECPrivateKeyParameters;

/**
 * A {@link Signer} over a private key held in memory. Stateless per call (each signature builds its own BC signer),
 * so one instance is safe to share between threads.
 */
public final class LocalSigner implements Signer {
    private final EcSuite suite;
    private final ECPrivateKeyParameters privateKey;
    private final byte[] publicKey;

    public LocalSigner(EcSuite suite, ECPrivateKeyParameters privateKey) {
        this.suite = suite;
        this.privateKey = suite.checkPrivateKey(privateKey);
        this.publicKey = suite.publicKeyOf(privateKey);
    }

    public EcSuite suite() {
        return suite;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public NodeId nodeId() {
        return NodeId.of(suite, publicKey);
    }

    /** DER-encoded, deterministic for a given key and message. */
    @Override
    public byte[] sign(byte[] message) {
        return suite.sign(privateKey, message);
    }

    @Override
    public String toString() {
        return "LocalSigner[" + suite.id() + ", node " + nodeId() + "]";
    }
}
