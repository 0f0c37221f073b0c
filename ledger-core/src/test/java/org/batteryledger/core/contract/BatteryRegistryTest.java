package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.batteryledger.core.contract.Ledger.A;
import static org.batteryledger.core.contract.Ledger.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The battery registry: a code belongs to the agency whose anchored master record registered it first; the same
 * agency supersedes with history; another agency is refused with its reason while its batch's anchor stands.
 */
class BatteryRegistryTest {
    static final String CODE = "036PE0B1A2C3D4E5F6G7H8J9";
    static final long MADE = 1_709_251_200L; // 2024-03-01T00:00:00Z

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    static Transaction anchorRecords(Ledger l, String sender, String batchId, BatteryRegistry.Request... registrations) {
        return l.tx(sender, TxType.ANCHOR_RECORDS, new Payloads.AnchorRecords(batchId, l.hash(batchId), 10, List.of(registrations)).encode());
    }

    static BatteryRegistry.Request request(Ledger l, String code, String masterRecord) {
        return new BatteryRegistry.Request(code, l.hash(masterRecord), MADE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anAnchoredMasterRecordRegistersItsBatteryForItsAgency(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction tx = anchorRecords(l, "a1", "batch-1", request(l, CODE, "master v1"));
        assertTrue(l.commitOne(tx).ok());
        BatteryRegistry.Registration r = BatteryRegistry.registration(l.state, CODE).orElseThrow();
        assertEquals(new BatteryRegistry.Registration(CODE, A, l.hash("master v1"), MADE, 1, tx.hash(l.suite), 1), r);
        // the batch is anchored as by ANCHOR_BATCH, under its root
        assertEquals(new Payloads.Anchor("batch-1", 10, 1, tx.hash(l.suite), A),
                Payloads.Anchor.decode(l.state.get(Tables.ANCHOR, l.hash("batch-1").hex())));
    }

    @Test
    void aLaterMasterRecordOfTheSameAgencySupersedesAndKeepsHistory() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commitOne(anchorRecords(l, "a1", "batch-1", request(l, CODE, "master v1")));
        Transaction second = anchorRecords(l, "a2", "batch-2", request(l, CODE, "master v2")); // another node of agency A
        assertTrue(l.commitOne(second).ok());
        List<BatteryRegistry.Registration> history = BatteryRegistry.history(l.state, CODE);
        assertEquals(2, history.size());
        assertEquals(l.hash("master v1"), history.get(0).masterHash());
        assertEquals(1, history.get(0).version());
        assertEquals(l.hash("master v2"), history.get(1).masterHash());
        assertEquals(2, history.get(1).version());
        assertEquals(2, history.get(1).height());
        assertEquals(history.get(1), BatteryRegistry.registration(l.state, CODE).orElseThrow());
    }

    @Test
    void twoMasterRecordsOfOneCodeInOneBatchRegisterInLeafOrder() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commitOne(anchorRecords(l, "a1", "batch-1", request(l, CODE, "v1"), request(l, CODE, "v2")));
        assertEquals(l.hash("v2"), BatteryRegistry.registration(l.state, CODE).orElseThrow().masterHash());
        assertEquals(2, BatteryRegistry.history(l.state, CODE).size());
    }

