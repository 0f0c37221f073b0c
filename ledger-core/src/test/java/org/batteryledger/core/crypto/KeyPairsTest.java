package org.batteryledger.core.crypto;

import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyPairsTest {
    @Test
    void sameSeedGivesTheSameKeyPair() {
        for (EcSuite suite : new EcSuite[] {Suites.ecdsa(), Suites.sm2()}) {
            SuiteKeyPair a = KeyPairs.generate(suite, KeyPairs.seededRandom("seed-1"));
            SuiteKeyPair b = KeyPairs.generate(suite, KeyPairs.seededRandom("seed-1"));
            assertArrayEquals(a.publicKey(), b.publicKey());
            assertArrayEquals(a.privateKeyPkcs8(), b.privateKeyPkcs8());
        }
    }

    @Test
    void differentSeedsAndSuccessiveDrawsGiveDifferentKeys() {
        java.security.SecureRandom random = KeyPairs.seededRandom("seed-1");
        SuiteKeyPair first = KeyPairs.generate(Suites.ecdsa(), random);
        SuiteKeyPair second = KeyPairs.generate(Suites.ecdsa(), random);
        assertNotEquals(first.nodeId(), second.nodeId());
        assertNotEquals(first.nodeId(), KeyPairs.generate(Suites.ecdsa(), KeyPairs.seededRandom("seed-2")).nodeId());
    }

    @Test
    void pkcs8RoundTripKeepsTheKey() {
        for (EcSuite suite : new EcSuite[] {Suites.ecdsa(), Suites.sm2()}) {
            SuiteKeyPair key = KeyPairs.generate(suite, KeyPairs.seededRandom("pkcs8"));
            SuiteKeyPair back = SuiteKeyPair.fromPkcs8(suite, key.privateKeyPkcs8());
            assertArrayEquals(key.publicKey(), back.publicKey());
            assertTrue(suite.verify(key.publicKey(), new byte[] {1, 2, 3}, back.signer().sign(new byte[] {1, 2, 3})));
        }
    }

    @Test
    void privateKeyOfTheOtherCurveOrGarbageIsRejected() {
        byte[] sm2 = KeyPairs.generate(Suites.sm2(), KeyPairs.seededRandom("k")).privateKeyPkcs8();
        assertThrows(IllegalArgumentException.class, () -> SuiteKeyPair.fromPkcs8(Suites.ecdsa(), sm2));
        assertThrows(IllegalArgumentException.class, () -> SuiteKeyPair.fromPkcs8(Suites.ecdsa(), new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}));
        assertThrows(IllegalArgumentException.class, () -> new LocalSigner(Suites.ecdsa(), Suites.sm2().privateKey(sm2)));
    }

    @Test
    void privateScalarsOutOfRangeAreRejectedAndSm2ExcludesNMinusOne() {
        BigInteger n = Suites.sm2().domain().getN();
        assertThrows(IllegalArgumentException.class, () -> new LocalSigner(Suites.sm2(),
                new ECPrivateKeyParameters(n.subtract(BigInteger.ONE), Suites.sm2().domain())));
        BigInteger p256n = Suites.ecdsa().domain().getN();
        LocalSigner edge = new LocalSigner(Suites.ecdsa(),
                new ECPrivateKeyParameters(p256n.subtract(BigInteger.ONE), Suites.ecdsa().domain()));
        assertTrue(Suites.ecdsa().verify(edge.publicKey(), new byte[] {7}, edge.sign(new byte[] {7})));
        assertThrows(IllegalArgumentException.class, () -> new LocalSigner(Suites.ecdsa(),
                new ECPrivateKeyParameters(p256n, Suites.ecdsa().domain())));
    }

    @Test
    void jcaKeysEncodeToTheSameBytes() {
        for (EcSuite suite : new EcSuite[] {Suites.ecdsa(), Suites.sm2()}) {
            SuiteKeyPair key = KeyPairs.generate(suite, KeyPairs.seededRandom("jca"));
            assertArrayEquals(key.publicKey(), key.jcaPublicKey().getEncoded());
            assertArrayEquals(key.publicKey(), SuiteKeyPair.fromPkcs8(suite, key.jcaPrivateKey().getEncoded()).publicKey());
        }
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        SuiteKeyPair key = KeyPairs.generate(Suites.ecdsa(), KeyPairs.seededRandom("secret"));
        String d = key.privateKey().getD().toString(16);
        assertFalse(key.toString().contains(d) || key.signer().toString().contains(d));
        assertEquals("SuiteKeyPair[ecdsa-p256-sha256, node " + key.nodeId() + "]", key.toString());
    }
}
