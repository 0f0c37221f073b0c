package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.NodeId;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Node ids of certificates. A node certificate also states its node id as the subject's {@code serialNumber}
 * attribute (for people and tools reading it), but the id derived from the certificate's public key is the
 * authoritative one; the checker rejects a certificate whose two disagree.
 */
public final class NodeIds {
    private NodeIds() {
    }

    /** NodeId.of(suite, the certificate's SubjectPublicKeyInfo DER). */
    public static NodeId fromCertificate(CryptoSuite suite, X509Certificate certificate) {
        return NodeId.of(suite, Certificates.publicKey(Certificates.holder(certificate)));
    }

    /** The certificate's SubjectPublicKeyInfo DER: the key form the node registry and commit seals use. */
    public static byte[] publicKey(X509Certificate certificate) {
        return Certificates.publicKey(Certificates.holder(certificate));
    }

    /** The node id the subject's serialNumber attribute states, if any (not validated against the key). */
    public static Optional<String> declared(X509Certificate certificate) {
        return Optional.ofNullable(Certificates.attribute(Certificates.holder(certificate).getSubject(), BCStyle.SERIALNUMBER));
    }
}
