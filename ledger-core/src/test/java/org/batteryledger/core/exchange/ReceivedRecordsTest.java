package org.batteryledger.core.exchange;

import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.record.RecordSchemaTest;
import org.batteryledger.core.state.StateOverlay;
import org.batteryledger.core.state.WorldState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A disclosed record is used only when it checks out against this node's own chain; otherwise the reason is named. */
class ReceivedRecordsTest {
    static final CryptoSuite SUITE = Suites.ecdsa();
    static final String CODE = "036PE0B1A2C3D4E5F6G7H8J9";
    static final byte[] MASTER = Jcs.canonicalBytes(RecordSchemaTest.BATTERY);
    static final byte[] SESSION = Jcs.canonicalBytes(RecordSchemaTest.SESSION);

    final StateOverlay chain = new StateOverlay(new WorldState());
    final List<Hash> leaves = new ArrayList<>(List.of(SUITE.hash("other 1".getBytes()), SUITE.hash(MASTER), SUITE.hash(SESSION)));
    final MerkleTree tree = MerkleTree.of(SUITE, leaves);

    ReceivedRecordsTest() {
        chain.put(Tables.AGENCY, "agency-a", new Member(Set.of(MemberKind.MANUFACTURER, MemberKind.CHARGING), List.of("CATL", "ChargeCo")).encode());
        chain.put(Tables.AGENCY, "agency-b", new byte[0]);
        chain.put(Tables.ANCHOR, tree.root().hex(), new Payloads.Anchor("node0-1", 3, 12, SUITE.hash("tx".getBytes()), "agency-a").encode());
        chain.put(Tables.BATTERY, CODE, new BatteryRegistry.Registration(CODE, "agency-a", SUITE.hash(MASTER), 1_709_251_200L, 12,
                SUITE.hash("tx".getBytes()), 1).encode());
    }

    HeldRecord held(byte[] canonical, int leaf) {
        return new HeldRecord(canonical, tree.inclusionProof(leaf), tree.root(), leaf + 100);
    }

    ReceivedRecords.Check check(HeldRecord h, String holder) {
        return new ReceivedRecords(SUITE, chain).check(h, holder, CODE);
    }

    static String failure(ReceivedRecords.Check c) {
        return assertInstanceOf(ReceivedRecords.Failed.class, c).reason();
    }

    @Test
    void aRecordAnchoredByTheHoldersAgencyIsVerifiedWithItsAnchor() {
        ReceivedRecords.Verified v = assertInstanceOf(ReceivedRecords.Verified.class, check(held(SESSION, 2), "agency-a"));
        assertEquals(12, v.anchor().height());
        assertEquals("cpo-9", v.record().record().recordId());
        ReceivedRecords.Verified m = assertInstanceOf(ReceivedRecords.Verified.class, check(held(MASTER, 1), "agency-a"));
        assertEquals("current (version 1)", m.registration());
    }

    @Test
    void aChangedRecordFailsAtItsAuditPath() {
        byte[] changed = Jcs.canonicalBytes(RecordSchemaTest.SESSION.replace("\"energyKWh\":0.63", "\"energyKWh\":0.93"));
        assertEquals("its audit path (leaf 2 of 3) does not lead from the record's hash to batch root " + tree.root().shortHex()
                + ": the record was changed", failure(check(held(changed, 2), "agency-a")));
    }

    @Test
    void aRootThisChainDidNotAnchorFails() {
        MerkleTree alone = MerkleTree.of(SUITE, List.of(SUITE.hash(SESSION)));
        HeldRecord h = new HeldRecord(SESSION, alone.inclusionProof(0), alone.root(), 1);
        assertEquals("batch root " + alone.root().shortHex() + " is not anchored on this node's chain", failure(check(h, "agency-a")));
    }

    @Test
    void aRecordAnotherAgencyAnchoredIsNotTheHoldersToDisclose() {
        assertEquals("anchored by agency-a, not by the holder's agency agency-b", failure(check(held(SESSION, 2), "agency-b")));
    }

    @Test
    void aRecordOfAnotherBatteryOrNotCanonicalFails() {
        ReceivedRecords r = new ReceivedRecords(SUITE, chain);
        assertEquals("a record of battery " + CODE + ", not of OTHER-1", failure(r.check(held(SESSION, 2), "agency-a", "OTHER-1")));
        byte[] spaced = RecordSchemaTest.SESSION.replace(",", ", ").getBytes(StandardCharsets.UTF_8);
        assertEquals("the record is not in its canonical form (RFC 8785), so its hash is not the one anchored",
                failure(check(new HeldRecord(spaced, tree.inclusionProof(2), tree.root(), 1), "agency-a")));
        assertEquals("not JSON: ", failure(check(new HeldRecord("{".getBytes(), tree.inclusionProof(2), tree.root(), 1), "agency-a"))
                .substring(0, 10));
    }

    @Test
    void aRecordNamingAPartyItsAgencyDoesNotSpeakForFails() {
        chain.put(Tables.AGENCY, "agency-a", new Member(Set.of(MemberKind.MANUFACTURER), List.of("CATL")).encode());
        assertEquals("names 'ChargeCo', not a party of its agency agency-a", failure(check(held(SESSION, 2), "agency-a")));
    }

