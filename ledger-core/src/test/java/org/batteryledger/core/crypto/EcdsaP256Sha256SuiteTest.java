package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EcdsaP256Sha256SuiteTest extends EcSuiteContract {
    @Override
    EcSuite suite() {
        return Suites.ecdsa();
    }

    @Override
    EcSuite otherSuite() {
        return Suites.sm2();
    }

    @Test
    void sha256OfAbcIsTheFips180Vector() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                suite().hash("abc".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    /** The suite hashes with the JDK's SHA-256; Bouncy Castle's digest (what it used before) gives the same bytes. */
    @Test
    void theJdksSha256IsBouncyCastles() {
        java.util.Random r = new java.util.Random(256);
        for (int length = 0; length < 2_000; length += 1 + r.nextInt(7)) {
            byte[] data = new byte[length];
            r.nextBytes(data);
            org.bouncycastle.crypto.digests.SHA256Digest bc = new org.bouncycastle.crypto.digests.SHA256Digest();
            bc.update(data, 0, data.length);
            byte[] expected = new byte[32];
            bc.doFinal(expected, 0);
            assertEquals(Hash.of(expected), suite().hash(data), "length " + length);
        }
    }

    /** The JDK's SHA-256 where C2 compiles, Bouncy Castle's under C1 alone: the options decide as HotSpot reads them. */
    @Test
    void theJdksSha256WhereC2Compiles() {
        assertTrue(EcdsaP256Sha256Suite.compilesWithC2(java.util.List.of()));
        assertTrue(EcdsaP256Sha256Suite.compilesWithC2(java.util.List.of("-Xmx512m", "-XX:TieredStopAtLevel=4")));
        assertFalse(EcdsaP256Sha256Suite.compilesWithC2(java.util.List.of("-XX:TieredStopAtLevel=1")));
        assertTrue(EcdsaP256Sha256Suite.compilesWithC2(java.util.List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4")), "the last wins");
        assertTrue(EcdsaP256Sha256Suite.compilesWithC2(java.util.List.of("-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation")), "C2 alone");
        assertFalse(EcdsaP256Sha256Suite.compilesWithC2(java.util.List.of("-XX:-TieredCompilation", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=3")));
    }

    @Test
    void idAndAlgorithmNames() {
        assertEquals("ecdsa-p256-sha256", suite().id());
        assertEquals("SHA256withECDSA", suite().signatureAlgorithmName());
    }

    @Test
    void localSignerSignatureVerifiesWithTheJdksSunEc() throws Exception {
        SuiteKeyPair key = key("interop");
        PublicKey jdkKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.publicKey()));
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(jdkKey);
        jdk.update(MESSAGE);
        assertEquals("SunEC", jdk.getProvider().getName());
        assertTrue(jdk.verify(key.signer().sign(MESSAGE)));
    }

    @Test
    void sunEcSignatureVerifiesWithTheSuite() throws Exception {
        SuiteKeyPair key = key("interop");
        PrivateKey jdkKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(key.privateKeyPkcs8()));
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initSign(jdkKey);
        jdk.update(MESSAGE);
        assertTrue(suite().verify(key.publicKey(), MESSAGE, jdk.sign()));
    }

    @Test
    void signaturesAreNormalisedToLowS() {
        SuiteKeyPair key = key("low-s");
        BigInteger halfOrder = suite().domain().getN().shiftRight(1);
        for (int i = 0; i < 64; i++) {
            BigInteger s = rs(key.signer().sign(("m" + i).getBytes(StandardCharsets.UTF_8)))[1];
            assertTrue(s.compareTo(halfOrder) <= 0, "message " + i);
        }
    }

    @Test
    void highSFormOfAValidSignatureStillVerifies() {
        SuiteKeyPair key = key("low-s");
        BigInteger[] rs = rs(key.signer().sign(MESSAGE));
        byte[] highS = derSignature(rs[0], suite().domain().getN().subtract(rs[1]));
        assertTrue(suite().verify(key.publicKey(), MESSAGE, highS));
    }

    @Test
    void compressedPublicKeyIsRejectedSoEachKeyHasOneNodeId() {
        SuiteKeyPair key = key("a");
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey());
        byte[] compressed = EcSuite.der(new SubjectPublicKeyInfo(spki.getAlgorithm(),
                suite().publicKey(key.publicKey()).getQ().getEncoded(true)));
        assertThrows(IllegalArgumentException.class, () -> suite().publicKey(compressed));
        assertFalse(suite().verify(compressed, MESSAGE, key.signer().sign(MESSAGE)));
    }

    private static BigInteger[] rs(byte[] der) {
        ASN1Sequence seq = ASN1Sequence.getInstance(der);
        return new BigInteger[] {ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(), ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()};
    }
}
