package org.batteryledger.core.bench;

import org.batteryledger.core.crypto.EcdsaP256Sha256Suite;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What one signature costs on one thread: ECDSA P-256 signing and verification through the suite the nodes use, with
 * as many signers as a consortium has (their decoded keys cached, as in a node). Not a test: a bench main. The floor
 * under a transaction's CPU in the node: one signature by the node that takes it, one verification on each node.
 *
 * <pre>mvn -B -q -pl ledger-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.core.bench.SignatureBenchmark -Dexec.args="4 25"</pre>
 * (arguments: signers, rounds of 2,000 signatures; the last rounds are the steady state). Run it with
 * {@code MAVEN_OPTS=-XX:TieredStopAtLevel=1} for C1 only, as the nodes run.
 */
public final class SignatureBenchmark {
    private static final int PER_ROUND = 2_000;

    private SignatureBenchmark() {
    }

    public static void main(String[] args) {
        int signers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        EcdsaP256Sha256Suite suite = new EcdsaP256Sha256Suite();
        ECPrivateKeyParameters[] keys = new ECPrivateKeyParameters[signers];
        byte[][] publicKeys = new byte[signers][];
        for (int i = 0; i < signers; i++) {
            keys[i] = new ECPrivateKeyParameters(BigInteger.valueOf(1_234_567L + i), suite.domain()); // fixed keys: no randomness
            publicKeys[i] = suite.publicKeyOf(keys[i]);
        }
        byte[][] messages = new byte[PER_ROUND][];
        byte[][] signatures = new byte[PER_ROUND][];
        for (int r = 1; r <= rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                messages[i] = ("transaction " + r + "-" + i).getBytes(StandardCharsets.UTF_8);
                signatures[i] = suite.sign(keys[i % signers], messages[i]);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < PER_ROUND; i++) {
                if (!suite.verify(publicKeys[i % signers], messages[i], signatures[i])) {
                    throw new IllegalStateException("a signature did not verify");
                }
            }
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "round %d: sign %.0f µs, verify %.0f µs (%d signers)%n", r, (t1 - t0) / 1e3 / PER_ROUND,
                    (t2 - t1) / 1e3 / PER_ROUND, signers);
        }
    }
}
