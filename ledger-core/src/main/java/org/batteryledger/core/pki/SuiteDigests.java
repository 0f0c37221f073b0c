package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcdsaP256Sha256Suite;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.io.DigestOutputStream;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

import java.io.OutputStream;

/**
 * The message digests of CMS signatures: SHA-256 as the suite takes it ({@link EcdsaP256Sha256Suite#sha256()}: the
 * JDK's where C2 compiles it to the CPU's SHA instructions, else Bouncy Castle's); any other algorithm (SM3) from
 * Bouncy Castle. The same functions, so the same digests. Stateless; thread-safe.
 */
public final class SuiteDigests implements DigestCalculatorProvider {
    public static final SuiteDigests INSTANCE = new SuiteDigests();

    private static final DigestCalculatorProvider BC = new BcDigestCalculatorProvider();

    private SuiteDigests() {
    }

    @Override
    public DigestCalculator get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
        if (!NISTObjectIdentifiers.id_sha256.equals(algorithm.getAlgorithm())) {
            return BC.get(algorithm);
        }
        DigestOutputStream out = new DigestOutputStream(EcdsaP256Sha256Suite.sha256());
        return new DigestCalculator() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return algorithm;
            }

            @Override
            public OutputStream getOutputStream() {
                return out;
            }

            @Override
            public byte[] getDigest() {
                return out.getDigest();
            }
        };
    }
}
