package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcdsaP256Sha256Suite;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * The message digests of CMS signatures: SHA-256 from the JDK where C2 compiles its compression function to the CPU's
 * SHA instructions (Bouncy Castle's is a Java loop, a few times slower over a certificate's few kilobytes; under C1
 * alone Bouncy Castle's is the quicker, see {@link EcdsaP256Sha256Suite#jdkIsQuicker()}); any other algorithm (SM3)
 * from Bouncy Castle. The same functions, so the same digests. Stateless; thread-safe.
 */
public final class SuiteDigests implements DigestCalculatorProvider {
    public static final SuiteDigests INSTANCE = new SuiteDigests();

    private static final DigestCalculatorProvider BC = new BcDigestCalculatorProvider();
    private SuiteDigests() {
    }

    @Override
    public DigestCalculator get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
        if (!NISTObjectIdentifiers.id_sha256.equals(algorithm.getAlgorithm()) || !EcdsaP256Sha256Suite.jdkIsQuicker()) {
            return BC.get(algorithm);
        }
        MessageDigest digest = EcdsaP256Sha256Suite.jdkClone();
        OutputStream in = new OutputStream() {
            @Override
            public void write(int b) {
                digest.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                digest.update(b, off, len);
            }
        };
        return new DigestCalculator() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public OutputStream getOutputStream() {
                return in;
            }

            @Override
            public byte[] getDigest() {
                return digest.digest();
            }
        };
    }
}
