package org.batteryledger.core.merkle;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 6962 §2.1 Merkle tree over 32-byte leaf data: leaf = H(0x00 || data), node = H(0x01 || left || right),
 * split at the largest power of two below the leaf count.
 *
 * <p>Built bottom-up level by level, pairing neighbours and carrying a level's odd last node up unchanged; this
 * yields exactly the RFC's recursive split (the carried node is the right-hand subtree that the split leaves
 * incomplete) with n - 1 node hashes. Each level is kept as one packed byte array (32 bytes a node, about 64 bytes
 * a leaf in all), so a proof is read off in O(log n) without rebuilding anything. Immutable and thread-safe.
 */
public final class MerkleTree {
    private static final int W = Hash.LENGTH;

    private final int size;
    /** levels[0] holds the leaf hashes, each next level the parents; the last level holds the root alone. */
    private final byte[][] levels;
    private final Hash root;

    private MerkleTree(CryptoSuite suite, byte[] leafHashes, int size) {
        this.size = size;
        if (size == 0) {
            levels = new byte[0][];
            root = MerkleHashes.emptyRoot(suite);
            return;
        }
        List<byte[]> built = new ArrayList<>();
        built.add(leafHashes);
        CryptoSuite.Hasher hasher = suite.hasher();
        byte[] node = new byte[1 + 2 * W];
        for (int count = size; count > 1; count = (count + 1) / 2) {
            byte[] parent = new byte[((count + 1) / 2) * W];
            reduceLevel(hasher, built.get(built.size() - 1), count, parent, node);
            built.add(parent);
        }
        levels = built.toArray(new byte[0][]);
        root = Hash.of(levels[levels.length - 1]);
    }

    /** A tree whose leaf data are the given hashes, in order. */
    public static MerkleTree of(CryptoSuite suite, List<Hash> leafData) {
        int n = leafData.size();
        byte[] leafHashes = new byte[Math.multiplyExact(n, W)];
        CryptoSuite.Hasher hasher = suite.hasher();
        byte[] leaf = new byte[1 + W];
        for (int i = 0; i < n; i++) {
            putLeafHash(hasher, leafData.get(i).unsafeBytes(), leaf, leafHashes, i);
        }
        return new MerkleTree(suite, leafHashes, n);
    }

    /** A tree over arbitrary leaf bytes, as in the RFC; used to check the published CT test vectors exactly. */
    static MerkleTree fromLeafBytes(CryptoSuite suite, List<byte[]> leafData) {
        int n = leafData.size();
        byte[] leafHashes = new byte[Math.multiplyExact(n, W)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(MerkleHashes.leafHash(suite, leafData.get(i)).unsafeBytes(), 0, leafHashes, i * W, W);
        }
        return new MerkleTree(suite, leafHashes, n);
    }

    /**
     * The root alone, in one working buffer that each level overwrites in place (parent i lands at or before
     * child 2i, which has already been read), for callers that need no proofs.
     */
    public static Hash root(CryptoSuite suite, List<Hash> leafData) {
        int n = leafData.size();
        if (n == 0) {
            return MerkleHashes.emptyRoot(suite);
        }
        byte[] work = new byte[Math.multiplyExact(n, W)];
        CryptoSuite.Hasher hasher = suite.hasher();
        byte[] leaf = new byte[1 + W];
        for (int i = 0; i < n; i++) {
            putLeafHash(hasher, leafData.get(i).unsafeBytes(), leaf, work, i);
        }
        byte[] node = new byte[1 + 2 * W];
        for (int count = n; count > 1; count = (count + 1) / 2) {
            reduceLevel(hasher, work, count, work, node);
        }
        byte[] root = new byte[W];
        System.arraycopy(work, 0, root, 0, W);
        return Hash.of(root);
    }

    public Hash root() {
        return root;
    }

    public int size() {
        return size;
    }

    /** The hash of leaf i, H(0x00 || data). */
    public Hash leafHash(int leafIndex) {
        Objects.checkIndex(leafIndex, size);
        return nodeAt(levels[0], leafIndex);
    }

    /**
     * The RFC 6962 audit path of a leaf, bottom-up: at each level the sibling of the running node, skipped where
     * the running node is a carried-up odd node and so has no sibling on that level.
     *
     * @throws IndexOutOfBoundsException unless 0 <= leafIndex < size
     */
    public InclusionProof inclusionProof(int leafIndex) {
        Objects.checkIndex(leafIndex, size);
        List<Hash> path = new ArrayList<>(levels.length - 1);
        int index = leafIndex;
        int count = size;
        for (int level = 0; level < levels.length - 1; level++) {
            int sibling = index ^ 1;
            if (sibling < count) {
                path.add(nodeAt(levels[level], sibling));
            }
            index >>>= 1;
            count = (count + 1) / 2;
        }
        return new InclusionProof(leafIndex, size, path);
    }

    /** H(0x00 || data) into slot {@code index} of {@code out}; {@code leaf} is a reused buffer of 33 bytes. */
    private static void putLeafHash(CryptoSuite.Hasher hasher, byte[] data, byte[] leaf, byte[] out, int index) {
        leaf[0] = MerkleHashes.LEAF_PREFIX;
        System.arraycopy(data, 0, leaf, 1, W);
        hasher.hash(leaf, 0, leaf.length, out, index * W);
    }

    /**
     * Writes the parents of count packed nodes into dst (which may be src): pairs hashed, an odd last carried.
     * The one 65-byte node buffer is reused for every pair, since a suite hashes its input and keeps nothing.
     */
    private static void reduceLevel(CryptoSuite.Hasher hasher, byte[] src, int count, byte[] dst, byte[] node) {
        node[0] = MerkleHashes.NODE_PREFIX;
        int pairs = count / 2;
        for (int i = 0; i < pairs; i++) {
            System.arraycopy(src, 2 * i * W, node, 1, 2 * W);
            hasher.hash(node, 0, node.length, dst, i * W); // parent i lands at or before child 2i, already copied
        }
        if ((count & 1) == 1) {
            System.arraycopy(src, (count - 1) * W, dst, pairs * W, W);
        }
    }

    private static Hash nodeAt(byte[] level, int index) {
        byte[] h = new byte[W];
        System.arraycopy(level, index * W, h, 0, W);
        return Hash.of(h);
    }
}
