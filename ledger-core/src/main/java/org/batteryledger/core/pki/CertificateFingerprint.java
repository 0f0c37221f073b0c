package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/** Suite hashes of certificates, e.g. the "CA hash" listed per node: the hash of its issuing agency CA. */
public final class CertificateFingerprint {
    private CertificateFingerprint() {
    }

    /** The suite hash of the certificate's DER. */
    public static Hash of(CryptoSuite suite, X509Certificate certificate) {
        try {
            return suite.hash(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** Lowercase hex of the suite hash of the DER of the agency CA certificate that issued a node. */
    public static String caHash(CryptoSuite suite, X509Certificate agencyCa) {
        return of(suite, agencyCa).hex();
    }
}
