package org.batteryledger.core.merkle;

import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MerkleTreeTest {
    private static final Sha256TestSuite SUITE = Sha256TestSuite.INSTANCE;

    static List<Hash> randomLeaves(int n, long seed) {
        Random random = new Random(seed);
        List<Hash> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[Hash.LENGTH];
            random.nextBytes(b);
            out.add(Hash.of(b));
        }
        return out;
    }

    @Test
    void emptyTreeRootIsTheHashOfNothing() {
        Hash sha256OfNothing = Hash.fromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        MerkleTree tree = MerkleTree.of(SUITE, List.of());
        assertEquals(0, tree.size());
        assertEquals(sha256OfNothing, tree.root());
        assertEquals(sha256OfNothing, MerkleTree.root(SUITE, List.of()));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.inclusionProof(0));
    }

    @Test
    void singleLeafRootIsItsLeafHashWithAnEmptyPath() {
        Hash data = randomLeaves(1, 1).get(0);
        MerkleTree tree = MerkleTree.of(SUITE, List.of(data));
        assertEquals(MerkleHashes.leafHash(SUITE, data), tree.root());
        InclusionProof proof = tree.inclusionProof(0);
        assertEquals(new InclusionProof(0, 1, List.of()), proof);
        assertTrue(proof.verify(SUITE, data, tree.root()));
    }

    @Test
    void rootEqualsTheRecursiveDefinitionForSizes0To130() {
        for (int n = 0; n <= 130; n++) {
            assertRootMatchesReference(randomLeaves(n, n));
        }
    }

    @Test
    void rootEqualsTheRecursiveDefinitionForLargeSizes() {
        for (int n : new int[] {255, 256, 257, 1023, 1025, 4097, 5000, 100_000}) {
            assertRootMatchesReference(randomLeaves(n, 1000 + n));
        }
    }

    private static void assertRootMatchesReference(List<Hash> leaves) {
        Hash expected = Rfc6962Reference.mth(SUITE, Rfc6962Reference.bytesOf(leaves));
        assertEquals(expected, MerkleTree.of(SUITE, leaves).root(), "tree of " + leaves.size());
        assertEquals(expected, MerkleTree.root(SUITE, leaves), "static root of " + leaves.size());
    }

    @Test
    void everyProofEqualsTheRecursivePathAndVerifiesForSizes1To70() {
        for (int n = 1; n <= 70; n++) {
            List<Hash> leaves = randomLeaves(n, 7 * n);
            List<byte[]> raw = Rfc6962Reference.bytesOf(leaves);
            MerkleTree tree = MerkleTree.of(SUITE, leaves);
            for (int i = 0; i < n; i++) {
                InclusionProof proof = tree.inclusionProof(i);
                String at = "leaf " + i + " of " + n;
                assertEquals(Rfc6962Reference.path(SUITE, i, raw), proof.auditPath(), at);
                assertEquals(tree.root(), proof.rootFrom(SUITE, leaves.get(i)), at);
                assertTrue(proof.verify(SUITE, leaves.get(i), tree.root()), at);
            }
        }
    }

    @Test
    void sampledProofsOfALargeBatchEqualTheRecursivePathAndVerify() {
        int n = 100_000;
        List<Hash> leaves = randomLeaves(n, 42);
        List<byte[]> raw = Rfc6962Reference.bytesOf(leaves);
        MerkleTree tree = MerkleTree.of(SUITE, leaves);
        assertEquals(17, tree.inclusionProof(0).auditPath().size());
        Random random = new Random(43);
        for (int k = 0; k < 200; k++) {
            int i = k < 3 ? new int[] {0, n - 1, 65_535}[k] : random.nextInt(n);
            InclusionProof proof = tree.inclusionProof(i);
            // At most ceil(log2 100000) = 17 hashes; fewer where the leaf sits in the carried-up right edge.
            assertTrue(proof.auditPath().size() <= 17, "leaf " + i);
            assertTrue(proof.verify(SUITE, leaves.get(i), tree.root()), "leaf " + i);
            if (k < 5) {
                assertEquals(Rfc6962Reference.path(SUITE, i, raw), proof.auditPath(), "leaf " + i);
            }
        }
    }

    @Test
    void proofRequestsOutsideTheTreeThrow() {
        MerkleTree tree = MerkleTree.of(SUITE, randomLeaves(5, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.inclusionProof(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.inclusionProof(5));
        assertThrows(IndexOutOfBoundsException.class, () -> tree.leafHash(5));
    }

    @Test
    void leafOrderMatters() {
        List<Hash> leaves = randomLeaves(4, 9);
        List<Hash> swapped = new ArrayList<>(leaves);
        swapped.set(0, leaves.get(1));
        swapped.set(1, leaves.get(0));
        assertFalse(MerkleTree.root(SUITE, leaves).equals(MerkleTree.root(SUITE, swapped)));
    }

    @Test
    void leavesAreDomainSeparatedFromNodes() {
        // The root hashes the prefixed leaf hashes, never the bare data, so leaf data cannot pose as child nodes.
        List<Hash> leaves = randomLeaves(2, 11);
        Hash twoLeafRoot = MerkleTree.root(SUITE, leaves);
        Hash unprefixedPair = MerkleHashes.nodeHash(SUITE, leaves.get(0), leaves.get(1));
        assertFalse(twoLeafRoot.equals(unprefixedPair));
        assertEquals(MerkleHashes.nodeHash(SUITE, MerkleHashes.leafHash(SUITE, leaves.get(0)),
                MerkleHashes.leafHash(SUITE, leaves.get(1))), twoLeafRoot);
    }
}
