package org.batteryledger.core.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.Signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Sm2Sm3SuiteTest extends EcSuiteContract {
    @Override
    EcSuite suite() {
        return Suites.sm2();
    }

    @Override
    EcSuite otherSuite() {
        return Suites.ecdsa();
    }

    @Test
    void sm3OfAbcIsTheGbT32905Vector() {
        assertEquals("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                suite().hash("abc".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    @Test
    void idAndAlgorithmNames() {
        assertEquals("sm2-sm3", suite().id());
        assertEquals("SM3withSM2", suite().signatureAlgorithmName());
    }

    @Test
    void localSignerSignatureVerifiesWithBouncyCastlesJcaSm3WithSm2() throws Exception {
        SuiteKeyPair key = key("interop");
        Signature jca = Signature.getInstance("SM3withSM2", BouncyCastle.PROVIDER);
        jca.initVerify(key.jcaPublicKey());
        jca.update(MESSAGE);
        assertTrue(jca.verify(key.signer().sign(MESSAGE)));
    }

    @Test
    void bouncyCastleJcaSignatureWithRandomKVerifiesWithTheSuite() throws Exception {
        SuiteKeyPair key = key("interop");
        Signature jca = Signature.getInstance("SM3withSM2", BouncyCastle.PROVIDER);
        jca.initSign(key.jcaPrivateKey());
        jca.update(MESSAGE);
        assertTrue(suite().verify(key.publicKey(), MESSAGE, jca.sign()));
    }
}
