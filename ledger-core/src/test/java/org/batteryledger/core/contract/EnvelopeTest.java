package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The envelope rules: who may send, the expiry window, and replay protection. */
class EnvelopeTest {

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    private static Transaction anchorTx(Ledger l, String sender, String id) {
        return l.anchor(sender, id, l.hash(id), 1);
    }

    /**
     * With dropInvalid the bad transaction is left out and the rest included; without, execution stops at it and
     * firstRejection names the reason.
     */
    private static void assertRejected(Ledger l, Transaction bad, String reasonFragment) {
        Transaction before = anchorTx(l, "a1", "before-" + bad.nonce());
        Transaction after = anchorTx(l, "b1", "after-" + bad.nonce());

        BlockExecutor.Execution dropped = l.execute(true, before, bad, after);
        assertEquals(List.of(before, after), dropped.included());
        assertEquals(1, dropped.rejected().size());
        assertSame(bad, dropped.rejected().get(0).tx());
        String reason = BlockExecutor.firstRejection(dropped);
        assertTrue(reason != null && reason.contains(reasonFragment), "expected a rejection containing '" + reasonFragment + "', got " + reason);
        assertEquals(2, dropped.receipts().size());

        BlockExecutor.Execution validated = l.execute(false, before, bad, after);
        assertEquals(List.of(before), validated.included());
        assertEquals(1, validated.rejected().size());
        assertEquals(reason, BlockExecutor.firstRejection(validated));
        assertEquals(1, validated.receipts().size());

        assertEquals(reason, l.executor.checkEnvelope(l.state, l.height, bad));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void validTransactionsAreIncludedWithOkReceipts(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction t1 = anchorTx(l, "a1", "x");
        Transaction t2 = anchorTx(l, "b2", "y"); // observers may send too
        BlockExecutor.Execution ex = l.commit(t1, t2);
        assertEquals(List.of(t1, t2), ex.included());
        assertTrue(ex.rejected().isEmpty());
        assertEquals(List.of(new BlockExecutor.Receipt(t1.hash(l.suite), null, t1.expiryHeight()),
                new BlockExecutor.Receipt(t2.hash(l.suite), null, t2.expiryHeight())), ex.receipts());
        assertTrue(ex.receipts().stream().allMatch(BlockExecutor.Receipt::ok));
        assertNull(l.executor.checkEnvelope(l.state, l.height, anchorTx(l, "c1", "z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void unregisteredSenderIsRejected(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        assertRejected(l, anchorTx(l, "stranger", "s"), "is not a registered node");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void revokedSenderIsRejected(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        assertTrue(l.commitOne(l.revokeOwn("b1", "b2", "")).ok());
        assertRejected(l, anchorTx(l, "b2", "r"), "is revoked");
    }

    @Test
    void removedSenderIsRejectedAsUnregistered() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction p = l.propose("a1", new GovernanceAction.RemoveNode(l.id("b2")));
        l.commit(p, l.approve("c1", p));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
        assertRejected(l, anchorTx(l, "b2", "gone"), "is not a registered node");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void expiredTransactionIsRejected(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        assertRejected(l, l.txExpiring("a1", TxType.ANCHOR_BATCH,
                new Payloads.AnchorBatch("e", l.hash("e"), 1).encode(), 0), "expired at height 0, chain is at 1");
        l.commitEmptyUntil(5);
        assertRejected(l, l.txExpiring("a1", TxType.ANCHOR_BATCH,
                new Payloads.AnchorBatch("e", l.hash("e"), 1).encode(), 4), "expired at height 4, chain is at 5");
    }

    @Test
    void expiryAtTheCurrentHeightIsStillValid() {
        Ledger l = new Ledger(SuiteCase.sim());
        l.commitEmptyUntil(3);
        Transaction t = l.txExpiring("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("x", l.hash("x"), 1).encode(), 3);
        assertTrue(l.commitOne(t).ok());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void expiryBeyondTheLifetimeWindowIsRejected(SuiteCase sc) {
        Ledger l = new Ledger(sc, Map.of(Params.TX_LIFETIME_BLOCKS, 5L));
        l.commitEmptyUntil(3);
        byte[] payload = new Payloads.AnchorBatch("f", l.hash("f"), 1).encode();
        assertRejected(l, l.txExpiring("a1", TxType.ANCHOR_BATCH, payload, 9), "expiry height 9 is more than 5 blocks ahead of 3");
        // the edge of the window is fine
        assertTrue(l.commitOne(l.txExpiring("a1", TxType.ANCHOR_BATCH, payload, 8)).ok());
    }

    @Test
    void defaultLifetimeIsAThousandBlocks() {
        Ledger l = new Ledger(SuiteCase.sim());
        byte[] payload = new Payloads.AnchorBatch("f", l.hash("f"), 1).encode();
        assertEquals("expiry height 1002 is more than 1000 blocks ahead of 1",
                l.executor.checkEnvelope(l.state, 1, l.txExpiring("a1", TxType.ANCHOR_BATCH, payload, 1002)));
        assertNull(l.executor.checkEnvelope(l.state, 1, l.txExpiring("a1", TxType.ANCHOR_BATCH, payload, 1001)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void replayOfACommittedTransactionIsRejected(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction t = anchorTx(l, "a1", "once");
        assertTrue(l.commitOne(t).ok());
        assertRejected(l, t, BlockExecutor.DUPLICATE_PREFIX);
        // a re-signed copy (other signature bytes) has the same hash and is the same replay
        byte[] sig = t.signature();
        sig[0] ^= 1;
        assertRejected(l, t.withSignature(sig), BlockExecutor.DUPLICATE_PREFIX);
    }

    @Test
    void replayWithinOneBlockIsRejected() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction t = anchorTx(l, "a1", "twice");
        BlockExecutor.Execution dropped = l.execute(true, t, t);
        assertEquals(List.of(t), dropped.included());
        String reason = BlockExecutor.firstRejection(dropped);
        assertTrue(reason != null && reason.startsWith(BlockExecutor.DUPLICATE_PREFIX), reason);
        BlockExecutor.Execution validated = l.execute(false, t, t);
        assertEquals(List.of(t), validated.included());
        assertEquals(reason, BlockExecutor.firstRejection(validated));
    }

    @Test
    void contractFailureStillConsumesTheTransaction() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction bad = l.anchor("a1", "zero", l.hash("zero"), 0);
        BlockExecutor.Receipt r = l.commitOne(bad);
        assertEquals("an anchored batch holds at least one record", r.error());
        assertRejected(l, bad, BlockExecutor.DUPLICATE_PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void replayIndexIsKeptUntilExpiryThenPrunedAndTheReplayStaysInvalid(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction t = l.txExpiring("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("p", l.hash("p"), 1).encode(), 4);
        Transaction keep = l.txExpiring("b1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("k", l.hash("k"), 1).encode(), 9);
        l.commit(t, keep); // height 1
        String hex = t.hash(l.suite).hex();
        String expiryKey = String.format("%020d:%s", 4L, hex);
        assertNotNull(l.state.get(Tables.TX, hex));
        assertNotNull(l.state.get(Tables.TX_EXPIRY, expiryKey));
        for (long h = 2; h <= 4; h++) {
            String reason = l.executor.checkEnvelope(l.state, l.height, t);
            assertTrue(reason != null && reason.startsWith(BlockExecutor.DUPLICATE_PREFIX), "height " + h + ": " + reason);
            BlockExecutor.Execution ex = l.commit();
            assertFalse(ex.writeSet().entries().stream().anyMatch(e -> e.key().contains(hex)), "nothing pruned at " + h);
        }
        // height 5: expiry 4 < 5, so both entries are deleted by this block, and nothing else of the index
        assertEquals(5, l.height);
        BlockExecutor.Execution prune = l.commit();
        assertEquals(List.of(new WriteSet.Entry(Tables.TX, hex, null), new WriteSet.Entry(Tables.TX_EXPIRY, expiryKey, null)),
                prune.writeSet().entries());
        assertNull(l.state.get(Tables.TX, hex));
        assertNull(l.state.get(Tables.TX_EXPIRY, expiryKey));
        assertNotNull(l.state.get(Tables.TX, keep.hash(l.suite).hex()));
        // forgotten by the index, but now expired: it can never be included again
        String reason = l.executor.checkEnvelope(l.state, l.height, t);
        assertEquals("expired at height 4, chain is at 6", reason);
        assertRejected(l, t, "expired");
    }

    /**
     * What lets a store keep only the expiry entries (ordered by expiry) and derive the hash-keyed ones: through commits
     * and prunes of transactions with several expiries, {@link Tables#TX} is at every height exactly what the
     * {@link Tables#TX_EXPIRY} keys imply.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void theReplayIndexByHashIsImpliedByItsExpiryKeysAtEveryHeight(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        java.util.Random random = new java.util.Random(11);
        int mostHeld = 0;
        for (int block = 0; block < 12; block++) {
            List<Transaction> txs = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                String id = "r" + block + "-" + i;
                txs.add(l.txExpiring(i % 2 == 0 ? "a1" : "b1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch(id, l.hash(id), 1).encode(),
                        l.height + random.nextInt(5)));
            }
            l.commit(txs.toArray(Transaction[]::new));
            java.util.Map<String, String> implied = new java.util.TreeMap<>();
            for (String expiryKey : l.state.scan(Tables.TX_EXPIRY).keySet()) {
                WriteSet.Entry e = BlockExecutor.replayEntryOf(expiryKey);
                assertEquals(Tables.TX, e.table());
                implied.put(e.key(), java.util.HexFormat.of().formatHex(e.value()));
            }
            java.util.Map<String, String> held = new java.util.TreeMap<>();
            l.state.scan(Tables.TX).forEach((k, v) -> held.put(k, java.util.HexFormat.of().formatHex(v)));
            assertEquals(held, implied, "height " + l.height);
            mostHeld = Math.max(mostHeld, held.size());
        }
        assertTrue(mostHeld >= 3, "the index held " + mostHeld + " transactions at most");
        assertThrows(IllegalArgumentException.class, () -> BlockExecutor.replayEntryOf("4:abc"));
    }

    @Test
    void pruningHappensEvenInABlockThatIncludesTransactions() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction t = l.txExpiring("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("p", l.hash("p"), 1).encode(), 1);
        l.commit(t);
        Transaction u = anchorTx(l, "b1", "u");
        BlockExecutor.Execution ex = l.commit(u);
        assertNull(l.state.get(Tables.TX, t.hash(l.suite).hex()));
        assertNotNull(l.state.get(Tables.TX, u.hash(l.suite).hex()));
        assertTrue(ex.writeSet().entries().stream().anyMatch(e -> e.isDelete() && e.table().equals(Tables.TX)));
        assertEquals(1, l.state.scan(Tables.TX).size());
        assertEquals(1, l.state.scan(Tables.TX_EXPIRY).size());
    }

    @Test
    void pruningIsDeterministicAcrossExecutions() {
        Ledger l = new Ledger(SuiteCase.sim());
        for (int i = 0; i < 6; i++) {
            l.commit(l.txExpiring("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("d" + i, l.hash("d" + i), 1).encode(), l.height + i % 3));
        }
        BlockExecutor.Execution x = l.execute(false);
        BlockExecutor.Execution y = l.execute(false);
        assertEquals(x.writeSet(), y.writeSet());
        assertEquals(x.stateRoot(), y.stateRoot());
        assertFalse(x.writeSet().entries().isEmpty());
    }

    @Test
    void aSenderRevokedInABlockIsRefusedFromTheNextHeightOn() {
        // Registry changes take effect at the next height: within the block the envelope reads the parent state.
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction revoke = l.revokeOwn("b1", "b2", "");
        Transaction sameBlock = anchorTx(l, "b2", "same-block");
        BlockExecutor.Execution both = l.execute(false, revoke, sameBlock);
        assertNull(BlockExecutor.firstRejection(both));
        assertEquals(List.of(revoke, sameBlock), both.included());
        // Its contract, though, reads the block so far: the sender's admission is read anew once the block revoked it.
        assertNull(both.receipts().get(0).error());
        assertTrue(String.valueOf(both.receipts().get(1).error()).contains("is revoked"), both.receipts().get(1).error());
        l.commit(revoke);
        Transaction nextBlock = anchorTx(l, "b2", "next-block");
        BlockExecutor.Execution dropped = l.execute(true, nextBlock);
        assertEquals(List.of(), dropped.included());
        assertTrue(BlockExecutor.firstRejection(dropped).contains("is revoked"), BlockExecutor.firstRejection(dropped));
    }

    /**
     * The other two tables a sender's admission reads: a node removed, or its agency's CA revoked, earlier in the block.
     * Its transaction passes the envelope (the parent state) and fails its contract (the block so far).
     */
    @ParameterizedTest
    @MethodSource("registryChanges")
    void aSenderRemovedOrCaRevokedInABlockFailsItsContractThere(GovernanceAction change, String reason) {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction warm = anchorTx(l, "c1", "before"); // c1 admitted first, so the block holds its admission
        Transaction propose = l.propose("a1", change);
        Transaction approve = l.approve("b1", propose);
        Transaction after = anchorTx(l, "c1", "after");
        BlockExecutor.Execution ex = l.execute(false, warm, propose, approve, after);
        assertNull(BlockExecutor.firstRejection(ex));
        assertEquals(List.of(warm, propose, approve, after), ex.included());
        assertNull(ex.receipts().get(0).error());
        assertNull(ex.receipts().get(2).error());
        assertTrue(String.valueOf(ex.receipts().get(3).error()).contains(reason), ex.receipts().get(3).error());
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> registryChanges() {
        Ledger l = new Ledger(SuiteCase.sim());
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(new GovernanceAction.RemoveNode(l.id("c1")), "not a registered node"),
                org.junit.jupiter.params.provider.Arguments.of(new GovernanceAction.RevokeAgencyCa("ca-" + Ledger.C), "is revoked"));
    }

    @Test
    void aLifetimeThatCouldOverflowIsRefusedAndTheLargestAllowedOneLocksNothingOut() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction huge = l.propose("a1", new GovernanceAction.SetParameter(Params.TX_LIFETIME_BLOCKS, Long.MAX_VALUE));
        BlockExecutor.Execution refused = l.execute(true, huge);
        assertTrue(refused.receipts().get(0).error().contains("must be between"), refused.receipts().get(0).error());

        Transaction p = l.propose("a1", new GovernanceAction.SetParameter(Params.TX_LIFETIME_BLOCKS, 1_000_000));
        l.commit(p, l.approve("b1", p));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
        Transaction t = l.txExpiring("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("x", l.hash("x"), 1).encode(), l.height + 5);
        assertNull(l.executor.checkEnvelope(l.state, l.height, t));
        // nor may it lock out the proposal that would set the parameter back
        Transaction undo = l.txExpiring("a1", TxType.GOVERNANCE_PROPOSE,
                new GovernanceAction.SetParameter(Params.TX_LIFETIME_BLOCKS, 1000).encode(), l.height + 5);
        assertEquals(List.of(undo), l.execute(true, undo).included());
    }
}
