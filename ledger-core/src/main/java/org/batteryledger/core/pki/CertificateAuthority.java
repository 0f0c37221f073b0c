package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * A CA of the chain's three-level PKI: the self-signed chain CA issues agency CA certificates (pathLen 0), and an
 * agency CA issues node certificates (mutual TLS: serverAuth + clientAuth), client certificates (clientAuth) and
 * document signer certificates (digitalSignature + nonRepudiation, no TLS usage).
 * Every certificate is issued from a verified CSR, with subject {@code CN=<name>, O=<agency>, OU=<role>} (a node's
 * also carries {@code serialNumber=<node id>}), key identifiers, and the suite's deterministic signature, so equal
 * inputs give byte-identical certificates. Validity times are always given: the CA never reads the clock.
 */
public final class CertificateAuthority {
    private static final int CA_KEY_USAGE = KeyUsage.keyCertSign | KeyUsage.cRLSign;
    /** EC keys sign (ECDSA/SM2) and agree keys ephemerally in TLS; they never encipher keys, so no keyEncipherment. */
    private static final int END_ENTITY_KEY_USAGE = KeyUsage.digitalSignature;
    /**
     * A document signer's: the signatures it makes are meant to bind (nonRepudiation, "contentCommitment"). No extended
     * key usage at all: S/MIME and CAdES verifiers (openssl's default purpose, EU DSS) refuse a TLS-only one.
     */
    private static final int DOCUMENT_SIGNER_KEY_USAGE = KeyUsage.digitalSignature | KeyUsage.nonRepudiation;

    private final EcSuite suite;
    private final Signer signer;
    private final X509CertificateHolder certificate;
    private final CertificateRole role;

    private CertificateAuthority(EcSuite suite, Signer signer, X509CertificateHolder certificate, CertificateRole role) {
        this.suite = suite;
        this.signer = signer;
        this.certificate = certificate;
        this.role = role;
    }

    /** Creates the chain's root: a self-signed CA certificate {@code CN=<name>, O=<name>, OU=chain-ca}, pathLen 1. */
    public static CertificateAuthority selfSignedChainCa(EcSuite suite, Signer signer, String name,
                                                         Instant notBefore, Instant notAfter, BigInteger serial) {
        byte[] spki = signer.publicKey();
        suite.publicKey(spki);
        X500Name subject = name(name, name, CertificateRole.CHAIN_CA, null);
        X509CertificateHolder certificate = build(suite, signer, subject, spki, subject, spki, serial, notBefore, notAfter,
                CertificateRole.CHAIN_CA);
        return new CertificateAuthority(suite, signer, certificate, CertificateRole.CHAIN_CA);
    }

    /**
     * Acts as an existing chain or agency CA.
     *
     * @throws IllegalArgumentException if the certificate is not a CA certificate of this PKI or not of the signer's key
     */
    public static CertificateAuthority of(EcSuite suite, Signer signer, X509Certificate certificate) {
        X509CertificateHolder holder = Certificates.holder(certificate);
        CertificateRole role = CertificateRole.ofUnit(Certificates.attribute(holder.getSubject(), BCStyle.OU))
                .filter(r -> r == CertificateRole.CHAIN_CA || r == CertificateRole.AGENCY_CA)
                .orElseThrow(() -> new IllegalArgumentException("not a chain or agency CA certificate: " + holder.getSubject()));
        BasicConstraints constraints = BasicConstraints.fromExtensions(holder.getExtensions());
        if (constraints == null || !constraints.isCA()) {
            throw new IllegalArgumentException("the certificate of " + holder.getSubject() + " is not a CA certificate");
        }
        if (!Arrays.equals(Certificates.publicKey(holder), signer.publicKey())) {
            throw new IllegalArgumentException("the certificate of " + holder.getSubject() + " is not for the signer's key");
        }
        return new CertificateAuthority(suite, signer, holder, role);
    }

    public X509Certificate certificate() {
        return Certificates.jca(certificate);
    }

