package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Signer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate requests. A key's owner signs a CSR with the key (proving possession) and hands only the
 * CSR to a CA, so private keys never leave their keystores. The CA chooses the certificate's subject itself; the
 * CSR's subject is informational.
 */
public final class Csr {
    private Csr() {
    }

    public static PKCS10CertificationRequest create(EcSuite suite, Signer signer, String commonName) {
        return create(suite, signer, new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build());
    }

    /** @throws IllegalArgumentException if the signer's public key is not a key of the suite */
    public static PKCS10CertificationRequest create(EcSuite suite, Signer signer, X500Name subject) {
        byte[] spki = signer.publicKey();
        suite.publicKey(spki);
        return new PKCS10CertificationRequestBuilder(subject, SubjectPublicKeyInfo.getInstance(spki))
                .build(new SuiteContentSigner(suite, signer));
    }

    /**
     * The requested public key (canonical SPKI DER), once the CSR is shown to be signed by that key with the
     * suite's algorithm.
     *
     * @throws IllegalArgumentException for a key of another suite or curve, another algorithm, or a bad signature
     */
    public static byte[] verifiedPublicKey(EcSuite suite, PKCS10CertificationRequest csr) {
        byte[] spki = Certificates.der(csr.getSubjectPublicKeyInfo());
        try {
            suite.publicKey(spki);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the CSR's public key is not a key of suite " + suite.id() + ": " + e.getMessage(), e);
        }
        if (!suite.signatureAlgorithm().getAlgorithm().equals(csr.getSignatureAlgorithm().getAlgorithm())) {
            throw new IllegalArgumentException("the CSR is signed with " + csr.getSignatureAlgorithm().getAlgorithm()
                    + ", not " + suite.signatureAlgorithmName() + " of suite " + suite.id());
        }
        byte[] signed = Certificates.der(csr.toASN1Structure().getCertificationRequestInfo());
        if (!suite.verify(spki, signed, csr.getSignature())) {
            throw new IllegalArgumentException("the CSR's signature does not verify with its public key");
        }
        return spki;
    }
}
