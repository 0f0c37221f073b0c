package org.batteryledger.core.crypto;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SuitesTest {
    @Test
    void byIdReturnsTheSingletonOfEachRealSuite() {
        assertSame(Suites.ecdsa(), Suites.byId("ecdsa-p256-sha256"));
        assertSame(Suites.sm2(), Suites.byId("sm2-sm3"));
    }

    @Test
    void unknownIdIsRejectedNamingTheKnownIds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suites.byId("sim-keyed-hash"));
        assertTrue(e.getMessage().contains("ecdsa-p256-sha256") && e.getMessage().contains("sm2-sm3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Suites.byId(null));
    }

    @Test
    void nodeIdIsTheFirstTwentyBytesOfTheSuiteHashOfTheKey() {
        SuiteKeyPair key = KeyPairs.generate(Suites.sm2(), KeyPairs.seededRandom("node"));
        assertEquals(Suites.sm2().hash(key.publicKey()).hex().substring(0, 40), key.nodeId().value());
        assertEquals(key.nodeId(), key.signer().nodeId());
    }
}