    public CertificateRole role() {
        return role;
    }

    public EcSuite suite() {
        return suite;
    }

    /** Issues {@code CN=<agency>, O=<agency>, OU=agency-ca}, a CA with pathLen 0. Only the chain CA does this. */
    public X509Certificate issueAgencyCa(PKCS10CertificationRequest csr, String agencyName,
                                         Instant notBefore, Instant notAfter, BigInteger serial) {
        requireRole(CertificateRole.CHAIN_CA, "agency CA");
        return issue(Csr.verifiedPublicKey(suite, csr), name(agencyName, agencyName, CertificateRole.AGENCY_CA, null),
                notBefore, notAfter, serial, CertificateRole.AGENCY_CA);
    }

    /** Issues {@code CN=<node>, O=<this agency>, OU=node, serialNumber=<node id>}. Only an agency CA does this. */
    public X509Certificate issueNodeCertificate(PKCS10CertificationRequest csr, String nodeName,
                                                Instant notBefore, Instant notAfter, BigInteger serial) {
        requireRole(CertificateRole.AGENCY_CA, "node");
        byte[] key = Csr.verifiedPublicKey(suite, csr);
        return issue(key, name(nodeName, agencyName(), CertificateRole.NODE, NodeId.of(suite, key)), notBefore, notAfter,
                serial, CertificateRole.NODE);
    }

    /**
     * Issues {@code CN=<node>, O=<this agency>, OU=document-signer, serialNumber=<node id>}: the key that node signs
     * valuation certificates with, not its TLS key. Only an agency CA does this, for a node of its own agency.
     */
    public X509Certificate issueDocumentSignerCertificate(PKCS10CertificationRequest csr, String nodeName, NodeId node,
                                                          Instant notBefore, Instant notAfter, BigInteger serial) {
        requireRole(CertificateRole.AGENCY_CA, "document signer");
        byte[] key = Csr.verifiedPublicKey(suite, csr);
        if (NodeId.of(suite, key).equals(node)) {
            throw new IllegalArgumentException("a document signer's key must not be the node's own (TLS) key");
        }
        return issue(key, name(nodeName, agencyName(), CertificateRole.DOCUMENT_SIGNER, node), notBefore, notAfter, serial,
                CertificateRole.DOCUMENT_SIGNER);
    }

    /** Issues {@code CN=<client>, O=<this agency>, OU=client}. Only an agency CA does this. */
    public X509Certificate issueClientCertificate(PKCS10CertificationRequest csr, String clientName,
                                                  Instant notBefore, Instant notAfter, BigInteger serial) {
        requireRole(CertificateRole.AGENCY_CA, "client");
        return issue(Csr.verifiedPublicKey(suite, csr), name(clientName, agencyName(), CertificateRole.CLIENT, null),
                notBefore, notAfter, serial, CertificateRole.CLIENT);
    }

    /** A certificate this CA revoked: its serial, since when, and why (an RFC 5280 reason code). */
    public record Revoked(BigInteger serial, Instant since, int reason) {
    }

