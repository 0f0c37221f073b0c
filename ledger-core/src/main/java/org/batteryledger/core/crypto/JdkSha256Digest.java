package org.batteryledger.core.crypto;

import org.bouncycastle.crypto.Digest;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The JDK's SHA-256 behind Bouncy Castle's {@link Digest}, so code written against one digest interface (the suite's
 * hashes, Merkle trees, CMS) can take either. Where C2 compiles, HotSpot turns its compression function into the CPU's
 * SHA instructions. The same function as Bouncy Castle's {@code SHA256Digest}, so the same bytes. Not thread-safe.
 */
final class JdkSha256Digest implements Digest {
    /** A never-used prototype, cloned per digest: getInstance searches the providers every time. */
    private static final MessageDigest PROTOTYPE = prototype();

    private final MessageDigest digest;

    JdkSha256Digest() {
        try {
            digest = (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
        }
    }

    private static MessageDigest prototype() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String getAlgorithmName() {
        return "SHA-256";
    }

    @Override
    public int getDigestSize() {
        return Hash.LENGTH;
    }

    @Override
    public void update(byte in) {
        digest.update(in);
    }

    @Override
    public void update(byte[] in, int offset, int length) {
        digest.update(in, offset, length);
    }

    @Override
    public int doFinal(byte[] out, int offset) {
        try {
            return digest.digest(out, offset, Hash.LENGTH);
        } catch (DigestException e) {
            throw new IllegalArgumentException("no room for a SHA-256 at " + offset + " of " + out.length + " bytes", e);
        }
    }

    @Override
    public void reset() {
        digest.reset();
    }
}
