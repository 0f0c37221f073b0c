package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.contract.SuiteCase;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.merkle.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockTest {

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    static Hash h(CryptoSuite suite, String s) {
        return suite.hash(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static List<Transaction> txs(SuiteCase sc, int n) {
        List<Transaction> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Transaction.sign(sc.suite(), sc.signer("s" + (i % 3)), TxType.ANCHOR_BATCH, i, 10 + i, new byte[] {(byte) i}));
        }
        return out;
    }

    static BlockHeader header(SuiteCase sc, List<Transaction> txs) {
        CryptoSuite suite = sc.suite();
        return new BlockHeader(5, h(suite, "parent"), Block.txRoot(suite, txs), h(suite, "state"), sc.nodeId("proposer"), 2, 1_700_000_000_000L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void txRootIsTheMerkleRootOfTheTransactionHashesInOrder(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        for (int n : new int[] {0, 1, 2, 3, 7}) {
            List<Transaction> txs = txs(sc, n);
            List<Hash> hashes = txs.stream().map(t -> t.hash(suite)).toList();
            assertEquals(MerkleTree.root(suite, hashes), Block.txRoot(suite, txs), "n=" + n);
        }
        List<Transaction> txs = new ArrayList<>(txs(sc, 3));
        Hash root = Block.txRoot(suite, txs);
        java.util.Collections.swap(txs, 0, 2);
        assertNotEquals(root, Block.txRoot(suite, txs), "order matters");
    }

    @Test
    void txRootIgnoresSignaturesBecauseTxHashesDo() {
        SuiteCase sc = SuiteCase.sim();
        List<Transaction> txs = txs(sc, 3);
        List<Transaction> resigned = txs.stream().map(t -> t.withSignature(new byte[] {1, 2, 3})).toList();
        assertEquals(Block.txRoot(sc.suite(), txs), Block.txRoot(sc.suite(), resigned));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void blockHashChangesWithEveryHeaderField(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        BlockHeader base = header(sc, txs(sc, 2));
        List<BlockHeader> variants = List.of(
                new BlockHeader(6, base.parentHash(), base.txRoot(), base.stateRoot(), base.proposer(), base.view(), base.timestamp()),
                new BlockHeader(base.height(), h(suite, "other parent"), base.txRoot(), base.stateRoot(), base.proposer(), base.view(), base.timestamp()),
                new BlockHeader(base.height(), base.parentHash(), h(suite, "other txs"), base.stateRoot(), base.proposer(), base.view(), base.timestamp()),
                new BlockHeader(base.height(), base.parentHash(), base.txRoot(), h(suite, "other state"), base.proposer(), base.view(), base.timestamp()),
                new BlockHeader(base.height(), base.parentHash(), base.txRoot(), base.stateRoot(), sc.nodeId("other"), base.view(), base.timestamp()),
                new BlockHeader(base.height(), base.parentHash(), base.txRoot(), base.stateRoot(), base.proposer(), 3, base.timestamp()),
                new BlockHeader(base.height(), base.parentHash(), base.txRoot(), base.stateRoot(), base.proposer(), base.view(), base.timestamp() + 1));
        Set<Hash> seen = new HashSet<>();
        seen.add(base.hash(suite));
        for (BlockHeader v : variants) {
            assertTrue(seen.add(v.hash(suite)), "hash must change: " + v);
        }
        // and is a pure function of the header
        assertEquals(base.hash(suite), new BlockHeader(base.height(), base.parentHash(), base.txRoot(), base.stateRoot(),
                base.proposer(), base.view(), base.timestamp()).hash(suite));
    }

    @Test
    void blockHashIsItsHeaderHash() {
        SuiteCase sc = SuiteCase.sim();
        List<Transaction> txs = txs(sc, 4);
        Block b = new Block(header(sc, txs), txs);
        assertEquals(b.header().hash(sc.suite()), b.hash(sc.suite()));
        assertEquals(5, b.height());
    }

    @Test
    void blockHashIsDomainSeparatedFromThePlainHeaderEncoding() {
        SuiteCase sc = SuiteCase.sim();
        BlockHeader header = header(sc, List.of());
        CanonicalWriter w = new CanonicalWriter();
        header.write(w);
        assertNotEquals(sc.suite().hash(w.toByteArray()), header.hash(sc.suite()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void blockEncodeDecodeRoundTrip(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        List<Transaction> txs = txs(sc, 5);
        Block b = new Block(header(sc, txs), txs);
        CanonicalWriter w = new CanonicalWriter();
        b.write(w);
        byte[] enc = w.toByteArray();
        CanonicalReader r = new CanonicalReader(enc);
        Block back = Block.read(r);
        r.end();
        assertEquals(b.header(), back.header());
        assertEquals(b.hash(suite), back.hash(suite));
        assertEquals(5, back.transactions().size());
        for (int i = 0; i < 5; i++) {
            assertEquals(txs.get(i).hash(suite), back.transactions().get(i).hash(suite));
            assertArrayEquals(txs.get(i).signature(), back.transactions().get(i).signature());
        }
        assertEquals(back.header().txRoot(), Block.txRoot(suite, back.transactions()));
        // re-encoding gives the same bytes: one encoding per value
        CanonicalWriter w2 = new CanonicalWriter();
        back.write(w2);
        assertArrayEquals(enc, w2.toByteArray());
    }

    @Test
    void emptyBlockRoundTrips() {
        SuiteCase sc = SuiteCase.sim();
        Block b = new Block(header(sc, List.of()), List.of());
        CanonicalWriter w = new CanonicalWriter();
        b.write(w);
        Block back = Block.read(new CanonicalReader(w.toByteArray()));
        assertEquals(b.header(), back.header());
        assertTrue(back.transactions().isEmpty());
    }

    @Test
    void headerDecodeRejectsAnUnknownVersionAndTruncation() {
        SuiteCase sc = SuiteCase.sim();
        CanonicalWriter w = new CanonicalWriter();
        header(sc, List.of()).write(w);
        byte[] enc = w.toByteArray();
        byte[] v3 = enc.clone();
        v3[0] = 3;
        assertThrows(DecodeException.class, () -> BlockHeader.read(new CanonicalReader(v3)));
        // A version 1 header read as version 2 lacks its sigRoot.
        byte[] v1AsV2 = enc.clone();
        v1AsV2[0] = 2;
        assertThrows(DecodeException.class, () -> BlockHeader.read(new CanonicalReader(v1AsV2)));
        CanonicalWriter w2 = new CanonicalWriter();
        withSigRoot(sc, List.of()).write(w2);
        byte[] enc2 = w2.toByteArray();
        for (byte[] e : List.of(enc, enc2)) {
            for (int cut = 0; cut < e.length; cut++) {
                byte[] prefix = Arrays.copyOf(e, cut);
                assertThrows(DecodeException.class, () -> BlockHeader.read(new CanonicalReader(prefix)), "cut " + cut);
            }
        }
    }

    static BlockHeader withSigRoot(SuiteCase sc, List<Transaction> txs) {
        BlockHeader h = header(sc, txs);
        return new BlockHeader(h.height(), h.parentHash(), h.txRoot(), h.stateRoot(), h.proposer(), h.view(), h.timestamp(),
                Block.sigRoot(sc.suite(), txs));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sigRootIsTheMerkleRootOfTheSignatureHashesInOrder(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        for (int n : new int[] {0, 1, 2, 3, 7}) {
            List<Transaction> txs = txs(sc, n);
            List<Hash> leaves = txs.stream().map(t -> suite.hash(t.signature())).toList();
            assertEquals(MerkleTree.root(suite, leaves), Block.sigRoot(suite, txs), "n=" + n);
        }
        List<Transaction> txs = new ArrayList<>(txs(sc, 3));
        Hash root = Block.sigRoot(suite, txs);
        java.util.Collections.swap(txs, 0, 2);
        assertNotEquals(root, Block.sigRoot(suite, txs), "order matters");
        List<Transaction> resigned = new ArrayList<>(txs);
        resigned.set(1, resigned.get(1).withSignature(new byte[] {1, 2, 3}));
        assertNotEquals(Block.sigRoot(suite, txs), Block.sigRoot(suite, resigned), "a signature changes it");
    }

    /**
     * Chains begun before version 2 keep their block hashes: a version 1 header encodes and hashes exactly as it did
     * (the expected hash was computed with the build before version 2 existed, ledger-core at 3122f33).
     */
    @Test
    void aVersion1HeaderHashesAsBeforeVersion2() {
        SuiteCase sc = SuiteCase.sim();
        BlockHeader v1 = header(sc, txs(sc, 2));
        assertEquals(1, v1.version());
        assertEquals(V1_HASH, v1.hash(sc.suite()).hex());
    }

    static final String V1_HASH = "e7d8b888357d4cb41517899101a12d40d5b3dff6d50cf1a5c6d1739f5cdb3bef";

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aVersion2HeaderCommitsToItsSignatureRootAndRoundTrips(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        List<Transaction> txs = txs(sc, 3);
        BlockHeader v1 = header(sc, txs);
        BlockHeader v2 = withSigRoot(sc, txs);
        assertEquals(2, v2.version());
        assertNotEquals(v1.hash(suite), v2.hash(suite));
        assertNotEquals(v2.hash(suite), new BlockHeader(v2.height(), v2.parentHash(), v2.txRoot(), v2.stateRoot(), v2.proposer(), v2.view(),
                v2.timestamp(), h(suite, "other signatures")).hash(suite));
        Block b = new Block(v2, txs);
        CanonicalWriter w = new CanonicalWriter();
        b.write(w);
        CanonicalReader r = new CanonicalReader(w.toByteArray());
        Block back = Block.read(r);
        r.end();
        assertEquals(v2, back.header());
        assertEquals(b.hash(suite), back.hash(suite));
        assertEquals(back.header().sigRoot(), Block.sigRoot(suite, back.transactions()));
        assertEquals(v2, v2.withTimestamp(v2.timestamp() + 1).withTimestamp(v2.timestamp()), "the withers keep the version");
        assertEquals(2, v2.withStateRoot(h(suite, "x")).version());
    }

    @Test
    void blockTransactionListIsImmutable() {
        SuiteCase sc = SuiteCase.sim();
        List<Transaction> txs = new ArrayList<>(txs(sc, 2));
        Block b = new Block(header(sc, txs), txs);
        txs.clear();
        assertEquals(2, b.transactions().size());
        assertThrows(UnsupportedOperationException.class, () -> b.transactions().clear());
    }

    @Test
    void committedBlockRoundTrips() {
        SuiteCase sc = SuiteCase.sim();
        List<Transaction> txs = txs(sc, 2);
        Block b = new Block(header(sc, txs), txs);
        NodeId signerId = sc.nodeId("proposer");
        CommitCertificate cert = new CommitCertificate(5, 2, b.hash(sc.suite()), List.of(new CommitSeal(signerId, new byte[] {9, 9})));
        CanonicalWriter w = new CanonicalWriter();
        new CommittedBlock(b, cert).write(w);
        CanonicalReader r = new CanonicalReader(w.toByteArray());
        CommittedBlock back = CommittedBlock.read(r);
        r.end();
        assertEquals(b.hash(sc.suite()), back.block().hash(sc.suite()));
        assertEquals(cert.blockHash(), back.certificate().blockHash());
        assertEquals(signerId, back.certificate().seals().get(0).nodeId());
        assertArrayEquals(new byte[] {9, 9}, back.certificate().seals().get(0).signature());
    }
}
