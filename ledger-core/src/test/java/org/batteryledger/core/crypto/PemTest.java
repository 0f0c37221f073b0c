package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.Csr;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PemTest {
    private static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2035-01-01T00:00:00Z");

    @Test
    void privateKeyRoundTripsAsPkcs8ForBothSuites() {
        for (EcSuite suite : new EcSuite[] {Suites.ecdsa(), Suites.sm2()}) {
            SuiteKeyPair key = KeyPairs.generate(suite, KeyPairs.seededRandom("pem"));
            String pem = Pem.writePrivateKey(key);
            assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
            assertArrayEquals(key.publicKey(), SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(pem)).publicKey());
        }
    }

    @Test
    void publicKeyRoundTripsAsSpki() {
        SuiteKeyPair key = KeyPairs.generate(Suites.sm2(), KeyPairs.seededRandom("pem"));
        String pem = Pem.writePublicKey(key.publicKey());
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----"), pem);
        assertArrayEquals(key.publicKey(), Pem.readPublicKey(pem));
    }

    @Test
    void certificatesChainsAndCsrsRoundTrip() throws Exception {
        SuiteKeyPair key = KeyPairs.generate(Suites.ecdsa(), KeyPairs.seededRandom("pem-ca"));
        X509Certificate ca = CertificateAuthority.selfSignedChainCa(Suites.ecdsa(), key.signer(), "c", FROM, UNTIL, BigInteger.ONE).certificate();
        assertArrayEquals(ca.getEncoded(), Pem.readCertificate(Pem.writeCertificate(ca)).getEncoded());
        List<X509Certificate> chain = Pem.readCertificates(Pem.writeCertificates(List.of(ca, ca)));
        assertEquals(2, chain.size());
        assertArrayEquals(ca.getEncoded(), chain.get(1).getEncoded());

        PKCS10CertificationRequest csr = Csr.create(Suites.ecdsa(), key.signer(), "node1");
        String pem = Pem.writeCsr(csr);
        assertTrue(pem.startsWith("-----BEGIN CERTIFICATE REQUEST-----"), pem);
        assertArrayEquals(csr.getEncoded(), Pem.readCsr(pem).getEncoded());
    }

    @Test
    void readsAnOpenSslEcPrivateKeyWithItsParameters() {
        SuiteKeyPair key = KeyPairs.generate(Suites.ecdsa(), KeyPairs.seededRandom("openssl"));
        ECPrivateKey sec1 = new ECPrivateKey(256, key.privateKey().getD(),
                new DERBitString(Suites.ecdsa().publicKey(key.publicKey()).getQ().getEncoded(false)), Suites.ecdsa().curveOid());
        String pem = block("EC PARAMETERS", EcSuite.der(Suites.ecdsa().curveOid())) + block("EC PRIVATE KEY", EcSuite.der(sec1));
        assertArrayEquals(key.publicKey(), SuiteKeyPair.fromPkcs8(Suites.ecdsa(), Pem.readPrivateKey(pem)).publicKey());
    }

    @Test
    void wrongKindOfPemNamesWhatWasFound() {
        String privateKey = Pem.writePrivateKey(KeyPairs.generate(Suites.ecdsa(), KeyPairs.seededRandom("k")));
        assertMessage("expected a CERTIFICATE, found PRIVATE KEY", () -> Pem.readCertificate(privateKey));
        assertMessage("expected a CERTIFICATE, found PRIVATE KEY", () -> Pem.readCertificates(privateKey));
        assertMessage("expected a PUBLIC KEY, found PRIVATE KEY", () -> Pem.readPublicKey(privateKey));
        assertMessage("expected a CERTIFICATE REQUEST, found PRIVATE KEY", () -> Pem.readCsr(privateKey));
        assertMessage("expected one PRIVATE KEY, found 2 PEM objects", () -> Pem.readPrivateKey(privateKey + privateKey));
    }

    @Test
    void malformedOrMissingPemIsRejectedClearly() {
        assertMessage("found no PEM object", () -> Pem.readCertificate("just text"));
        assertMessage("malformed CERTIFICATE", () -> Pem.readCertificate(block("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})));
        assertMessage("malformed PUBLIC KEY", () -> Pem.readPublicKey(block("PUBLIC KEY", new byte[] {1, 2, 3})));
        assertMessage("malformed PRIVATE KEY", () -> Pem.readPrivateKey(block("PRIVATE KEY", new byte[] {1, 2, 3})));
        assertThrows(IllegalArgumentException.class, () ->
                Pem.readCertificate("-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n"));
        assertThrows(IllegalArgumentException.class, () -> Pem.readCertificate("-----BEGIN CERTIFICATE-----\nMIIB\n"));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
