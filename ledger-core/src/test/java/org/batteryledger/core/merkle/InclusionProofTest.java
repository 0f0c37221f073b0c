package org.batteryledger.core.merkle;

import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InclusionProofTest {
    private static final Sha256TestSuite SUITE = Sha256TestSuite.INSTANCE;

    @Test
    void everyTamperingFailsForSizes1To70() {
        for (int n = 1; n <= 70; n++) {
            List<Hash> leaves = MerkleTreeTest.randomLeaves(n, 31 * n);
            MerkleTree tree = MerkleTree.of(SUITE, leaves);
            Hash root = tree.root();
            for (int i = 0; i < n; i++) {
                InclusionProof proof = tree.inclusionProof(i);
                Hash leaf = leaves.get(i);
                List<Hash> path = proof.auditPath();
                String at = "leaf " + i + " of " + n;

                assertFalse(proof.verify(SUITE, flipBit(leaf), root), at + ": tampered leaf");
                if (n > 1) {
                    assertFalse(proof.verify(SUITE, leaves.get((i + 1) % n), root), at + ": other leaf");
                }
                assertFalse(proof.verify(SUITE, leaf, flipBit(root)), at + ": wrong root");
                for (int k = 0; k < path.size(); k++) {
                    List<Hash> tampered = new ArrayList<>(path);
                    tampered.set(k, flipBit(path.get(k)));
                    assertFalse(proofOf(i, n, tampered).verify(SUITE, leaf, root), at + ": tampered path[" + k + "]");
                }
                // For a fixed size the direction pattern names the leaf, so no other index may verify.
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        assertFalse(proofOf(j, n, path).verify(SUITE, leaf, root), at + ": claimed index " + j);
                    }
                }
                for (long wrongIndex : new long[] {-1, n, n + 1L, Long.MAX_VALUE, Long.MIN_VALUE}) {
                    assertFalse(proofOf(wrongIndex, n, path).verify(SUITE, leaf, root), at + ": index " + wrongIndex);
                }
                for (long wrongSize : new long[] {0, -1, i, 2L * n, n / 2, Long.MAX_VALUE, Long.MIN_VALUE}) {
                    if (wrongSize != n) {
                        assertFalse(proofOf(i, wrongSize, path).verify(SUITE, leaf, root), at + ": size " + wrongSize);
                    }
                }
                if (!path.isEmpty()) {
                    assertFalse(proofOf(i, n, path.subList(0, path.size() - 1)).verify(SUITE, leaf, root), at + ": truncated");
                    assertFalse(proofOf(i, n, path.subList(1, path.size())).verify(SUITE, leaf, root), at + ": first dropped");
                    List<Hash> reversed = new ArrayList<>(path);
                    Collections.reverse(reversed);
                    if (!reversed.equals(path)) {
                        assertFalse(proofOf(i, n, reversed).verify(SUITE, leaf, root), at + ": reversed");
                    }
                }
                assertFalse(proofOf(i, n, append(path, root)).verify(SUITE, leaf, root), at + ": trailing root");
                assertFalse(proofOf(i, n, prepend(root, path)).verify(SUITE, leaf, root), at + ": preceding root");
            }
        }
    }

    @Test
    void treeSizeIsBoundOnlyThroughThePathShape() {
        // As in every RFC 9162 verifier: leaf 0 of 3 and leaf 0 of 4 hash their paths identically, so the proof
        // for size 3 also passes claiming size 4. Whoever relies on the size must commit to it beside the root.
        List<Hash> leaves = MerkleTreeTest.randomLeaves(3, 12);
        MerkleTree tree = MerkleTree.of(SUITE, leaves);
        InclusionProof proof = tree.inclusionProof(0);
        assertTrue(proofOf(0, 4, proof.auditPath()).verify(SUITE, leaves.get(0), tree.root()));
        assertFalse(proofOf(0, 5, proof.auditPath()).verify(SUITE, leaves.get(0), tree.root()));
    }

    @Test
    void malformedProofsAreRejectedWithoutThrowing() {
        Hash leaf = MerkleTreeTest.randomLeaves(1, 3).get(0);
        Hash root = MerkleTree.root(SUITE, List.of(leaf));
        List<Hash> longPath = Collections.nCopies(100, root);
        for (InclusionProof bad : List.of(
                new InclusionProof(0, 0, List.of()),
                new InclusionProof(1, 1, List.of()),
                new InclusionProof(-1, 1, List.of()),
                new InclusionProof(0, -1, List.of()),
                new InclusionProof(0, 1, List.of(root)),
                new InclusionProof(0, 1, longPath),
                new InclusionProof(0, Long.MAX_VALUE, longPath),
                new InclusionProof(0, 2, List.of()))) {
            assertFalse(bad.verify(SUITE, leaf, root), bad.toString());
            assertThrows(IllegalArgumentException.class, () -> bad.rootFrom(SUITE, leaf), bad.toString());
        }
        assertTrue(new InclusionProof(0, 1, List.of()).verify(SUITE, leaf, root));
    }

    @Test
    void theAuditPathIsAnImmutableCopy() {
        List<Hash> path = new ArrayList<>(MerkleTreeTest.randomLeaves(2, 4));
        InclusionProof proof = new InclusionProof(0, 4, path);
        path.clear();
        assertEquals(2, proof.auditPath().size());
        assertThrows(UnsupportedOperationException.class, () -> proof.auditPath().clear());
        assertThrows(NullPointerException.class, () -> new InclusionProof(0, 1, Arrays.asList((Hash) null)));
    }

    @Test
    void encodingRoundTripsForEveryProofOfATree() {
        List<Hash> leaves = MerkleTreeTest.randomLeaves(70, 5);
        MerkleTree tree = MerkleTree.of(SUITE, leaves);
        for (int i = 0; i < leaves.size(); i++) {
            InclusionProof proof = tree.inclusionProof(i);
            byte[] encoded = proof.encode();
            assertEquals(8 + 8 + 4 + Hash.LENGTH * proof.auditPath().size(), encoded.length);
            InclusionProof decoded = InclusionProof.decode(encoded);
            assertEquals(proof, decoded);
            assertTrue(decoded.verify(SUITE, leaves.get(i), tree.root()));
        }
    }

    @Test
    void encodingIsTheDocumentedLayout() {
        Hash a = Hash.fromHex("00".repeat(31) + "aa");
        Hash b = Hash.fromHex("00".repeat(31) + "bb");
        byte[] expected = new CanonicalWriter().u64(5).u64(8).u32(2).raw(a.bytes()).raw(b.bytes()).toByteArray();
        assertArrayEquals(expected, new InclusionProof(5, 8, List.of(a, b)).encode());
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0},
                new InclusionProof(0, 1, List.of()).encode());
    }

    @Test
    void decoderRejectsEveryTruncationAndTrailingBytes() {
        byte[] encoded = MerkleTree.of(SUITE, MerkleTreeTest.randomLeaves(9, 6)).inclusionProof(8).encode();
        for (int len = 0; len < encoded.length; len++) {
            byte[] prefix = Arrays.copyOf(encoded, len);
            assertThrows(DecodeException.class, () -> InclusionProof.decode(prefix), "prefix of " + len);
        }
        assertThrows(DecodeException.class, () -> InclusionProof.decode(Arrays.copyOf(encoded, encoded.length + 1)));
    }

    @Test
    void decoderBoundsThePathAt64Hashes() {
        assertEquals(64, InclusionProof.decode(encodedWithCount(64, 64)).auditPath().size());
        assertThrows(DecodeException.class, () -> InclusionProof.decode(encodedWithCount(65, 65)));
        // A hostile count with no hashes behind it must fail before any allocation.
        assertThrows(DecodeException.class, () -> InclusionProof.decode(encodedWithCount(0xffffffff, 0)));
        assertThrows(DecodeException.class, () -> InclusionProof.decode(encodedWithCount(Integer.MAX_VALUE, 0)));
    }

    @Test
    void decoderRejectsNegativeIndexOrSize() {
        byte[] negativeIndex = new CanonicalWriter().u64(-1).u64(1).u32(0).toByteArray();
        byte[] negativeSize = new CanonicalWriter().u64(0).u64(Long.MIN_VALUE).u32(0).toByteArray();
        assertThrows(DecodeException.class, () -> InclusionProof.decode(negativeIndex));
        assertThrows(DecodeException.class, () -> InclusionProof.decode(negativeSize));
    }

    @Test
    void writerRefusesWhatTheDecoderWouldReject() {
        assertThrows(IllegalArgumentException.class, () -> new InclusionProof(-1, 1, List.of()).encode());
        assertThrows(IllegalArgumentException.class, () -> new InclusionProof(0, -1, List.of()).encode());
        assertThrows(IllegalArgumentException.class,
                () -> new InclusionProof(0, 1, Collections.nCopies(65, Hash.ZERO)).encode());
    }

    private static byte[] encodedWithCount(int count, int hashesPresent) {
        CanonicalWriter w = new CanonicalWriter().u64(0).u64(1).u32(count);
        for (int i = 0; i < hashesPresent; i++) {
            w.raw(Hash.ZERO.bytes());
        }
        return w.toByteArray();
    }

    private static InclusionProof proofOf(long index, long size, List<Hash> path) {
        return new InclusionProof(index, size, path);
    }

    private static Hash flipBit(Hash h) {
        byte[] b = h.bytes();
        b[0] ^= 0x08;
        return Hash.of(b);
    }

    private static List<Hash> append(List<Hash> path, Hash h) {
        List<Hash> out = new ArrayList<>(path);
        out.add(h);
        return out;
    }

    private static List<Hash> prepend(Hash h, List<Hash> path) {
        List<Hash> out = new ArrayList<>();
        out.add(h);
        out.addAll(path);
        return out;
    }
}
