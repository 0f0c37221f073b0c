package org.batteryledger.core.crypto;

import org.bouncycastle.crypto.params.ECPrivateKeyParameters;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/** A private key of a real suite with its public key (canonical SPKI DER). Immutable. */
public final class SuiteKeyPair {
    private final EcSuite suite;
    private final ECPrivateKeyParameters privateKey;
    private final byte[] publicKey;

    public SuiteKeyPair(EcSuite suite, ECPrivateKeyParameters privateKey) {
        this.suite = suite;
        this.privateKey = suite.checkPrivateKey(privateKey);
        this.publicKey = suite.publicKeyOf(privateKey);
    }

    /** @throws IllegalArgumentException if the bytes are not a PKCS#8 key of the suite's curve */
    public static SuiteKeyPair fromPkcs8(EcSuite suite, byte[] pkcs8) {
        return new SuiteKeyPair(suite, suite.privateKey(pkcs8));
    }

    public EcSuite suite() {
        return suite;
    }

    public ECPrivateKeyParameters privateKey() {
        return privateKey;
    }

    /** SubjectPublicKeyInfo DER. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    public NodeId nodeId() {
        return NodeId.of(suite, publicKey);
    }

    public byte[] privateKeyPkcs8() {
        return suite.encodePrivateKey(privateKey);
    }

    public LocalSigner signer() {
        return new LocalSigner(suite, privateKey);
    }

    /** The private key as a JCA key of the Bouncy Castle provider (for TLS key managers and JCA APIs). */
    public PrivateKey jcaPrivateKey() {
        try {
            return KeyFactory.getInstance("EC", BouncyCastle.PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(privateKeyPkcs8()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle rejected its own key encoding", e);
        }
    }

    public PublicKey jcaPublicKey() {
        try {
            return KeyFactory.getInstance("EC", BouncyCastle.PROVIDER).generatePublic(new X509EncodedKeySpec(publicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Bouncy Castle rejected its own key encoding", e);
        }
    }

    @Override
    public String toString() {
        return "SuiteKeyPair[" + suite.id() + ", node " + nodeId() + "]"; // never the private key
    }
}
