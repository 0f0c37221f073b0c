package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.BouncyCastle;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.batteryledger.core.pki.PkiFixture.LEAF_FROM;
import static org.batteryledger.core.pki.PkiFixture.LEAF_UNTIL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateAuthorityTest {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void chainCaIsSelfSignedWithPathLengthOne(PkiFixture pki) throws Exception {
        X509Certificate ca = pki.chainCa().certificate();
        X509CertificateHolder holder = Certificates.holder(ca);
        assertEquals("CN=battery-ledger,O=battery-ledger,OU=chain-ca", holder.getSubject().toString());
        assertEquals(holder.getSubject(), holder.getIssuer());
        assertEquals(1, ca.getBasicConstraints());
        assertTrue(ca.getKeyUsage()[5] && ca.getKeyUsage()[6], "keyCertSign and cRLSign");
        assertEquals(3, ca.getVersion());
        assertEquals(CertificateRole.CHAIN_CA, pki.chainCa().role());
        ca.verify(ca.getPublicKey(), BouncyCastle.PROVIDER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void agencyCaIsACaWithPathLengthZeroSignedByTheChainCa(PkiFixture pki) throws Exception {
        X509Certificate agency = pki.agencyCert();
        assertEquals("CN=agency-a,O=agency-a,OU=agency-ca", Certificates.holder(agency).getSubject().toString());
        assertEquals(0, agency.getBasicConstraints());
        assertTrue(agency.getKeyUsage()[5] && agency.getKeyUsage()[6], "keyCertSign and cRLSign");
        assertEquals(PkiFixture.AGENCY_SERIAL, agency.getSerialNumber());
        assertEquals(pki.suite().signatureAlgorithmName().toUpperCase(), agency.getSigAlgName().toUpperCase());
        agency.verify(pki.chainCa().certificate().getPublicKey(), BouncyCastle.PROVIDER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void nodeCertificateIsAMutualTlsEndEntityNamingItsNodeId(PkiFixture pki) throws Exception {
        X509Certificate node = pki.nodeCert();
        X509CertificateHolder holder = Certificates.holder(node);
        assertEquals("CN=node1,O=agency-a,OU=node,SERIALNUMBER=" + pki.nodeKey().nodeId(), holder.getSubject().toString());
        assertEquals(Certificates.holder(pki.agencyCert()).getSubject(), holder.getIssuer());
        assertEquals(-1, node.getBasicConstraints());
        assertTrue(node.getKeyUsage()[0], "digitalSignature");
        assertFalse(node.getKeyUsage()[5], "no keyCertSign");
        assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), node.getExtendedKeyUsage());
        assertEquals(PkiFixture.NODE_SERIAL, node.getSerialNumber());
        assertEquals(LEAF_FROM, node.getNotBefore().toInstant());
        assertEquals(LEAF_UNTIL, node.getNotAfter().toInstant());
        assertEquals(CertificateRole.NODE, CertificateRole.of(node).orElseThrow());
        node.verify(pki.agencyCert().getPublicKey(), BouncyCastle.PROVIDER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void clientCertificateIsForClientAuthOnly(PkiFixture pki) throws Exception {
        X509Certificate client = pki.clientCert();
        assertEquals("CN=sdk1,O=agency-a,OU=client", Certificates.holder(client).getSubject().toString());
        assertEquals(-1, client.getBasicConstraints());
        assertEquals(List.of(CLIENT_AUTH), client.getExtendedKeyUsage());
        assertEquals(CertificateRole.CLIENT, CertificateRole.of(client).orElseThrow());
        client.verify(pki.agencyCert().getPublicKey(), BouncyCastle.PROVIDER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void documentSignerCertificateSignsDocumentsForItsNodeAndHasNoTlsUsage(PkiFixture pki) throws Exception {
        X509Certificate signer = pki.signerCert();
        assertEquals("CN=node1,O=agency-a,OU=document-signer,SERIALNUMBER=" + pki.nodeKey().nodeId(),
                Certificates.holder(signer).getSubject().toString(), "it names the node whose documents it signs");
        assertEquals(-1, signer.getBasicConstraints());
        boolean[] usage = signer.getKeyUsage();
        assertTrue(usage[0] && usage[1], "digitalSignature and nonRepudiation");
        assertFalse(usage[2] || usage[3] || usage[4] || usage[5] || usage[6], "nothing else");
        assertEquals(null, signer.getExtendedKeyUsage(), "no extended key usage: no TLS job, no purpose a verifier refuses");
        assertEquals(CertificateRole.DOCUMENT_SIGNER, CertificateRole.of(signer).orElseThrow());
        signer.verify(pki.agencyCert().getPublicKey(), BouncyCastle.PROVIDER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void aCrlListsWhatTheCaRevokedWithItsReasonAndVerifiesWithTheCaKey(PkiFixture pki) throws Exception {
        Instant at = PkiFixture.NOW;
        java.security.cert.X509CRL crl = pki.agencyCa().issueCrl(List.of(new CertificateAuthority.Revoked(PkiFixture.SIGNER_SERIAL,
                at.minusSeconds(60), org.bouncycastle.asn1.x509.CRLReason.keyCompromise)), at, at.plusSeconds(86_400), BigInteger.TWO);
        crl.verify(pki.agencyCert().getPublicKey(), BouncyCastle.PROVIDER);
        assertEquals(pki.agencyCert().getSubjectX500Principal(), crl.getIssuerX500Principal());
        assertTrue(crl.isRevoked(pki.signerCert()));
        assertFalse(crl.isRevoked(pki.nodeCert()));
        assertEquals(java.security.cert.CRLReason.KEY_COMPROMISE, crl.getRevokedCertificate(PkiFixture.SIGNER_SERIAL).getRevocationReason());
        assertArrayEquals(crl.getEncoded(), pki.agencyCa().issueCrl(List.of(new CertificateAuthority.Revoked(PkiFixture.SIGNER_SERIAL,
                at.minusSeconds(60), org.bouncycastle.asn1.x509.CRLReason.keyCompromise)), at, at.plusSeconds(86_400), BigInteger.TWO)
                .getEncoded(), "deterministic, as certificates are");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void authorityKeyIdOfEachCertificateIsItsIssuersSubjectKeyId(PkiFixture pki) {
        X509CertificateHolder chain = Certificates.holder(pki.chainCa().certificate());
        X509CertificateHolder agency = Certificates.holder(pki.agencyCert());
        X509CertificateHolder node = Certificates.holder(pki.nodeCert());
        assertArrayEquals(ski(chain), aki(chain));
        assertArrayEquals(ski(chain), aki(agency));
        assertArrayEquals(ski(agency), aki(node));
        assertFalse(java.util.Arrays.equals(ski(agency), ski(node)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void nodeIdDerivedFromTheCertificateIsTheKeysAndTheDeclaredOne(PkiFixture pki) {
        assertEquals(pki.nodeKey().nodeId(), NodeIds.fromCertificate(pki.suite(), pki.nodeCert()));
        assertEquals(pki.nodeKey().nodeId().value(), NodeIds.declared(pki.nodeCert()).orElseThrow());
        assertTrue(NodeIds.declared(pki.clientCert()).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void issuingIsDeterministic(PkiFixture pki) throws Exception {
        PkiFixture again = PkiFixture.create(pki.suite(), "main");
        assertArrayEquals(pki.nodeCert().getEncoded(), again.nodeCert().getEncoded());
        assertArrayEquals(pki.chainCa().certificate().getEncoded(), again.chainCa().certificate().getEncoded());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void caHashIsTheSuiteHashOfTheAgencyCertificateDer(PkiFixture pki) throws Exception {
        String caHash = CertificateFingerprint.caHash(pki.suite(), pki.agencyCert());
        assertEquals(pki.suite().hash(pki.agencyCert().getEncoded()).hex(), caHash);
        assertTrue(caHash.matches("[0-9a-f]{64}"));
    }

    @Test
    void ecdsaCertificatesParseAndVerifyWithTheJdkAlone() throws Exception {
        PkiFixture pki = PkiFixture.both().findFirst().orElseThrow();
        CertificateFactory jdk = CertificateFactory.getInstance("X.509");
        X509Certificate chain = jdkCopy(jdk, pki.chainCa().certificate());
        X509Certificate agency = jdkCopy(jdk, pki.agencyCert());
        X509Certificate node = jdkCopy(jdk, pki.nodeCert());
        chain.verify(chain.getPublicKey());
        agency.verify(chain.getPublicKey());
        node.verify(agency.getPublicKey());
        assertEquals("SHA256withECDSA", node.getSigAlgName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void csrWithABadSignatureIsRefused(PkiFixture pki) throws Exception {
        byte[] der = Csr.create(pki.suite(), pki.nodeKey().signer(), "node1").getEncoded();
        der[der.length - 2] ^= 0x01; // inside the signature's s
        PKCS10CertificationRequest forged = new PKCS10CertificationRequest(der);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                pki.agencyCa().issueNodeCertificate(forged, "node1", LEAF_FROM, LEAF_UNTIL, BigInteger.TEN));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void csrForAKeyOfTheOtherSuiteIsRefused() {
        PkiFixture ecdsa = PkiFixture.both().findFirst().orElseThrow();
        SuiteKeyPair sm2Key = KeyPairs.generate(Suites.sm2(), KeyPairs.seededRandom("stranger"));
        PKCS10CertificationRequest csr = Csr.create(Suites.sm2(), sm2Key.signer(), "stranger");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ecdsa.agencyCa().issueNodeCertificate(csr, "stranger", LEAF_FROM, LEAF_UNTIL, BigInteger.TEN));
        assertTrue(e.getMessage().contains("not a key of suite ecdsa-p256-sha256"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void eachLevelIssuesOnlyTheNextLevel(PkiFixture pki) {
        PKCS10CertificationRequest csr = Csr.create(pki.suite(), pki.nodeKey().signer(), "x");
        assertThrows(IllegalStateException.class, () ->
                pki.chainCa().issueNodeCertificate(csr, "x", LEAF_FROM, LEAF_UNTIL, BigInteger.TEN));
        assertThrows(IllegalStateException.class, () ->
                pki.chainCa().issueClientCertificate(csr, "x", LEAF_FROM, LEAF_UNTIL, BigInteger.TEN));
        assertThrows(IllegalStateException.class, () ->
                pki.agencyCa().issueAgencyCa(csr, "x", LEAF_FROM, LEAF_UNTIL, BigInteger.TEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void validityOutsideTheIssuersOrEmptyOrANonPositiveSerialIsRefused(PkiFixture pki) {
        PKCS10CertificationRequest csr = Csr.create(pki.suite(), pki.nodeKey().signer(), "x");
        CertificateAuthority agency = pki.agencyCa();
        assertThrows(IllegalArgumentException.class, () ->
                agency.issueNodeCertificate(csr, "x", LEAF_FROM, PkiFixture.AGENCY_UNTIL.plusSeconds(1), BigInteger.TEN));
        assertThrows(IllegalArgumentException.class, () ->
                agency.issueNodeCertificate(csr, "x", Instant.parse("2024-12-31T00:00:00Z"), LEAF_UNTIL, BigInteger.TEN));
        assertThrows(IllegalArgumentException.class, () ->
                agency.issueNodeCertificate(csr, "x", LEAF_UNTIL, LEAF_FROM, BigInteger.TEN));
        assertThrows(IllegalArgumentException.class, () ->
                agency.issueNodeCertificate(csr, "x", LEAF_FROM, LEAF_UNTIL, BigInteger.ZERO));
        assertThrows(IllegalArgumentException.class, () ->
                agency.issueNodeCertificate(csr, " ", LEAF_FROM, LEAF_UNTIL, BigInteger.TEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void actingAsACaNeedsACaCertificateOfTheSignersKey(PkiFixture pki) {
        assertThrows(IllegalArgumentException.class, () ->
                CertificateAuthority.of(pki.suite(), pki.nodeKey().signer(), pki.nodeCert()));
        assertThrows(IllegalArgumentException.class, () ->
                CertificateAuthority.of(pki.suite(), pki.nodeKey().signer(), pki.agencyCert()));
        assertEquals(CertificateRole.AGENCY_CA,
                CertificateAuthority.of(pki.suite(), pki.agencyKey().signer(), pki.agencyCert()).role());
    }

    private static X509Certificate jdkCopy(CertificateFactory jdk, X509Certificate certificate) throws Exception {
        return (X509Certificate) jdk.generateCertificate(new ByteArrayInputStream(certificate.getEncoded()));
    }

    private static byte[] ski(X509CertificateHolder holder) {
        return SubjectKeyIdentifier.fromExtensions(holder.getExtensions()).getKeyIdentifier();
    }

    private static byte[] aki(X509CertificateHolder holder) {
        return AuthorityKeyIdentifier.fromExtensions(holder.getExtensions()).getKeyIdentifier();
    }
}
