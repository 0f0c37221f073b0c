package org.batteryledger.core.merkle;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.util.List;

/**
 * That a leaf sits at {@code leafIndex} in a tree of {@code treeSize} leaves: the RFC 6962 audit path, bottom-up.
 * Checked with the iterative algorithm of RFC 9162 §2.1.3.2, the one third-party CT verifiers use, so anyone
 * holding the leaf data, this proof and the batch root can check inclusion without our code.
 *
 * <p>The record accepts any index, size and path length, so that proofs from untrusted sources verify to false;
 * only {@link #write} insists on an encodable proof.
 */
public record InclusionProof(long leafIndex, long treeSize, List<Hash> auditPath) {
    /** A tree of at most 2^63 - 1 leaves has a path of at most 63 hashes; decoding stops hostile lists here. */
    public static final int MAX_PATH_LENGTH = 64;

    public InclusionProof {
        auditPath = List.copyOf(auditPath);
    }

    /**
     * The root this proof yields for the given leaf data.
     *
     * @throws IllegalArgumentException if the index is outside the tree or the path has the wrong length
     */
    public Hash rootFrom(CryptoSuite suite, Hash leafData) {
        return rootFromLeafHash(suite, MerkleHashes.leafHash(suite, leafData));
    }

    /** As {@link #rootFrom}, starting from the leaf hash H(0x00 || data) instead of the data. */
    public Hash rootFromLeafHash(CryptoSuite suite, Hash leafHash) {
        Hash root = computeRoot(suite, leafHash);
        if (root == null) {
            throw new IllegalArgumentException("proof does not fit the tree: leaf " + leafIndex + " of "
                    + treeSize + " with " + auditPath.size() + " path hashes");
        }
        return root;
    }

    /** Whether the leaf data is in the tree with this root; false, never an exception, for any malformed proof. */
    public boolean verify(CryptoSuite suite, Hash leafData, Hash expectedRoot) {
        return expectedRoot.equals(computeRoot(suite, MerkleHashes.leafHash(suite, leafData)));
    }

    /** RFC 9162 §2.1.3.2 step by step; null where the RFC says "fail". */
    private Hash computeRoot(CryptoSuite suite, Hash leafHash) {
        if (leafIndex < 0 || treeSize <= 0 || leafIndex >= treeSize) {
            return null;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        Hash r = leafHash;
        for (Hash p : auditPath) {
            if (sn == 0) {
                return null; // path longer than the tree is high
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = MerkleHashes.nodeHash(suite, p, r);
                // An even fn here is the last node of its level, carried up without a sibling: skip those levels.
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = MerkleHashes.nodeHash(suite, r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 ? r : null; // sn != 0: path too short
    }

    /** u64 leafIndex, u64 treeSize, u32 count, then count raw 32-byte hashes. */
    public void write(CanonicalWriter w) {
        if (leafIndex < 0 || treeSize < 0 || auditPath.size() > MAX_PATH_LENGTH) {
            throw new IllegalArgumentException("not an encodable proof: leaf " + leafIndex + " of " + treeSize
                    + " with " + auditPath.size() + " path hashes");
        }
        w.u64(leafIndex).u64(treeSize).list(auditPath, (ww, h) -> ww.raw(h.unsafeBytes()));
    }

    public static InclusionProof read(CanonicalReader r) {
        long leafIndex = r.uint("leafIndex");
        long treeSize = r.uint("treeSize");
        List<Hash> path = r.list(MAX_PATH_LENGTH, rr -> Hash.of(rr.raw(Hash.LENGTH)));
        return new InclusionProof(leafIndex, treeSize, path);
    }

    public byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(20 + auditPath.size() * Hash.LENGTH);
        write(w);
        return w.toByteArray();
    }

    /** @throws org.batteryledger.core.codec.DecodeException on truncated, oversized or trailing bytes */
    public static InclusionProof decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        InclusionProof proof = read(r);
        r.end();
        return proof;
    }
}
