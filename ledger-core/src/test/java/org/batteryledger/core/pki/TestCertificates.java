package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Signer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

/** Builds certificates the CA would refuse to issue, to show the checker rejects them. */
final class TestCertificates {
    private TestCertificates() {
    }

    static X509Certificate build(EcSuite suite, Signer issuerSigner, X500Name issuer, X500Name subject, byte[] subjectKey,
                                 BigInteger serial, Instant notBefore, Instant notAfter, boolean ca) {
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                Date.from(notAfter), subject, SubjectPublicKeyInfo.getInstance(subjectKey));
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
        return Certificates.jca(builder.build(new SuiteContentSigner(suite, issuerSigner)));
    }

    static X500Name subject(X509Certificate certificate) {
        return Certificates.holder(certificate).getSubject();
    }
}