    /**
     * A CRL of this CA (RFC 5280, v2, with its number and the CA's key identifier): how the chain's revocations reach
     * validators outside it (openssl, EU DSS) that do not read the chain. Times are given: the CA reads no clock.
     */
    public X509CRL issueCrl(List<Revoked> revoked, Instant thisUpdate, Instant nextUpdate, BigInteger number) {
        if (!thisUpdate.isBefore(nextUpdate)) {
            throw new IllegalArgumentException("thisUpdate " + thisUpdate + " is not before nextUpdate " + nextUpdate);
        }
        X509v2CRLBuilder builder = new X509v2CRLBuilder(certificate.getSubject(), Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(nextUpdate));
        for (Revoked r : revoked) {
            builder.addCRLEntry(r.serial(), Date.from(r.since()), r.reason());
        }
        try {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new BcX509ExtensionUtils().createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(Certificates.publicKey(certificate))));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
            return new JcaX509CRLConverter().setProvider(org.batteryledger.core.crypto.BouncyCastle.PROVIDER)
                    .getCRL(builder.build(new SuiteContentSigner(suite, signer)));
        } catch (CertIOException | java.security.cert.CRLException e) {
            throw new IllegalStateException("cannot make the CRL of " + certificate.getSubject() + ": " + e.getMessage(), e);
        }
    }

    private String agencyName() {
        return Certificates.attribute(certificate.getSubject(), BCStyle.O);
    }

    private void requireRole(CertificateRole required, String what) {
        if (role != required) {
            throw new IllegalStateException("a " + role.organizationalUnit() + " does not issue " + what
                    + " certificates; a " + required.organizationalUnit() + " does");
        }
    }

    private X509Certificate issue(byte[] subjectKey, X500Name subject, Instant notBefore, Instant notAfter,
                                  BigInteger serial, CertificateRole subjectRole) {
        // A certificate outlives its issuer's only as a certificate that no checker accepts: refuse to make one.
        if (notBefore.isBefore(certificate.getNotBefore().toInstant()) || notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            throw new IllegalArgumentException("validity " + notBefore + " .. " + notAfter + " is outside the issuer's "
                    + certificate.getNotBefore().toInstant() + " .. " + certificate.getNotAfter().toInstant());
        }
        return Certificates.jca(build(suite, signer, certificate.getSubject(), Certificates.publicKey(certificate),
                subject, subjectKey, serial, notBefore, notAfter, subjectRole));
    }

    private static X509CertificateHolder build(EcSuite suite, Signer issuerSigner, X500Name issuer, byte[] issuerKey,
                                               X500Name subject, byte[] subjectKey, BigInteger serial,
                                               Instant notBefore, Instant notAfter, CertificateRole subjectRole) {
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("a certificate serial must be positive, not " + serial);
        }
        if (!notBefore.isBefore(notAfter)) {
            throw new IllegalArgumentException("notBefore " + notBefore + " is not before notAfter " + notAfter);
        }
        SubjectPublicKeyInfo subjectInfo = SubjectPublicKeyInfo.getInstance(subjectKey);
        BcX509ExtensionUtils keyIds = new BcX509ExtensionUtils(); // RFC 5280 method 1: SHA-1 of the key bits
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                Date.from(notAfter), subject, subjectInfo);
        try {
            builder.addExtension(Extension.subjectKeyIdentifier, false, keyIds.createSubjectKeyIdentifier(subjectInfo));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    keyIds.createAuthorityKeyIdentifier(SubjectPublicKeyInfo.getInstance(issuerKey)));
            switch (subjectRole) {
                case CHAIN_CA, AGENCY_CA -> {
                    builder.addExtension(Extension.basicConstraints, true,
                            new BasicConstraints(subjectRole == CertificateRole.CHAIN_CA ? 1 : 0));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(CA_KEY_USAGE));
                }
                case NODE, CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(END_ENTITY_KEY_USAGE));
                    builder.addExtension(Extension.extendedKeyUsage, false, subjectRole == CertificateRole.NODE
                            ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
                            : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
                case DOCUMENT_SIGNER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(DOCUMENT_SIGNER_KEY_USAGE));
                }
            }
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode a certificate extension", e);
        }
        return builder.build(new SuiteContentSigner(suite, issuerSigner));
    }

    private static X500Name name(String commonName, String organization, CertificateRole role, NodeId nodeId) {
        if (commonName == null || commonName.isBlank() || organization == null || organization.isBlank()) {
            throw new IllegalArgumentException("certificate names must not be blank");
        }
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.CN, commonName)
                .addRDN(BCStyle.O, organization)
                .addRDN(BCStyle.OU, role.organizationalUnit());
        if (nodeId != null) {
            name.addRDN(BCStyle.SERIALNUMBER, nodeId.value());
        }
        return name.build();
    }
}
