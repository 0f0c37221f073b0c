package org.batteryledger.core.pki;

import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class SuiteDigestsTest {
    /** The JDK's SHA-256 and Bouncy Castle's give the same digest, written in pieces or byte by byte; SM3 is BC's own. */
    @Test
    void theSameDigestsAsBouncyCastles() throws Exception {
        SplittableRandom rng = new SplittableRandom(5652);
        for (AlgorithmIdentifier algorithm : new AlgorithmIdentifier[] {new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256),
                new AlgorithmIdentifier(GMObjectIdentifiers.sm3)}) {
            for (int i = 0; i < 50; i++) {
                byte[] data = new byte[rng.nextInt(10_000)];
                rng.nextBytes(data);
                DigestCalculator ours = SuiteDigests.INSTANCE.get(algorithm);
                DigestCalculator bc = new BcDigestCalculatorProvider().get(algorithm);
                int split = data.length == 0 ? 0 : rng.nextInt(data.length);
                ours.getOutputStream().write(data, 0, split);
                for (int j = split; j < Math.min(data.length, split + 3); j++) {
                    ours.getOutputStream().write(data[j]);
                }
                ours.getOutputStream().write(data, Math.min(data.length, split + 3), data.length - Math.min(data.length, split + 3));
                bc.getOutputStream().write(data);
                assertArrayEquals(bc.getDigest(), ours.getDigest(), algorithm.getAlgorithm() + ", " + data.length + " bytes");
            }
        }
    }
}
