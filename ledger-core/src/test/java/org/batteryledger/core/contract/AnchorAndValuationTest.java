package org.batteryledger.core.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import java.util.ArrayList;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnchorAndValuationTest {

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    private static void assertRefused(Ledger l, Transaction tx, String fragment) {
        BlockExecutor.Execution ex = l.commit(tx);
        String error = ex.receipts().get(0).error();
        assertTrue(error != null && error.contains(fragment), "should be refused with '" + fragment + "', got " + error);
        assertEquals(Set.of(Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
    }

    // --- ANCHOR_BATCH -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anchorStoresTheBatchUnderItsRoot(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        l.commitEmptyUntil(4);
        Hash root = l.hash("batch-1 root");
        Transaction tx = l.anchor("b2", "batch-1", root, 250);
        assertTrue(l.commitOne(tx).ok());
        byte[] raw = l.state.get(Tables.ANCHOR, root.hex());
        assertNotNull(raw);
        assertEquals(new Payloads.Anchor("batch-1", 250, 4, tx.hash(l.suite), Ledger.B), Payloads.Anchor.decode(raw));
    }

    @Test
    void anAnchorWritesTheAnchorAndTheReplayIndexOnly() {
        Ledger l = new Ledger(SuiteCase.sim());
        for (int i = 0; i < 8; i++) { // several nonces, several heights
            Hash root = l.hash("root-" + i);
            Transaction tx = l.anchor("a" + (1 + i % 2), "batch-" + i, root, 1 + i);
            String hex = tx.hash(l.suite).hex();
            BlockExecutor.Execution ex = l.commit(tx);
            assertEquals(List.of(
                    new WriteSet.Entry(Tables.ANCHOR, root.hex(), new Payloads.Anchor("batch-" + i, 1 + i, l.height - 1, tx.hash(l.suite), Ledger.A).encode()),
                    new WriteSet.Entry(Tables.TX, hex, new CanonicalWriter().u64(tx.expiryHeight()).toByteArray()),
                    new WriteSet.Entry(Tables.TX_EXPIRY, String.format("%020d:%s", tx.expiryHeight(), hex), new byte[0])),
                    ex.writeSet().entries());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void theSameRootCannotBeAnchoredTwice(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Hash root = l.hash("r");
        Transaction first = l.anchor("a1", "batch-1", root, 3);
        assertTrue(l.commitOne(first).ok());
        assertRefused(l, l.anchor("c1", "batch-2", root, 5), "is already anchored");
        assertEquals("batch-1", Payloads.Anchor.decode(l.state.get(Tables.ANCHOR, root.hex())).batchId());
        // also within one block: the first wins
        Hash other = l.hash("other");
        Transaction x = l.anchor("a1", "x", other, 1);
        Transaction y = l.anchor("b1", "y", other, 1);
        BlockExecutor.Execution ex = l.commit(x, y);
        assertTrue(ex.receipts().get(0).ok());
        assertEquals("batch root " + other.shortHex() + " is already anchored", ex.receipts().get(1).error());
        assertEquals("x", Payloads.Anchor.decode(l.state.get(Tables.ANCHOR, other.hex())).batchId());
    }

    @Test
    void anchorRefusesAnEmptyBatchOrABlankId() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertRefused(l, l.anchor("a1", "b", l.hash("r0"), 0), "at least one record");
        assertRefused(l, l.anchor("a1", "", l.hash("r1"), 1), "needs an id");
        assertRefused(l, l.anchor("a1", "   ", l.hash("r2"), 1), "needs an id");
        assertTrue(l.state.scan(Tables.ANCHOR).isEmpty());
    }

    @Test
    void anchorRefusesANegativeCountOrAMalformedPayload() {
        Ledger l = new Ledger(SuiteCase.sim());
        byte[] negative = new Payloads.AnchorBatch("b", l.hash("r"), -1).encode();
        assertRefused(l, l.tx("a1", TxType.ANCHOR_BATCH, negative), "negative");
        byte[] good = new Payloads.AnchorBatch("b", l.hash("r"), 1).encode();
        assertRefused(l, l.tx("a1", TxType.ANCHOR_BATCH, java.util.Arrays.copyOf(good, good.length - 1)), "truncated: need 8 bytes");
        assertRefused(l, l.tx("a1", TxType.ANCHOR_BATCH, java.util.Arrays.copyOf(good, good.length + 1)), "1 trailing bytes");
        assertTrue(l.state.scan(Tables.ANCHOR).isEmpty());
    }

    // --- REGISTER_VALUATION -------------------------------------------------------------------------------------

    private static String latest(Ledger l, String battery) {
        byte[] v = l.state.get(Tables.VALUATION_LATEST, battery);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static Payloads.Valuation valuation(Ledger l, String certId) {
        byte[] v = l.state.get(Tables.VALUATION, certId);
        return v == null ? null : Payloads.Valuation.decode(v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void registerValuationStoresTheCertificateAndMarksItLatest(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        long h = l.height;
        Hash certHash = l.hash("cert-1 bytes");
        Transaction tx = l.valuation("c1", "cert-1", "BAT-0001", certHash);
        assertTrue(l.commitOne(tx).ok());
        assertEquals(new Payloads.Valuation("BAT-0001", certHash, h, tx.hash(l.suite), Ledger.C, ""), valuation(l, "cert-1"));
        assertEquals("cert-1", latest(l, "BAT-0001"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aNewerValuationSupersedesItsOwnAgencysOlderOneOnly(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        l.commit(l.valuation("a1", "cert-1", "BAT-1", l.hash("1")));
        l.commit(l.valuation("b1", "cert-other", "BAT-2", l.hash("o")));
        long h2 = l.height;
        Transaction second = l.valuation("a2", "cert-2", "BAT-1", l.hash("2")); // another node of agency A
        l.commit(second);
        assertEquals("cert-2", valuation(l, "cert-1").supersededBy());
        assertEquals(1, valuation(l, "cert-1").height(), "the superseded record keeps its own fields");
        assertEquals(Ledger.A, valuation(l, "cert-1").agency());
        assertEquals(new Payloads.Valuation("BAT-1", l.hash("2"), h2, second.hash(l.suite), Ledger.A, ""), valuation(l, "cert-2"));
        assertEquals("cert-2", latest(l, "BAT-1"));
        // another battery is untouched
        assertEquals("", valuation(l, "cert-other").supersededBy());
        assertEquals("cert-other", latest(l, "BAT-2"));

        // Agency C's valuation of BAT-1 is the newest, but A's stays current for A.
        l.commit(l.valuation("c1", "cert-3", "BAT-1", l.hash("3")));
        assertEquals("cert-3", latest(l, "BAT-1"));
        assertEquals("", valuation(l, "cert-2").supersededBy(), "only the same agency supersedes");
        l.commit(l.valuation("a1", "cert-4", "BAT-1", l.hash("4")));
        assertEquals("cert-4", valuation(l, "cert-2").supersededBy());
        assertEquals("cert-2", valuation(l, "cert-1").supersededBy(), "older links are kept");
        assertEquals("", valuation(l, "cert-3").supersededBy());
    }

    @Test
    void onlyARecyclersOrAuditorsNodeRegistersValuationsOnceKindsAreDeclared() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction p = l.propose("a1", new GovernanceAction.SetMember(Ledger.A, new Member(Set.of(MemberKind.MANUFACTURER), List.of())));
        Transaction q = l.propose("b1", new GovernanceAction.SetMember(Ledger.B, new Member(Set.of(MemberKind.AUDITOR), List.of())));
        l.commit(p, q, l.approve("c1", p), l.approve("c1", q));
        assertRefused(l, l.valuation("a1", "cert-a", "BAT-1", l.hash("a")),
                "agency agency-a is a manufacturer member: only a recycler's or an auditor's node registers valuations");
        assertTrue(l.commitOne(l.valuation("b1", "cert-b", "BAT-1", l.hash("b"))).ok(), "an auditor may");
        assertTrue(l.commitOne(l.valuation("c1", "cert-c", "BAT-1", l.hash("c"))).ok(), "an undeclared agency still may");
    }

    @Test
    void aValuationWritesTheCertificateTheLatestPointersAndTheReplayIndexOnly() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commit(l.valuation("a1", "v1", "BAT-7", l.hash("1")));
        Transaction second = l.valuation("a2", "v2", "BAT-7", l.hash("2"));
        BlockExecutor.Execution ex = l.commit(second);
        Set<String> touched = new java.util.TreeSet<>();
        for (WriteSet.Entry e : ex.writeSet().entries()) {
            touched.add(e.table() + "/" + e.key());
        }
        String hex = second.hash(l.suite).hex();
        assertEquals(new java.util.TreeSet<>(List.of(Tables.VALUATION + "/v1", Tables.VALUATION + "/v2", Tables.VALUATION_LATEST + "/BAT-7",
                Tables.VALUATION_BY_AGENCY + "/BAT-7/" + Ledger.A,
                Tables.TX + "/" + hex, Tables.TX_EXPIRY + "/" + String.format("%020d:%s", second.expiryHeight(), hex))), touched);
    }

    @Test
    void supersedingWorksWithinOneBlock() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commit(l.valuation("a1", "v1", "BAT-9", l.hash("1")), l.valuation("a1", "v2", "BAT-9", l.hash("2")));
        assertEquals("v2", valuation(l, "v1").supersededBy());
        assertEquals("v2", latest(l, "BAT-9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bat-1", "Bat1", "BAT 1", "BAT_1", "BAT.1", "", "ÄBC"})
    void invalidBatteryCodesAreRefused(String code) {
        Ledger l = new Ledger(SuiteCase.sim());
        assertRefused(l, l.valuation("a1", "cert-x", code, l.hash("x")), "battery code must be 1-64 characters");
        assertNull(valuation(l, "cert-x"));
    }

    @Test
    void batteryCodesUpTo64CharactersAreAcceptedAndLongerRefused() {
        Ledger l = new Ledger(SuiteCase.sim());
        String max = "A-0".repeat(21) + "Z";
        assertEquals(64, max.length());
        assertTrue(l.commitOne(l.valuation("a1", "cert-64", max, l.hash("x"))).ok());
        assertEquals("cert-64", latest(l, max));
        // Refused when the payload is decoded (the battery code is read with a 64-byte limit), before the
        // contract's own "battery code must be 1-64 characters" check is reached.
        BlockExecutor.Receipt tooLong = l.commitOne(l.valuation("a1", "cert-65", max + "A", l.hash("y")));
        assertEquals("byte string of 65 bytes exceeds the maximum 64", tooLong.error());
        assertNull(valuation(l, "cert-65"));
    }

    @Test
    void duplicateOrBlankCertificateIdsAreRefused() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertTrue(l.commitOne(l.valuation("a1", "cert-1", "BAT-1", l.hash("1"))).ok());
        assertRefused(l, l.valuation("b1", "cert-1", "BAT-1", l.hash("again")), "already registered");
        assertRefused(l, l.valuation("b1", "cert-1", "BAT-2", l.hash("other battery")), "already registered");
        assertRefused(l, l.valuation("b1", " ", "BAT-2", l.hash("blank")), "needs an id");
        assertEquals(l.hash("1"), valuation(l, "cert-1").certificateHash());
        assertEquals("", valuation(l, "cert-1").supersededBy());
        assertNull(latest(l, "BAT-2"));
    }

    // --- REGISTER_VALUATIONS: a group of registrations in one transaction -----------------------------------------

    private static Transaction group(Ledger l, String sender, Payloads.RegisterValuation... entries) {
        return l.tx(sender, TxType.REGISTER_VALUATIONS, new Payloads.RegisterValuations(List.of(entries)).encode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aGroupRegistersEachCertificateAsASingleRegistrationWould(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        long h = l.height;
        Transaction tx = group(l, "c1", new Payloads.RegisterValuation("g1", "BAT-1", l.hash("1")),
                new Payloads.RegisterValuation("g2", "BAT-2", l.hash("2")), new Payloads.RegisterValuation("g3", "BAT-1", l.hash("3")));
        assertTrue(l.commitOne(tx).ok());
        assertEquals(new Payloads.Valuation("BAT-2", l.hash("2"), h, tx.hash(l.suite), Ledger.C, ""), valuation(l, "g2"));
        assertEquals("g3", valuation(l, "g1").supersededBy(), "in order: the later one of a battery supersedes");
        assertEquals("g3", latest(l, "BAT-1"));
        assertEquals("g2", latest(l, "BAT-2"));
    }

    @Test
    void aGroupWithOneRefusedCertificateIsRefusedWhole() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertTrue(l.commitOne(l.valuation("a1", "old", "BAT-1", l.hash("old"))).ok());
        assertRefused(l, group(l, "a1", new Payloads.RegisterValuation("new-1", "BAT-5", l.hash("5")),
                new Payloads.RegisterValuation("old", "BAT-1", l.hash("again"))), "valuation certificate old is already registered");
        assertNull(valuation(l, "new-1"), "nothing of a refused group is applied");
        assertRefused(l, group(l, "a1", new Payloads.RegisterValuation("twice", "BAT-6", l.hash("6")),
                new Payloads.RegisterValuation("twice", "BAT-6", l.hash("6"))), "valuation certificate twice is already registered");
        assertNull(valuation(l, "twice"));
    }

    @Test
    void aGroupHoldsOneTo256Registrations() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertThrows(IllegalArgumentException.class, () -> new Payloads.RegisterValuations(List.of()));
        List<Payloads.RegisterValuation> many = new ArrayList<>();
        for (int i = 0; i < 257; i++) {
            many.add(new Payloads.RegisterValuation("c" + i, "BAT-1", l.hash("c" + i)));
        }
        assertThrows(IllegalArgumentException.class, () -> new Payloads.RegisterValuations(many));
        byte[] full = new Payloads.RegisterValuations(many.subList(0, 256)).encode();
        assertEquals(256, Payloads.RegisterValuations.decode(full).entries().size());
        // 257 entries on the wire (a hostile sender's): refused when decoded, so the transaction fails
        byte[] over = new org.batteryledger.core.codec.CanonicalWriter().list(many, (w, e) -> w.str(e.certificateId()).str(e.batteryCode())
                .raw(e.certificateHash().unsafeBytes())).toByteArray();
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> Payloads.RegisterValuations.decode(over));
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> Payloads.RegisterValuations.decode(new byte[] {0, 0, 0, 0}));
        assertRefused(l, l.tx("a1", TxType.REGISTER_VALUATIONS, over), "exceeds");
    }

    @Test
    void governanceWithdrawsAValuationWhichStaysOnChainMarkedWithTheReason() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commit(l.valuation("c1", "cert-1", "BAT-1", l.hash("1")));
        Transaction p = l.propose("a1", new GovernanceAction.WithdrawValuation("cert-1", "issued from a tampered session"));
        l.commit(p, l.approve("b1", p));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status(), l.proposal(p).outcome());
        assertTrue(valuation(l, "cert-1").supersededBy().startsWith("withdrawn by governance at block 2: issued from a tampered session"));
        assertNull(latest(l, "BAT-1"), "a withdrawn certificate is not the battery's latest");
        l.commit(l.valuation("c1", "cert-2", "BAT-1", l.hash("2")));
        assertTrue(valuation(l, "cert-1").supersededBy().startsWith("withdrawn"), "the next certificate does not overwrite the withdrawal");
        assertEquals("cert-2", latest(l, "BAT-1"));
        BlockExecutor.Receipt again = l.commitOne(l.propose("a1", new GovernanceAction.WithdrawValuation("cert-1", "twice")));
        assertTrue(again.error().startsWith("valuation cert-1 is no longer current: withdrawn"), again.error());
        assertEquals("no registered valuation cert-9", l.commitOne(l.propose("a1", new GovernanceAction.WithdrawValuation("cert-9", "x"))).error());
    }
}
