package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * SM2 signatures with SM3 (GB/T 32918.2, GM/T 0009) on curve sm2p256v1 with the default user id
 * {@code 1234567812345678}, DER-encoded. Bouncy Castle's {@link SM2Signer} only draws k at random, so signing is
 * done here with the same formulas but an RFC 6979 k over SM3 (deterministic, no randomness); verification is
 * Bouncy Castle's, which is also the cross-check that the signing is right.
 */
public final class Sm2Sm3Suite extends EcSuite {
    public static final String ID = "sm2-sm3";
    private static final byte[] DEFAULT_USER_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
    private static final AlgorithmIdentifier SIGNATURE_ALGORITHM = new AlgorithmIdentifier(GMObjectIdentifiers.sm2sign_with_sm3);

    public Sm2Sm3Suite() {
        super(GMObjectIdentifiers.sm2p256v1);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    protected Digest newDigest() {
        return new SM3Digest();
    }

    @Override
    public AlgorithmIdentifier signatureAlgorithm() {
        return SIGNATURE_ALGORITHM;
    }

    @Override
    public String signatureAlgorithmName() {
        return "SM3withSM2";
    }

    @Override
    BigInteger maxPrivateScalar() {
        return domain().getN().subtract(BigInteger.TWO);
    }

    @Override
    public byte[] sign(ECPrivateKeyParameters privateKey, byte[] message) {
        ECDomainParameters domain = domain();
        BigInteger n = domain.getN();
        BigInteger d = privateKey.getD();
        byte[] eBytes = messageDigest(publicPoint(privateKey), message);
        BigInteger e = new BigInteger(1, eBytes);
        HMacDSAKCalculator kCalculator = new HMacDSAKCalculator(new SM3Digest());
        kCalculator.init(n, d, eBytes);
        FixedPointCombMultiplier multiplier = new FixedPointCombMultiplier();
        BigInteger dPlus1Inverse = d.add(BigInteger.ONE).modInverse(n);
        while (true) {
            BigInteger k = kCalculator.nextK();
            BigInteger x1 = multiplier.multiply(domain.getG(), k).normalize().getAffineXCoord().toBigInteger();
            BigInteger r = e.add(x1).mod(n);
            if (r.signum() == 0 || r.add(k).equals(n)) {
                continue;
            }
            BigInteger s = dPlus1Inverse.multiply(k.subtract(r.multiply(d))).mod(n);
            if (s.signum() == 0) {
                continue;
            }
            try {
                return StandardDSAEncoding.INSTANCE.encode(n, r, s);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    /** e = SM3(Z || M) with Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), as in GB/T 32918.2. */
    private byte[] messageDigest(ECPoint publicPoint, byte[] message) {
        ECDomainParameters domain = domain();
        Digest z = new SM3Digest();
        int idBits = DEFAULT_USER_ID.length * 8;
        z.update((byte) (idBits >>> 8));
        z.update((byte) idBits);
        z.update(DEFAULT_USER_ID, 0, DEFAULT_USER_ID.length);
        for (ECFieldElement element : new ECFieldElement[] {domain.getCurve().getA(), domain.getCurve().getB(),
                domain.getG().getAffineXCoord(), domain.getG().getAffineYCoord(),
                publicPoint.getAffineXCoord(), publicPoint.getAffineYCoord()}) {
            byte[] encoded = element.getEncoded();
            z.update(encoded, 0, encoded.length);
        }
        byte[] out = new byte[32];
        z.doFinal(out, 0);
        Digest e = new SM3Digest();
        e.update(out, 0, out.length);
        e.update(message, 0, message.length);
        e.doFinal(out, 0);
        return out;
    }

    @Override
    protected boolean verifyDecoded(ECPublicKeyParameters publicKey, byte[] message, byte[] signature) {
        SM2Signer verifier = new SM2Signer(StandardDSAEncoding.INSTANCE, new SM3Digest());
        verifier.init(false, publicKey);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
