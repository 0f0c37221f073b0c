package org.batteryledger.core.crypto;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.prng.DigestRandomGenerator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/** Key generation for the real suites. The randomness is always passed in: the core never draws its own. */
public final class KeyPairs {
    private KeyPairs() {
    }

    public static SuiteKeyPair generate(EcSuite suite, SecureRandom random) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(suite.domain(), random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        return new SuiteKeyPair(suite, (ECPrivateKeyParameters) pair.getPrivate());
    }

    /**
     * A SecureRandom whose output is fixed by the seed (a SHA-256 hash DRBG of Bouncy Castle), so tests and the
     * simulator get the same keys on every run and every JVM. Never use it for real keys.
     */
    public static SecureRandom seededRandom(byte[] seed) {
        return new SeededRandom(seed);
    }

    public static SecureRandom seededRandom(String seed) {
        return seededRandom(seed.getBytes(StandardCharsets.UTF_8));
    }

    private static final class SeededRandom extends SecureRandom {
        SeededRandom(byte[] seed) {
            super(new DigestSpi(seed), null);
        }
    }

    private static final class DigestSpi extends SecureRandomSpi {
        private final DigestRandomGenerator generator = new DigestRandomGenerator(new SHA256Digest());

        DigestSpi(byte[] seed) {
            generator.addSeedMaterial(seed);
        }

        @Override
        protected synchronized void engineSetSeed(byte[] seed) {
            generator.addSeedMaterial(seed);
        }

        @Override
        protected synchronized void engineNextBytes(byte[] bytes) {
            generator.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] out = new byte[numBytes];
            engineNextBytes(out);
            return out;
        }
    }
}
