package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.BouncyCastle;
import org.batteryledger.core.crypto.EcSuite;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/** Conversions between JCA and Bouncy Castle certificate types, and the suite-based signature check. */
final class Certificates {
    private Certificates() {
    }

    /** @throws IllegalArgumentException if the certificate does not parse */
    static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new X509CertificateHolder(certificate.getEncoded());
        } catch (CertificateException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed certificate: " + e.getMessage(), e);
        }
    }

    static X509Certificate jca(X509CertificateHolder holder) {
        try {
            return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(holder);
        } catch (CertificateException e) {
            throw new IllegalStateException("Bouncy Castle rejected a certificate it built", e);
        }
    }

    /** The subject public key exactly as the certificate carries it (SPKI DER), the input of the node id. */
    static byte[] publicKey(X509CertificateHolder holder) {
        return der(holder.getSubjectPublicKeyInfo());
    }

    /**
     * True if {@code certificate} names {@code issuer} as its issuer and carries a valid signature of the issuer's
     * key, made with the suite's algorithm (RFC 5280: the outer and TBS algorithm fields must agree).
     */
    static boolean isSignedBy(EcSuite suite, X509CertificateHolder certificate, X509CertificateHolder issuer) {
        Certificate c = certificate.toASN1Structure();
        AlgorithmIdentifier outer = c.getSignatureAlgorithm();
        if (!certificate.getIssuer().equals(issuer.getSubject())
                || !outer.equals(c.getTBSCertificate().getSignature())
                || !outer.getAlgorithm().equals(suite.signatureAlgorithm().getAlgorithm())) {
            return false;
        }
        try {
            return suite.verify(publicKey(issuer), der(c.getTBSCertificate()), c.getSignature().getOctets());
        } catch (RuntimeException e) { // a signature BIT STRING with pad bits
            return false;
        }
    }

    /** The first value of an attribute of a name, or null. */
    static String attribute(X500Name name, ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    static byte[] der(ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
