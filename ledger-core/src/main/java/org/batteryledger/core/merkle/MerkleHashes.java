package org.batteryledger.core.merkle;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

/**
 * The RFC 6962 §2.1 hashes. The distinct 0x00 / 0x01 prefixes keep a leaf from ever being passed off as an
 * interior node (second-preimage resistance).
 */
public final class MerkleHashes {
    public static final byte LEAF_PREFIX = 0x00;
    public static final byte NODE_PREFIX = 0x01;

    private MerkleHashes() {
    }

    /** MTH({}) = HASH(), the root of an empty tree. */
    public static Hash emptyRoot(CryptoSuite suite) {
        return suite.hash(new byte[0]);
    }

    /** HASH(0x00 || data) for a 32-byte leaf datum (a record or transaction hash). */
    public static Hash leafHash(CryptoSuite suite, Hash data) {
        return leafHash(suite, data.unsafeBytes());
    }

    /** HASH(0x00 || data) for arbitrary leaf bytes, as in the RFC itself. */
    public static Hash leafHash(CryptoSuite suite, byte[] data) {
        byte[] in = new byte[1 + data.length];
        in[0] = LEAF_PREFIX;
        System.arraycopy(data, 0, in, 1, data.length);
        return suite.hash(in);
    }

    /** HASH(0x01 || left || right). */
    public static Hash nodeHash(CryptoSuite suite, Hash left, Hash right) {
        byte[] in = new byte[1 + 2 * Hash.LENGTH];
        in[0] = NODE_PREFIX;
        System.arraycopy(left.unsafeBytes(), 0, in, 1, Hash.LENGTH);
        System.arraycopy(right.unsafeBytes(), 0, in, 1 + Hash.LENGTH, Hash.LENGTH);
        return suite.hash(in);
    }
}
