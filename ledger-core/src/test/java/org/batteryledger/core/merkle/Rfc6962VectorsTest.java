package org.batteryledger.core.merkle;

import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Known answers from the Certificate Transparency reference vectors (SHA-256), as published in
 * github.com/transparency-dev/merkle (formerly Trillian's merkle package):
 * testonly/constants.go (LeafInputs, NodeHashes, RootHashes) and proof/verify_test.go (inclusionProofs, whose
 * leaf numbers are 1-based there; converted to 0-based indices here).
 */
class Rfc6962VectorsTest {
    private static final Sha256TestSuite SUITE = Sha256TestSuite.INSTANCE;

    private static final List<byte[]> LEAVES = List.of(
            Hex.decode(""), Hex.decode("00"), Hex.decode("10"), Hex.decode("2021"), Hex.decode("3031"),
            Hex.decode("40414243"), Hex.decode("5051525354555657"), Hex.decode("606162636465666768696a6b6c6d6e6f"));

    /** Index = tree size. */
    private static final String[] ROOTS = {
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    };

    /** NodeHashes()[0] and [1]: the leaf hashes and the complete 2-leaf subtrees of the 8-leaf tree. */
    private static final String[] LEAF_HASHES = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    };
    private static final String[] PAIR_HASHES = {
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    };

    private record PathVector(int leafIndex, int treeSize, String... path) {
    }

    private static final List<PathVector> PATHS = List.of(
            new PathVector(0, 1),
            new PathVector(0, 8,
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            new PathVector(5, 8,
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            new PathVector(2, 3,
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
            new PathVector(1, 5,
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"));

    @Test
    void leafAndNodeHashesMatchTheVectors() {
        for (int i = 0; i < LEAVES.size(); i++) {
            assertEquals(LEAF_HASHES[i], MerkleHashes.leafHash(SUITE, LEAVES.get(i)).hex(), "leaf " + i);
        }
        for (int i = 0; i < PAIR_HASHES.length; i++) {
            Hash pair = MerkleHashes.nodeHash(SUITE, Hash.fromHex(LEAF_HASHES[2 * i]), Hash.fromHex(LEAF_HASHES[2 * i + 1]));
            assertEquals(PAIR_HASHES[i], pair.hex(), "pair " + i);
        }
        assertEquals(ROOTS[0], MerkleHashes.emptyRoot(SUITE).hex());
    }

    @Test
    void rootsOfEveryPrefixMatchTheVectors() {
        for (int size = 0; size <= LEAVES.size(); size++) {
            List<byte[]> prefix = LEAVES.subList(0, size);
            assertEquals(ROOTS[size], MerkleTree.fromLeafBytes(SUITE, prefix).root().hex(), "tree of " + size);
            assertEquals(ROOTS[size], Rfc6962Reference.mth(SUITE, prefix).hex(), "reference of " + size);
        }
    }

    @Test
    void auditPathsMatchTheVectorsAndVerify() {
        for (PathVector v : PATHS) {
            MerkleTree tree = MerkleTree.fromLeafBytes(SUITE, LEAVES.subList(0, v.treeSize()));
            InclusionProof proof = tree.inclusionProof(v.leafIndex());
            String at = "leaf " + v.leafIndex() + " of " + v.treeSize();

            assertEquals(List.of(v.path()), hexes(proof.auditPath()), at);
            assertEquals(v.leafIndex(), proof.leafIndex());
            assertEquals(v.treeSize(), proof.treeSize());

            // The published path, not ours, through the RFC 9162 verifier.
            InclusionProof published = new InclusionProof(v.leafIndex(), v.treeSize(), hashes(v.path()));
            Hash leafHash = MerkleHashes.leafHash(SUITE, LEAVES.get(v.leafIndex()));
            assertEquals(ROOTS[v.treeSize()], published.rootFromLeafHash(SUITE, leafHash).hex(), at);
        }
    }

    @Test
    void everyLeafOfEveryVectorTreeProvesToTheVectorRoot() {
        for (int size = 1; size <= LEAVES.size(); size++) {
            MerkleTree tree = MerkleTree.fromLeafBytes(SUITE, LEAVES.subList(0, size));
            for (int i = 0; i < size; i++) {
                Hash leafHash = MerkleHashes.leafHash(SUITE, LEAVES.get(i));
                assertEquals(leafHash, tree.leafHash(i));
                assertTrue(Hash.fromHex(ROOTS[size]).equals(tree.inclusionProof(i).rootFromLeafHash(SUITE, leafHash)));
            }
        }
    }

    private static List<String> hexes(List<Hash> hashes) {
        List<String> out = new ArrayList<>();
        for (Hash h : hashes) {
            out.add(h.hex());
        }
        return out;
    }

    private static List<Hash> hashes(String... hex) {
        List<Hash> out = new ArrayList<>();
        for (String h : hex) {
            out.add(Hash.fromHex(h));
        }
        return out;
    }
}
