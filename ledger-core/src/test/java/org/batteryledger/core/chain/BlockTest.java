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
        byte[] v2 = enc.clone();
        v2[0] = 2;
        assertThrows(DecodeException.class, () -> BlockHeader.read(new CanonicalReader(v2)));
        for (int cut = 0; cut < enc.length; cut++) {
            byte[] prefix = Arrays.copyOf(enc, cut);
            assertThrows(DecodeException.class, () -> BlockHeader.read(new CanonicalReader(prefix)), "cut " + cut);
        }
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
