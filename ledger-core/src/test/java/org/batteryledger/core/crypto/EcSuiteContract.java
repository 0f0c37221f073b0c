package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every real suite must do; each suite's test class runs these against its own suite. */
abstract class EcSuiteContract {
    static final byte[] MESSAGE = "battery BL-0042: state of health 93.5%".getBytes(StandardCharsets.UTF_8);

    abstract EcSuite suite();

    /** A valid key of the other real suite (a different curve). */
    abstract EcSuite otherSuite();

    SuiteKeyPair key(String seed) {
        return KeyPairs.generate(suite(), KeyPairs.seededRandom(suite().id() + "/" + seed));
    }

    /** A reused hasher writes what {@code hash} returns, for any slice and any slot, hash after hash. */
    @Test
    void aHasherIsTheSuitesHashIntoABuffer() {
        EcSuite suite = suite();
        CryptoSuite.Hasher hasher = suite.hasher();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(6962);
        byte[] out = new byte[3 * Hash.LENGTH];
        for (int i = 0; i < 200; i++) {
            byte[] in = new byte[rng.nextInt(300)];
            rng.nextBytes(in);
            int offset = in.length == 0 ? 0 : rng.nextInt(in.length);
            int length = rng.nextInt(in.length - offset + 1);
            int slot = rng.nextInt(3) * Hash.LENGTH;
            hasher.hash(in, offset, length, out, slot);
            assertArrayEquals(suite.hash(Arrays.copyOfRange(in, offset, offset + length)).bytes(),
                    Arrays.copyOfRange(out, slot, slot + Hash.LENGTH), "hash " + i);
        }
    }

    @Test
    void signatureVerifiesForItsKeyAndMessage() {
        SuiteKeyPair key = key("a");
        assertTrue(suite().verify(key.publicKey(), MESSAGE, key.signer().sign(MESSAGE)));
        assertTrue(suite().verify(key.publicKey(), new byte[0], key.signer().sign(new byte[0])));
    }

    @Test
    void flippingAnyMessageByteBreaksTheSignature() {
        SuiteKeyPair key = key("a");
        byte[] signature = key.signer().sign(MESSAGE);
        for (int i = 0; i < MESSAGE.length; i++) {
            byte[] altered = MESSAGE.clone();
            altered[i] ^= 0x01;
            assertFalse(suite().verify(key.publicKey(), altered, signature), "message byte " + i);
        }
    }

    @Test
    void flippingAnySignatureByteBreaksTheSignatureWithoutThrowing() {
        SuiteKeyPair key = key("a");
        byte[] signature = key.signer().sign(MESSAGE);
        for (int i = 0; i < signature.length; i++) {
            byte[] altered = signature.clone();
            altered[i] ^= 0x40;
            assertFalse(suite().verify(key.publicKey(), MESSAGE, altered), "signature byte " + i);
        }
    }

    @Test
    void signatureDoesNotVerifyUnderAnotherKey() {
        assertFalse(suite().verify(key("b").publicKey(), MESSAGE, key("a").signer().sign(MESSAGE)));
    }

    @Test
    void garbageOrForeignPublicKeysReturnFalse() {
        SuiteKeyPair key = key("a");
        byte[] signature = key.signer().sign(MESSAGE);
        byte[] spki = key.publicKey();
        byte[] offCurve = spki.clone();
        offCurve[offCurve.length - 1] ^= 0x01; // y no longer matches x
        byte[] foreign = KeyPairs.generate(otherSuite(), KeyPairs.seededRandom("x")).publicKey();
        for (byte[] bad : List.of(new byte[0], new byte[] {0x30}, "not a key".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(spki, spki.length - 1), Arrays.copyOf(spki, spki.length + 1), offCurve, foreign)) {
            assertFalse(suite().verify(bad, MESSAGE, signature));
            assertThrows(IllegalArgumentException.class, () -> suite().publicKey(bad));
        }
    }

    @Test
    void garbageSignaturesReturnFalse() {
        SuiteKeyPair key = key("a");
        byte[] signature = key.signer().sign(MESSAGE);
        byte[] withTrailingByte = Arrays.copyOf(signature, signature.length + 1);
        byte[] zeroRs = derSignature(BigInteger.ZERO, BigInteger.ZERO);
        byte[] rsAtOrder = derSignature(suite().domain().getN(), suite().domain().getN());
        for (byte[] bad : List.of(new byte[0], new byte[] {0x30, 0x00}, new byte[72], "garbage".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(signature, signature.length - 1), withTrailingByte, zeroRs, rsAtOrder)) {
            assertFalse(suite().verify(key.publicKey(), MESSAGE, bad));
        }
    }

    @Test
    void nullArgumentsReturnFalse() {
        SuiteKeyPair key = key("a");
        byte[] signature = key.signer().sign(MESSAGE);
        assertFalse(suite().verify(null, MESSAGE, signature));
        assertFalse(suite().verify(key.publicKey(), null, signature));
        assertFalse(suite().verify(key.publicKey(), MESSAGE, null));
    }

    @Test
    void signingIsDeterministic() {
        SuiteKeyPair key = key("a");
        assertArrayEquals(key.signer().sign(MESSAGE), key("a").signer().sign(MESSAGE));
        assertFalse(Arrays.equals(key.signer().sign(MESSAGE), key.signer().sign("other".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void hashIsThirtyTwoBytesAndDiffersFromTheOtherSuite() {
        assertEquals(Hash.LENGTH, suite().hash(MESSAGE).bytes().length);
        assertFalse(suite().hash(MESSAGE).equals(otherSuite().hash(MESSAGE)));
    }

    @Test
    void oneSignerAndSuiteAreSafeToShareBetweenThreads() throws Exception {
        List<SuiteKeyPair> keys = List.of(key("t0"), key("t1"), key("t2"), key("t3"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    boolean all = true;
                    for (int i = 0; i < 50; i++) {
                        SuiteKeyPair key = keys.get((thread + i) % keys.size());
                        byte[] message = ("m" + thread + "/" + i).getBytes(StandardCharsets.UTF_8);
                        byte[] signature = key.signer().sign(message);
                        all &= suite().verify(key.publicKey(), message, signature);
                        all &= !suite().verify(keys.get((thread + i + 1) % keys.size()).publicKey(), message, signature);
                    }
                    return all;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] derSignature(BigInteger r, BigInteger s) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(r));
        v.add(new ASN1Integer(s));
        return EcSuite.der(new DERSequence(v));
    }
}
