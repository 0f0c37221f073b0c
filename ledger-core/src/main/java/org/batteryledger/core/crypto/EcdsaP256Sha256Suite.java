package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;

/**
 * ECDSA on NIST P-256 over SHA-256, DER signatures (what OpenSSL and SunEC produce and accept). Uses Bouncy Castle's
 * lightweight API, which is many times faster than SunEC here, with RFC 6979 deterministic k so signing needs no
 * randomness. Signatures are normalised to low S; verification still accepts any valid DER signature.
 */
public final class EcdsaP256Sha256Suite extends EcSuite {
    public static final String ID = "ecdsa-p256-sha256";
    private static final AlgorithmIdentifier SIGNATURE_ALGORITHM = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    public EcdsaP256Sha256Suite() {
        super(SECObjectIdentifiers.secp256r1);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    protected Digest newDigest() {
        return sha256();
    }

    /** A new SHA-256, the quicker of the two in this JVM ({@link #JDK_SHA256}); for the suite's hashes and CMS digests. */
    public static Digest sha256() {
        return JDK_SHA256 ? new JdkSha256Digest() : new SHA256Digest();
    }

    /**
     * Whether hashes here are the JDK's ({@link JdkSha256Digest}): only where C2 compiles, which turns its compression
     * function into the CPU's SHA instructions, several times faster than Bouncy Castle's Java loop (a 1,001-input
     * evidence root is 2,000 hashes). A node runs C1 alone ({@code -XX:TieredStopAtLevel=1},
     * see the launcher), where both are Java loops and Bouncy Castle's is the quicker: 657 against 891 ns for a Merkle
     * node's 65 bytes, where C2 takes the JDK's to 109 ns and Bouncy Castle's to 480 (BENCHMARKS.md, "Valuations").
     */
    static final boolean JDK_SHA256 = compilesWithC2(jvmOptions());

    /**
     * Whether this JVM compiles hot code with C2 ({@link #compilesWithC2(List)}): what decides which of two equivalent
     * implementations is the quicker here, the suite's SHA-256 and the peer links' TLS cipher.
     */
    public static boolean compilesWithC2() {
        return JDK_SHA256; // the same reading: the JDK's SHA-256 is chosen exactly where C2 compiles
    }

    /** The JVM's options; none where they cannot be read (then the JDK's SHA-256, as before this choice existed). */
    private static List<String> jvmOptions() {
        try {
            return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }

    /** From the JVM's options, the last of each deciding as HotSpot does: tiered compilation stopped below level 4, or off. */
    static boolean compilesWithC2(List<String> jvmOptions) {
        boolean tiered = true;
        int stopAtLevel = 4;
        for (String o : jvmOptions) {
            if (o.equals("-XX:-TieredCompilation")) {
                tiered = false;
            } else if (o.equals("-XX:+TieredCompilation")) {
                tiered = true;
            } else if (o.startsWith("-XX:TieredStopAtLevel=")) {
                try {
                    stopAtLevel = Integer.parseInt(o.substring("-XX:TieredStopAtLevel=".length()).trim());
                } catch (NumberFormatException e) {
                    stopAtLevel = 4; // HotSpot would not have started
                }
            }
        }
        return !tiered || stopAtLevel >= 4;
    }

    @Override
    public AlgorithmIdentifier signatureAlgorithm() {
        return SIGNATURE_ALGORITHM;
    }

    @Override
    public String signatureAlgorithmName() {
        return "SHA256withECDSA";
    }

    @Override
    public byte[] sign(ECPrivateKeyParameters privateKey, byte[] message) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, privateKey);
        BigInteger[] rs = signer.generateSignature(digest(message));
        BigInteger n = domain().getN();
        BigInteger s = rs[1].compareTo(n.shiftRight(1)) > 0 ? n.subtract(rs[1]) : rs[1];
        try {
            return StandardDSAEncoding.INSTANCE.encode(n, rs[0], s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean verifyDecoded(ECPublicKeyParameters publicKey, byte[] message, byte[] signature) throws IOException {
        BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(domain().getN(), signature); // strict DER, 0 < r,s < n
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, publicKey);
        return verifier.verifySignature(digest(message), rs[0], rs[1]);
    }
}