    @Test
    void theSameMasterRecordAgainChangesNothing() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commitOne(anchorRecords(l, "a1", "batch-1", request(l, CODE, "v1")));
        BlockExecutor.Execution ex = l.commit(anchorRecords(l, "a1", "batch-2", request(l, CODE, "v1")));
        assertEquals(Set.of(Tables.ANCHOR, Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        assertEquals(1, BatteryRegistry.registration(l.state, CODE).orElseThrow().version());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anotherAgencyIsRefusedWithItsReasonAndItsBatchStillAnchors(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        l.commitOne(anchorRecords(l, "a1", "batch-1", request(l, CODE, "A's master")));
        String other = "036PE0B1A2C3D4E5F6G7H8K0";
        Transaction tx = anchorRecords(l, "b1", "batch-2", request(l, CODE, "B's master"), request(l, other, "B's other master"));
        assertTrue(l.commitOne(tx).ok(), "the anchor and the other registration stand");
        assertEquals(A, BatteryRegistry.registration(l.state, CODE).orElseThrow().agency());
        assertEquals(B, BatteryRegistry.registration(l.state, other).orElseThrow().agency());
        assertNotNull(l.state.get(Tables.ANCHOR, l.hash("batch-2").hex()));
        String reason = BatteryRegistry.refusal(l.state, CODE, l.hash("B's master")).orElseThrow();
        assertEquals("battery " + CODE + " is registered by agency-a since block 1; a battery code belongs to one agency", reason);
        assertEquals(reason, BatteryRegistry.refusalFor(l.state, B, CODE), "intake gives the same reason before anything is stored");
        assertEquals(null, BatteryRegistry.refusalFor(l.state, A, CODE));
    }

    @Test
    void anAgencyDeclaredWithoutTheManufacturerKindCannotRegister() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction p = l.propose("a1", new GovernanceAction.SetMember(B, new Member(Set.of(MemberKind.CHARGING), List.of("ChargeCo"))));
        l.commit(p, l.approve("c1", p));
        l.commitOne(anchorRecords(l, "b1", "batch-1", request(l, CODE, "m")));
        assertTrue(BatteryRegistry.registration(l.state, CODE).isEmpty());
        assertEquals("agency agency-b is a charging member, not a manufacturer: it cannot register battery " + CODE,
                BatteryRegistry.refusal(l.state, CODE, l.hash("m")).orElseThrow());
        // an undeclared agency (profiles came later) still may
        l.commitOne(anchorRecords(l, "c1", "batch-2", request(l, CODE, "m")));
        assertEquals(Ledger.C, BatteryRegistry.registration(l.state, CODE).orElseThrow().agency());
    }

    @Test
    void aMalformedCodeFailsTheWholeTransaction() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction tx = anchorRecords(l, "a1", "batch-1", request(l, CODE, "ok"), request(l, "lower-case", "bad"));
        BlockExecutor.Receipt r = l.commitOne(tx);
        // an honest node never sends it (intake checks codes): the refusal is recorded and nothing else is written
        assertTrue(r.ok());
        assertEquals("battery code must be 1-64 characters of [A-Z0-9-], was lower-case",
                BatteryRegistry.refusal(l.state, "lower-case", l.hash("bad")).orElseThrow());
        assertTrue(BatteryRegistry.registration(l.state, CODE).isPresent());
    }

    @Test
    void aTransactionCarriesAtMost512Registrations() {
        Ledger l = new Ledger(SuiteCase.sim());
        List<BatteryRegistry.Request> many = new ArrayList<>();
        for (int i = 0; i <= BatteryRegistry.MAX_PER_BATCH; i++) {
            many.add(new BatteryRegistry.Request(String.format("CODE-%05d", i), l.hash("m" + i), MADE));
        }
        byte[] payload = new Payloads.AnchorRecords("big", l.hash("big"), 513, many).encode();
        assertThrows(DecodeException.class, () -> Payloads.AnchorRecords.decode(payload));
        BlockExecutor.Receipt r = l.commitOne(l.tx("a1", TxType.ANCHOR_RECORDS, payload));
        assertFalse(r.ok());
        assertTrue(BatteryRegistry.registration(l.state, "CODE-00000").isEmpty());
        // 512 fit in a payload with room to spare: what a full batch of master records costs on chain
        byte[] full = new Payloads.AnchorRecords("full", l.hash("full"), 512, many.subList(0, 512)).encode();
        assertTrue(full.length < 40_000, "bytes: " + full.length);
    }

    @Test
    void bothAnchoringTypesYieldTheirBatch() {
        Ledger l = new Ledger(SuiteCase.sim());
        Hash root = l.hash("r");
        Transaction old = l.tx("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("b", root, 3).encode());
        Transaction now = l.tx("a1", TxType.ANCHOR_RECORDS, new Payloads.AnchorRecords("b", root, 3, List.of()).encode());
        assertEquals(new Payloads.AnchorBatch("b", root, 3), Payloads.AnchorBatch.of(old));
        assertEquals(new Payloads.AnchorBatch("b", root, 3), Payloads.AnchorBatch.of(now));
        assertThrows(IllegalArgumentException.class, () -> Payloads.AnchorBatch.of(l.valuation("a1", "c", CODE, root)));
        assertEquals(new CanonicalWriter().str("b").raw(root.unsafeBytes()).u64(3).u32(0).toByteArray().length, now.payload().length);
    }
}