    @Test
    void queriesAndPagesRoundTripAndRefuseNonsense() {
        RecordQuery q = new RecordQuery.Battery(7, CODE, true, true, 42, 100, held(SESSION, 2));
        RecordQuery back = RecordQuery.decode(q.encode());
        assertEquals(CODE, ((RecordQuery.Battery) back).batteryCode());
        assertEquals(List.of(SUITE.hash(SESSION)), List.of(SUITE.hash(((RecordQuery.Battery) back).standing().canonical())));
        assertEquals(new RecordQuery.Proof(8, SUITE.hash(MASTER)), RecordQuery.decode(new RecordQuery.Proof(8, SUITE.hash(MASTER)).encode()));
        assertThrows(org.batteryledger.core.codec.DecodeException.class,
                () -> RecordQuery.decode(new org.batteryledger.core.codec.CanonicalWriter().u8(1).u64(1).str("x y").bool(true).bool(true)
                        .u64(0).u32(10).bool(false).toByteArray()));
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> new RecordQuery.Battery(1, CODE, true, true, 0, 501, null));

        RecordPage page = RecordPage.of(7, List.of(held(MASTER, 1), held(SESSION, 2)), 1, List.of("policy: no"), false);
        assertEquals(1, page.records().size());
        assertEquals(true, page.more(), "a record was left for the next page");
        RecordPage decoded = RecordPage.decode(page.encode());
        assertEquals(page.refusals(), decoded.refusals());
        assertEquals(101, decoded.records().get(0).seq());
        assertEquals(RecordPage.Status.BUSY, RecordPage.decode(RecordPage.refused(3, RecordPage.Status.BUSY, "later").encode()).status());
    }

    @Test
    void severalBatteriesGoInOneQueryAndComeBackInOneAnswerInTheirOrder() {
        RecordQuery.Battery a = new RecordQuery.Battery(0, CODE, true, true, 0, 500, held(SESSION, 2));
        RecordQuery.Battery b = new RecordQuery.Battery(0, "OTHER-1", false, true, 77, 10, null);
        RecordQuery.Batteries q = (RecordQuery.Batteries) RecordQuery.decode(new RecordQuery.Batteries(9, List.of(a, b)).encode());
        assertEquals(9, q.requestId());
        assertEquals(List.of(CODE, "OTHER-1"), q.batteries().stream().map(RecordQuery.Battery::batteryCode).toList());
        assertEquals(77, q.batteries().get(1).afterSeq());
        assertEquals(null, q.batteries().get(1).standing());
        assertEquals(SUITE.hash(SESSION), SUITE.hash(q.batteries().get(0).standing().canonical()));
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> new RecordQuery.Batteries(1, List.of()));
        assertThrows(org.batteryledger.core.codec.DecodeException.class,
                () -> new RecordQuery.Batteries(1, java.util.Collections.nCopies(RecordQuery.MAX_BATTERIES + 1, b)));
        byte[] tooMany = new org.batteryledger.core.codec.CanonicalWriter().u8(3).u64(1)
                .list(java.util.Collections.nCopies(RecordQuery.MAX_BATTERIES + 1, b), (w, x) -> w.str(x.batteryCode()).bool(false).bool(true)
                        .u64(0).u32(10).bool(false)).toByteArray();
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> RecordQuery.decode(tooMany));

        RecordPage first = RecordPage.of(0, List.of(held(MASTER, 1), held(SESSION, 2)), 500, List.of(), false);
        RecordPage notReached = RecordPage.of(0, List.of(held(SESSION, 2)), 500, List.of("policy: no masters"), true, 0);
        assertEquals(List.of(), notReached.records(), "no bytes left: the battery is asked for again");
        assertTrue(notReached.more());
        RecordPages answer = RecordPages.decode(new RecordPages(9, RecordPage.Status.OK, "", List.of(first, notReached)).encode());
        assertEquals(9, answer.requestId());
        assertEquals(2, answer.pages().get(0).records().size());
        assertEquals(List.of("policy: no masters"), answer.pages().get(1).refusals());
        assertEquals(RecordPage.Status.BUSY, RecordPages.decode(RecordPages.refused(4, RecordPage.Status.BUSY, "later").encode()).status());
        byte[] okWithoutPages = new org.batteryledger.core.codec.CanonicalWriter().u64(1).u8(0).str("").list(List.<byte[]>of(), (w, x) -> { })
                .toByteArray();
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> RecordPages.decode(okWithoutPages));
    }

    @Test
    void oneCheckerReadsABatchsAnchorAndItsAgencyOnceForAllItsRecords() {
        java.util.Map<String, Integer> reads = new java.util.HashMap<>();
        ReceivedRecords r = new ReceivedRecords(SUITE, (table, key) -> {
            reads.merge(table, 1, Integer::sum);
            return chain.get(table, key);
        });
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(ReceivedRecords.Verified.class, r.check(held(SESSION, 2), "agency-a", CODE));
        }
        assertInstanceOf(ReceivedRecords.Verified.class, r.check(held(MASTER, 1), "agency-a", CODE));
        assertEquals(1, reads.get(Tables.ANCHOR));
        assertEquals(1, reads.get(Tables.AGENCY));
        MerkleTree alone = MerkleTree.of(SUITE, List.of(SUITE.hash(SESSION)));
        for (int i = 0; i < 2; i++) { // an unanchored root is remembered as such within the gathering
            assertInstanceOf(ReceivedRecords.Failed.class, r.check(new HeldRecord(SESSION, alone.inclusionProof(0), alone.root(), 1), "agency-a", CODE));
        }
        assertEquals(2, reads.get(Tables.ANCHOR));
    }
}
