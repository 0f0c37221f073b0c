package org.batteryledger.core.crypto;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the two real suites share: a named 256-bit curve, keys as canonical X.509 SubjectPublicKeyInfo DER (named
 * curve, uncompressed point - one key has exactly one encoding, so its {@link NodeId} is unique), PKCS#8 private
 * keys, and a bounded cache of decoded public keys because parsing and validating a point on every verify is costly.
 */
public abstract sealed class EcSuite implements CryptoSuite permits EcdsaP256Sha256Suite, Sm2Sm3Suite {
    private static final int KEY_CACHE_ENTRIES = 4096;

    private final ASN1ObjectIdentifier curveOid;
    private final ECNamedDomainParameters domain;
    private final AlgorithmIdentifier keyAlgorithm;
    private final Map<ByteBuffer, ECPublicKeyParameters> keyCache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, ECPublicKeyParameters> eldest) {
            return size() > KEY_CACHE_ENTRIES;
        }
    };

    EcSuite(ASN1ObjectIdentifier curveOid) {
        this.curveOid = curveOid;
        this.domain = new ECNamedDomainParameters(curveOid, CustomNamedCurves.getByOID(curveOid));
        this.keyAlgorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curveOid);
    }

    /** A fresh digest of the suite's hash function (digests are stateful, so one per use). */
    protected abstract Digest newDigest();

    /** The signature algorithm of X.509 certificates and CSRs under this suite. */
    public abstract AlgorithmIdentifier signatureAlgorithm();

    /** The JCA name of {@link #signatureAlgorithm()}: {@code SHA256withECDSA} or {@code SM3withSM2}. */
    public abstract String signatureAlgorithmName();

    /** Signs with a private key of this suite's curve; deterministic (RFC 6979 k), DER-encoded. */
    public abstract byte[] sign(ECPrivateKeyParameters privateKey, byte[] message);

    /** Verifies against a decoded key; may throw on a malformed signature, {@link #verify} turns that into false. */
    protected abstract boolean verifyDecoded(ECPublicKeyParameters publicKey, byte[] message, byte[] signature) throws IOException;

    public final ECNamedDomainParameters domain() {
        return domain;
    }

    public final ASN1ObjectIdentifier curveOid() {
        return curveOid;
    }

    @Override
    public final Hash hash(byte[] data) {
        return Hash.wrap(digest(data));
    }

    /** One digest, reset by each hash ({@code doFinal} does). */
    @Override
    public Hasher hasher() {
        Digest d = newDigest();
        return (in, offset, length, out, outOffset) -> {
            d.update(in, offset, length);
            d.doFinal(out, outOffset);
        };
    }

    /** The suite's hash of {@code data}; a suite may compute it faster than through {@link #newDigest()}, never differently. */
    protected byte[] digest(byte[] data) {
        Digest d = newDigest();
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    @Override
    public final boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey == null || message == null || signature == null) {
            return false;
        }
        try {
            return verifyDecoded(publicKey(publicKey), message, signature);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Decodes a public key of this suite, from the cache when it was seen recently.
     *
     * @throws IllegalArgumentException unless it is a canonical SPKI of a valid point on this suite's curve
     */
    public final ECPublicKeyParameters publicKey(byte[] spki) {
        synchronized (keyCache) {
            ECPublicKeyParameters cached = keyCache.get(ByteBuffer.wrap(spki));
            if (cached != null) {
                return cached;
            }
        }
        ECPublicKeyParameters key = decodePublicKey(spki);
        synchronized (keyCache) {
            keyCache.put(ByteBuffer.wrap(spki.clone()), key); // cloned: the caller may reuse its array
        }
        return key;
    }

    private ECPublicKeyParameters decodePublicKey(byte[] spki) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(spki);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a SubjectPublicKeyInfo: " + e.getMessage());
        }
        if (info == null || !keyAlgorithm.equals(info.getAlgorithm())) {
            throw new IllegalArgumentException("not a public key on curve " + curveOid + " of suite " + id());
        }
        byte[] point = info.getPublicKeyData().getBytes();
        if (point.length != 65 || point[0] != 0x04) {
            throw new IllegalArgumentException("the public key point must be uncompressed (65 bytes starting 04)");
        }
        ECPoint q = domain.getCurve().decodePoint(point); // rejects points not on the curve
        ECPublicKeyParameters key = new ECPublicKeyParameters(q, domain); // rejects infinity and small-order points
        if (!Arrays.equals(encodePublicKey(q), spki)) {
            throw new IllegalArgumentException("the public key is not in canonical DER form");
        }
        return key;
    }

    /** The canonical SPKI DER of a point of this suite's curve. */
    public final byte[] encodePublicKey(ECPoint q) {
        return der(new SubjectPublicKeyInfo(keyAlgorithm, q.normalize().getEncoded(false)));
    }

    /** The public key (canonical SPKI DER) that belongs to a private key. */
    public final byte[] publicKeyOf(ECPrivateKeyParameters privateKey) {
        return encodePublicKey(publicPoint(privateKey));
    }

    final ECPoint publicPoint(ECPrivateKeyParameters privateKey) {
        return new FixedPointCombMultiplier().multiply(domain.getG(), privateKey.getD()).normalize();
    }

    /**
     * Decodes a PKCS#8 private key of this suite's curve.
     *
     * @throws IllegalArgumentException for another algorithm or curve, or a scalar out of range
     */
    public final ECPrivateKeyParameters privateKey(byte[] pkcs8) {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(pkcs8);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a PKCS#8 private key: " + e.getMessage());
        }
        if (info == null || !keyAlgorithm.equals(info.getPrivateKeyAlgorithm())) {
            throw new IllegalArgumentException("not a private key on curve " + curveOid + " of suite " + id());
        }
        BigInteger d;
        try {
            d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("malformed EC private key: " + e.getMessage());
        }
        return checkPrivateKey(new ECPrivateKeyParameters(d, domain));
    }

    /**
     * Returns the key if it is on this suite's curve with a scalar in range.
     *
     * @throws IllegalArgumentException otherwise
     */
    public final ECPrivateKeyParameters checkPrivateKey(ECPrivateKeyParameters privateKey) {
        if (!domain.equals(privateKey.getParameters())) {
            throw new IllegalArgumentException("the private key is not on the curve of suite " + id());
        }
        BigInteger d = privateKey.getD();
        if (d.signum() <= 0 || d.compareTo(maxPrivateScalar()) > 0) {
            throw new IllegalArgumentException("private key scalar out of range for suite " + id());
        }
        return privateKey;
    }

    /** The largest valid private scalar: n - 1 (SM2 needs n - 2, as it inverts 1 + d). */
    BigInteger maxPrivateScalar() {
        return domain.getN().subtract(BigInteger.ONE);
    }

    /** PKCS#8 DER of a private key, with its public key included as OpenSSL writes it. */
    public final byte[] encodePrivateKey(ECPrivateKeyParameters privateKey) {
        ECPrivateKey sec1 = new ECPrivateKey(domain.getN().bitLength(), privateKey.getD(),
                new DERBitString(publicPoint(privateKey).getEncoded(false)), null);
        try {
            return der(new PrivateKeyInfo(keyAlgorithm, sec1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] der(org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            return value.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
