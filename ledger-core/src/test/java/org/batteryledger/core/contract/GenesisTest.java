package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.batteryledger.core.contract.Ledger.A;
import static org.batteryledger.core.contract.Ledger.AGENCIES;
import static org.batteryledger.core.contract.Ledger.B;
import static org.batteryledger.core.contract.Ledger.C;
import static org.batteryledger.core.contract.Ledger.STANDARD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenesisTest {
    private static final long TS = 1_700_000_000_000L;

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    private static Genesis standard(SuiteCase sc) {
        return Ledger.genesis(sc, AGENCIES, STANDARD, Map.of(Params.TX_LIFETIME_BLOCKS, 50L), TS);
    }

    private static Genesis.GenesisNode gn(SuiteCase sc, String label, String agency, Role role) {
        return new Genesis.GenesisNode(label, agency, sc.signer(label).publicKey(), "ca-" + agency, role);
    }

    private static Genesis with(Genesis g, List<Genesis.GenesisNode> nodes) {
        return new Genesis(g.chainName(), g.suiteId(), g.chainCaCertificateDer(), g.agencies(), nodes, g.params(), g.timestamp());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void chainIdIsStableForTheSameGenesis(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Genesis g1 = standard(sc);
        Genesis g2 = standard(sc);
        assertEquals(g1.chainId(suite), g2.chainId(suite));
        assertEquals(g1.chainId(suite), Genesis.decode(g1.encode()).chainId(suite));
        // params given in another map order give the same id
        Map<String, Long> p1 = new TreeMap<>(Map.of(Params.TX_LIFETIME_BLOCKS, 50L, Params.MAX_BLOCK_TXS, 10L));
        Map<String, Long> p2 = new java.util.LinkedHashMap<>();
        p2.put(Params.MAX_BLOCK_TXS, 10L);
        p2.put(Params.TX_LIFETIME_BLOCKS, 50L);
        assertEquals(Ledger.genesis(sc, AGENCIES, STANDARD, p1, TS).chainId(suite), Ledger.genesis(sc, AGENCIES, STANDARD, p2, TS).chainId(suite));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void chainIdChangesWithAnyField(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Genesis g = standard(sc);
        List<Genesis.GenesisNode> n = g.nodes();
        Genesis.GenesisNode first = n.get(0);
        List<Genesis> variants = new ArrayList<>();
        variants.add(new Genesis("other-chain", g.suiteId(), g.chainCaCertificateDer(), g.agencies(), n, g.params(), TS));
        variants.add(new Genesis(g.chainName(), "other-suite", g.chainCaCertificateDer(), g.agencies(), n, g.params(), TS));
        variants.add(new Genesis(g.chainName(), g.suiteId(), new byte[] {1, 2, 4}, g.agencies(), n, g.params(), TS));
        variants.add(new Genesis(g.chainName(), g.suiteId(), g.chainCaCertificateDer(), List.of(A, B, C, "agency-d"), n, g.params(), TS));
        variants.add(new Genesis(g.chainName(), g.suiteId(), g.chainCaCertificateDer(), List.of(B, A, C), n, g.params(), TS));
        variants.add(new Genesis(g.chainName(), g.suiteId(), g.chainCaCertificateDer(), g.agencies(), n, Map.of(Params.TX_LIFETIME_BLOCKS, 51L), TS));
        variants.add(new Genesis(g.chainName(), g.suiteId(), g.chainCaCertificateDer(), g.agencies(), n, Map.of(), TS));
        variants.add(new Genesis(g.chainName(), g.suiteId(), g.chainCaCertificateDer(), g.agencies(), n, g.params(), TS + 1));
        variants.add(with(g, n.subList(0, n.size() - 1)));
        List<Genesis.GenesisNode> reordered = new ArrayList<>(n);
        java.util.Collections.swap(reordered, 0, 1);
        variants.add(with(g, reordered));
        for (Genesis.GenesisNode changed : List.of(
                new Genesis.GenesisNode("renamed", first.agency(), first.publicKey(), first.caHash(), first.role()),
                new Genesis.GenesisNode(first.name(), B, first.publicKey(), first.caHash(), first.role()),
                new Genesis.GenesisNode(first.name(), first.agency(), sc.signer("other-key").publicKey(), first.caHash(), first.role()),
                new Genesis.GenesisNode(first.name(), first.agency(), first.publicKey(), "other-ca", first.role()),
                new Genesis.GenesisNode(first.name(), first.agency(), first.publicKey(), first.caHash(), Role.OBSERVER))) {
            List<Genesis.GenesisNode> copy = new ArrayList<>(n);
            copy.set(0, changed);
            variants.add(with(g, copy));
        }
        Set<Hash> ids = new HashSet<>();
        ids.add(g.chainId(suite));
        for (Genesis v : variants) {
            assertTrue(ids.add(v.chainId(suite)), "chain id must change: " + v.chainName() + " " + v.nodes().size());
        }
    }

    @Test
    void encodeDecodeRoundTrip() {
        SuiteCase sc = SuiteCase.sim();
        Genesis g = standard(sc);
        Genesis back = Genesis.decode(g.encode());
        assertEquals(g.chainName(), back.chainName());
        assertEquals(g.suiteId(), back.suiteId());
        assertArrayEquals(g.chainCaCertificateDer(), back.chainCaCertificateDer());
        assertEquals(g.agencies(), back.agencies());
        assertEquals(g.params(), back.params());
        assertEquals(g.timestamp(), back.timestamp());
        assertEquals(g.nodes().size(), back.nodes().size());
        for (int i = 0; i < g.nodes().size(); i++) {
            Genesis.GenesisNode x = g.nodes().get(i);
            Genesis.GenesisNode y = back.nodes().get(i);
            assertEquals(x.name(), y.name());
            assertEquals(x.agency(), y.agency());
            assertArrayEquals(x.publicKey(), y.publicKey());
            assertEquals(x.caHash(), y.caHash());
            assertEquals(x.role(), y.role());
        }
        assertArrayEquals(g.encode(), back.encode());
    }

    @Test
    void decodeRejectsTrailingBytes() {
        byte[] enc = standard(SuiteCase.sim()).encode();
        byte[] longer = java.util.Arrays.copyOf(enc, enc.length + 1);
        assertEquals("1 trailing bytes", assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> Genesis.decode(longer)).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void initialStateHoldsAgenciesNodesInOrderAndParams(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Genesis g = standard(sc);
        WorldState s = new WorldState();
        s.apply(g.initialWrites(suite));
        assertEquals(List.of(A, B, C), Registry.agencies(s));
        List<NodeRecord> nodes = Registry.activeNodes(s);
        assertEquals(STANDARD.size(), nodes.size());
        for (int i = 0; i < STANDARD.size(); i++) {
            Ledger.Spec spec = STANDARD.get(i);
            NodeRecord r = nodes.get(i);
            assertEquals(i, r.idx());
            assertEquals(0, r.blockNumber());
            assertEquals(spec.label(), r.name());
            assertEquals(spec.agency(), r.agency());
            assertEquals(spec.role(), r.role());
            assertEquals("ca-" + spec.agency(), r.caHash());
            assertEquals(NodeId.of(suite, sc.signer(spec.label()).publicKey()), r.nodeId());
            assertArrayEquals(sc.signer(spec.label()).publicKey(), r.publicKey());
        }
        assertEquals(List.of(sc.nodeId("a1"), sc.nodeId("a2"), sc.nodeId("b1"), sc.nodeId("c1")),
                Registry.validators(s).stream().map(NodeRecord::nodeId).toList());
        assertEquals(50L, Params.get(s, Params.TX_LIFETIME_BLOCKS));
        assertEquals(Params.defaults().get(Params.MAX_BLOCK_TXS), Params.get(s, Params.MAX_BLOCK_TXS));
        assertEquals(STANDARD.size(), new CanonicalReader(s.get(Tables.META, BlockExecutor.NEXT_NODE_INDEX)).u64());
        assertEquals(2, Registry.governanceQuorum(s));
        assertTrue(s.scan(Tables.PROPOSAL).isEmpty());
        assertTrue(s.scan(Tables.REVOKED_NODE).isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void genesisBlockIsHeightZeroWithTheChainIdAsParentAndTheInitialStateRoot(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Genesis g = standard(sc);
        Block b = g.genesisBlock(suite);
        assertEquals(0, b.height());
        assertEquals(g.chainId(suite), b.header().parentHash());
        assertEquals(WriteSet.chainRoot(suite, Hash.ZERO, g.initialWrites(suite).hash(suite)), b.header().stateRoot());
        assertEquals(Block.txRoot(suite, List.of()), b.header().txRoot());
        assertEquals(sc.nodeId("a1"), b.header().proposer());
        assertEquals(TS, b.header().timestamp());
        assertTrue(b.transactions().isEmpty());
        assertEquals(b.hash(suite), g.genesisBlock(suite).hash(suite));
    }

    @Test
    void initialWritesAreDeterministic() {
        SuiteCase sc = SuiteCase.sim();
        assertEquals(standard(sc).initialWrites(sc.suite()), standard(sc).initialWrites(sc.suite()));
    }

    @Test
    void rejectsANodeOfAnUnknownAgency() {
        SuiteCase sc = SuiteCase.sim();
        Genesis g = standard(sc);
        List<Genesis.GenesisNode> nodes = new ArrayList<>(g.nodes());
        nodes.add(gn(sc, "x1", "agency-x", Role.CONSENSUS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(g, nodes).initialWrites(sc.suite()));
        assertTrue(e.getMessage().contains("unknown agency agency-x"), e.getMessage());
    }

    @Test
    void rejectsTheSameNodeTwice() {
        SuiteCase sc = SuiteCase.sim();
        Genesis g = standard(sc);
        List<Genesis.GenesisNode> nodes = new ArrayList<>(g.nodes());
        // same key under another name and agency: the same node id
        nodes.add(new Genesis.GenesisNode("a1-again", B, sc.signer("a1").publicKey(), "ca", Role.OBSERVER));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(g, nodes).initialWrites(sc.suite()));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void rejectsTwoNodesWithTheSameName() {
        SuiteCase sc = SuiteCase.sim();
        Genesis g = standard(sc);
        List<Genesis.GenesisNode> nodes = new ArrayList<>(g.nodes());
        nodes.add(new Genesis.GenesisNode("a1", B, sc.signer("another-key").publicKey(), "ca", Role.OBSERVER));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(g, nodes).initialWrites(sc.suite()));
        assertEquals("genesis lists two nodes named a1", e.getMessage());
    }

    @Test
    void rejectsAGenesisWithoutAConsensusNode() {
        SuiteCase sc = SuiteCase.sim();
        Genesis g = standard(sc);
        Genesis observersOnly = with(g, List.of(gn(sc, "a1", A, Role.OBSERVER), gn(sc, "b1", B, Role.OBSERVER)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> observersOnly.initialWrites(sc.suite()));
        assertTrue(e.getMessage().contains("no consensus node"), e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> with(g, List.of()).initialWrites(sc.suite()));
        assertEquals("genesis has no consensus node", none.getMessage());
    }

    @Test
    void rejectsInvalidParameters() {
        SuiteCase sc = SuiteCase.sim();
        // each refused for its parameter (not for anything else about the genesis)
        for (Map.Entry<Map<String, Long>, String> bad : List.of(
                Map.entry(Map.of("noSuchParam", 1L), "genesis: unknown parameter noSuchParam"),
                Map.entry(Map.of(Params.MAX_BLOCK_TXS, 0L), "genesis: maxBlockTxs must be between 1 and"),
                Map.entry(Map.of(Params.TX_LIFETIME_BLOCKS, -1L), "genesis: txLifetimeBlocks must be between 1 and"),
                Map.entry(Map.of(Params.MAX_BLOCK_BYTES, 1023L), "genesis: maxBlockBytes must be between 1024 and"),
                Map.entry(Map.of(Params.GOVERNANCE_QUORUM, -1L), "genesis: governanceQuorum must be between 0 and"))) {
            Genesis g = Ledger.genesis(sc, AGENCIES, STANDARD, bad.getKey(), TS);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.initialWrites(sc.suite()), bad.getKey().toString());
            assertTrue(e.getMessage().startsWith(bad.getValue()), e.getMessage());
        }
        // the boundaries are accepted
        Genesis ok = Ledger.genesis(sc, AGENCIES, STANDARD,
                Map.of(Params.MAX_BLOCK_BYTES, 1024L, Params.GOVERNANCE_QUORUM, 0L, Params.MAX_BLOCK_TXS, 1L), TS);
        assertNotNull(ok.initialWrites(sc.suite()));
    }

    @Test
    void rejectsASuiteOtherThanTheOneItNames() {
        SuiteCase sc = SuiteCase.sim();
        Genesis g = standard(sc);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.initialWrites(Suites.ecdsa()));
        assertTrue(e.getMessage().contains(Suites.ecdsa().id()), e.getMessage());
        IllegalArgumentException sm2 = assertThrows(IllegalArgumentException.class, () -> g.genesisBlock(Suites.sm2()));
        assertTrue(sm2.getMessage().contains("but " + Suites.sm2().id() + " was given"), sm2.getMessage());
    }

    @Test
    void paramsKnowTheirNamesAndMinimums() {
        assertNull(Params.check(Params.GOVERNANCE_QUORUM, 0));
        assertNull(Params.check(Params.TX_LIFETIME_BLOCKS, 1));
        assertEquals("txLifetimeBlocks must be between 1 and 1000000, was 0", Params.check(Params.TX_LIFETIME_BLOCKS, 0));
        assertEquals("viewChangeTimeoutTicks must be between 1 and 1000000, was 0", Params.check(Params.VIEW_CHANGE_TIMEOUT_TICKS, 0));
        assertEquals("maxViewChangeTimeoutTicks must be between 1 and 1000000, was 0", Params.check(Params.MAX_VIEW_CHANGE_TIMEOUT_TICKS, 0));
        assertNull(Params.check(Params.MAX_BLOCK_BYTES, 1024));
        assertEquals("maxBlockBytes must be between 1024 and 8388608, was 1023", Params.check(Params.MAX_BLOCK_BYTES, 1023));
        // A block takes at most half a frame: no legal consensus message can exceed the frame limit.
        assertNull(Params.check(Params.MAX_BLOCK_BYTES, Params.MAX_FRAME_BYTES / 2));
        assertTrue(Params.check(Params.MAX_BLOCK_BYTES, Params.MAX_FRAME_BYTES / 2 + 1).contains("must be between 1024 and 8388608"));
        assertTrue(Params.check("bogus", 5).contains("unknown parameter bogus"));
        assertEquals(8, Params.defaults().size());
        // unset (chains from before the rule) reads as 0, no bound; set, it is at least 1
        assertEquals(0L, Params.get(new WorldState(), Params.MAX_OPEN_PROPOSALS_PER_AGENCY));
        assertEquals("maxOpenProposalsPerAgency must be between 1 and 100000, was 0", Params.check(Params.MAX_OPEN_PROPOSALS_PER_AGENCY, 0));
        assertEquals(64L, Params.get(new WorldState(), Params.CHECKPOINT_INTERVAL_BLOCKS));
        assertEquals("checkpointIntervalBlocks must be between 1 and 1000000, was 0", Params.check(Params.CHECKPOINT_INTERVAL_BLOCKS, 0));
        assertEquals("unknown parameter bogus", assertThrows(IllegalArgumentException.class, () -> Params.get(new WorldState(), "bogus")).getMessage());
        assertEquals(1_000L, Params.get(new WorldState(), Params.TX_LIFETIME_BLOCKS));
    }
}
