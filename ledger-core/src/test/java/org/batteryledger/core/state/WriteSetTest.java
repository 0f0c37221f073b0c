package org.batteryledger.core.state;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.contract.SuiteCase;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteSetTest {

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private record Op(String table, String key, String valueOrNull) {
    }

    private static WriteSet viaOverlay(StateView base, List<Op> ops) {
        StateOverlay o = new StateOverlay(base);
        for (Op op : ops) {
            if (op.valueOrNull() == null) {
                o.delete(op.table(), op.key());
            } else {
                o.put(op.table(), op.key(), b(op.valueOrNull()));
            }
        }
        return o.toWriteSet();
    }

    private static WorldState base() {
        WorldState w = new WorldState();
        w.apply(new WriteSet(List.of(new WriteSet.Entry("node", "n1", b("x")), new WriteSet.Entry("param", "p", b("1")))));
        return w;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sameWritesInAnyInsertionOrderGiveTheSameWriteSetAndHash(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ops.add(new Op("t" + (i % 4), "k" + (i * 7 % 13) + "-" + i, "v" + i));
        }
        ops.add(new Op("node", "n1", null));
        ops.add(new Op("param", "p", "2"));
        WriteSet reference = viaOverlay(base(), ops);
        Random random = new Random(99);
        for (int round = 0; round < 50; round++) {
            List<Op> shuffled = new ArrayList<>(ops);
            Collections.shuffle(shuffled, random);
            WriteSet ws = viaOverlay(base(), shuffled);
            assertEquals(reference, ws);
            assertEquals(reference.hash(suite), ws.hash(suite));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void hashChangesWithAnyTableKeyValueOrDelete(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        WriteSet base = new WriteSet(List.of(new WriteSet.Entry("a", "k", b("v")), new WriteSet.Entry("b", "k", b("w"))));
        List<WriteSet> variants = List.of(
                new WriteSet(List.of(new WriteSet.Entry("a", "k", b("V")), new WriteSet.Entry("b", "k", b("w")))),
                new WriteSet(List.of(new WriteSet.Entry("a", "k", b("v")), new WriteSet.Entry("b", "k", b("w2")))),
                new WriteSet(List.of(new WriteSet.Entry("a", "K", b("v")), new WriteSet.Entry("b", "k", b("w")))),
                new WriteSet(List.of(new WriteSet.Entry("c", "k", b("v")), new WriteSet.Entry("b", "k", b("w")))),
                new WriteSet(List.of(new WriteSet.Entry("a", "k", null), new WriteSet.Entry("b", "k", b("w")))),
                new WriteSet(List.of(new WriteSet.Entry("a", "k", new byte[0]), new WriteSet.Entry("b", "k", b("w")))),
                new WriteSet(List.of(new WriteSet.Entry("a", "k", b("v")))),
                new WriteSet(List.of(new WriteSet.Entry("a", "kb", b("")), new WriteSet.Entry("", "k", b("w")))),
                WriteSet.EMPTY);
        Set<Hash> seen = new HashSet<>();
        seen.add(base.hash(suite));
        for (WriteSet v : variants) {
            assertTrue(seen.add(v.hash(suite)), "distinct hash for " + v.entries());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void stateRootChainsWithTheParentRoot(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Hash ws = new WriteSet(List.of(new WriteSet.Entry("a", "k", b("v")))).hash(suite);
        Hash p1 = suite.hash(b("parent-1"));
        Hash p2 = suite.hash(b("parent-2"));
        Hash r1 = WriteSet.chainRoot(suite, p1, ws);
        assertEquals(r1, WriteSet.chainRoot(suite, p1, ws));
        assertNotEquals(r1, WriteSet.chainRoot(suite, p2, ws));
        assertNotEquals(r1, WriteSet.chainRoot(suite, p1, WriteSet.EMPTY.hash(suite)));
        // an empty block still moves the root forward
        Hash afterEmpty = WriteSet.chainRoot(suite, r1, WriteSet.EMPTY.hash(suite));
        assertNotEquals(r1, afterEmpty);
        // the formula: H(0x53 || parent || H(writeSet))
        byte[] expected = new CanonicalWriter().u8(0x53).raw(p1.unsafeBytes()).raw(ws.unsafeBytes()).toByteArray();
        assertEquals(suite.hash(expected), r1);
        // the arguments are not interchangeable
        assertNotEquals(r1, WriteSet.chainRoot(suite, ws, p1));
    }

    @Test
    void chainedRootDependsOnTheWholeHistory() {
        CryptoSuite suite = SuiteCase.sim().suite();
        WriteSet w1 = new WriteSet(List.of(new WriteSet.Entry("a", "1", b("x"))));
        WriteSet w2 = new WriteSet(List.of(new WriteSet.Entry("a", "2", b("y"))));
        Hash r12 = WriteSet.chainRoot(suite, WriteSet.chainRoot(suite, Hash.ZERO, w1.hash(suite)), w2.hash(suite));
        Hash r21 = WriteSet.chainRoot(suite, WriteSet.chainRoot(suite, Hash.ZERO, w2.hash(suite)), w1.hash(suite));
        assertNotEquals(r12, r21);
    }

    @Test
    void encodeDecodeRoundTripsIncludingDeletesAndEmptyValues() {
        WriteSet ws = new WriteSet(List.of(
                new WriteSet.Entry("a", "k", b("v")),
                new WriteSet.Entry("a", "z", null),
                new WriteSet.Entry("b", "é", new byte[0])));
        CanonicalWriter w = new CanonicalWriter();
        ws.write(w);
        CanonicalReader r = new CanonicalReader(w.toByteArray());
        WriteSet back = WriteSet.read(r);
        r.end();
        assertEquals(ws, back);
        assertTrue(back.entries().get(1).isDelete());
        assertTrue(!back.entries().get(2).isDelete());
    }

    @Test
    void entriesAreImmutableAndCopied() {
        List<WriteSet.Entry> list = new ArrayList<>(List.of(new WriteSet.Entry("a", "k", b("v"))));
        WriteSet ws = new WriteSet(list);
        list.clear();
        assertEquals(1, ws.entries().size());
        assertThrows(UnsupportedOperationException.class, () -> ws.entries().clear());
    }

    @Test
    void entryEqualityComparesValueBytes() {
        assertEquals(new WriteSet.Entry("a", "k", b("v")), new WriteSet.Entry("a", "k", b("v")));
        assertEquals(new WriteSet.Entry("a", "k", b("v")).hashCode(), new WriteSet.Entry("a", "k", b("v")).hashCode());
        assertNotEquals(new WriteSet.Entry("a", "k", b("v")), new WriteSet.Entry("a", "k", b("w")));
        assertNotEquals(new WriteSet.Entry("a", "k", null), new WriteSet.Entry("a", "k", new byte[0]));
        assertEquals(new WriteSet.Entry("a", "k", null), new WriteSet.Entry("a", "k", null));
    }
}
