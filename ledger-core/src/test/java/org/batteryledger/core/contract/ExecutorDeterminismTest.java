package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.StateView;
import org.batteryledger.core.state.WorldState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.batteryledger.core.contract.Ledger.A;
import static org.batteryledger.core.contract.Ledger.B;
import static org.batteryledger.core.contract.Ledger.C;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor is a function of (parent state, parent root, height, transactions): every node that runs it gets the
 * same write set and root, and what a proposer includes ({@code dropInvalid=true}) a validator accepts as it is.
 */
class ExecutorDeterminismTest {
    private static final String[] TABLES = {Tables.NODE, Tables.AGENCY, Tables.PARAM, Tables.PROPOSAL, Tables.REVOKED_NODE,
            Tables.REVOKED_SERIAL, Tables.ANCHOR, Tables.VALUATION, Tables.VALUATION_LATEST, Tables.TX, Tables.TX_EXPIRY, Tables.META,
            Tables.PROPOSAL_OPEN};
    private static final String[] SENDERS = {"a1", "a2", "b1", "b2", "c1", "stranger", "n1", "n2"};
    private static final String[] AGENCY_NAMES = {A, B, C, "agency-d", "agency-e", "", "unknown"};

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(SuiteCase.sim(), 400), Arguments.of(SuiteCase.ecdsa(), 40), Arguments.of(SuiteCase.sm2(), 20));
    }

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    /** A digest of everything in a state, to compare states and to see that execution leaves the parent alone. */
    static String dump(StateView s) {
        StringBuilder b = new StringBuilder();
        for (String t : TABLES) {
            s.scan(t).forEach((k, v) -> b.append(t).append('/').append(k).append('=').append(org.batteryledger.core.codec.Hex.encode(v)).append('\n'));
        }
        return b.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sameTransactionsOnTheSameStateGiveTheSameWriteSetAndRoot(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction p = l.propose("a1", l.register("n1", "n1", A, Role.CONSENSUS));
        List<Transaction> txs = List.of(
                p, l.approve("c1", p),
                l.anchor("b1", "batch", l.hash("root"), 10),
                l.valuation("c1", "cert", "BAT-1", l.hash("cert")),
                l.revokeOwn("b1", "b2", "99"),
                l.anchor("b1", "batch", l.hash("root"), 10));
        String before = dump(l.state);
        BlockExecutor.Execution x = l.execute(false, txs);
        BlockExecutor.Execution y = l.execute(false, txs);
        BlockExecutor.Execution z = new BlockExecutor(sc.suite()).execute(l.state.copy(), l.root, l.height, txs, false);
        for (BlockExecutor.Execution other : List.of(y, z)) {
            assertEquals(x.writeSet(), other.writeSet());
            assertEquals(x.writeSet().hash(sc.suite()), other.writeSet().hash(sc.suite()));
            assertEquals(x.stateRoot(), other.stateRoot());
            assertEquals(x.receipts(), other.receipts());
            assertEquals(x.included(), other.included());
        }
        assertEquals(before, dump(l.state), "execution does not touch the parent state");
        assertFalse(x.receipts().get(5).ok());
        // another parent root gives another state root for the same writes
        BlockExecutor.Execution w = l.executor.execute(l.state, l.hash("another parent"), l.height, txs, false);
        assertEquals(x.writeSet(), w.writeSet());
        assertFalse(x.stateRoot().equals(w.stateRoot()));
    }

    /** Random transactions over a small universe, so that collisions, replays and refusals are frequent. */
    private static final class Generator {
        final Random r;
        final Ledger l;
        final List<Transaction> history = new ArrayList<>();
        final List<Hash> proposals = new ArrayList<>();

        Generator(Random r, Ledger l) {
            this.r = r;
            this.l = l;
        }

        String sender() {
            return SENDERS[r.nextInt(r.nextInt(10) == 0 ? SENDERS.length : 5)];
        }

        String label() {
            return SENDERS[r.nextInt(SENDERS.length)];
        }

        long expiry() {
            long lifetime = l.param(Params.TX_LIFETIME_BLOCKS);
            return switch (r.nextInt(12)) {
                case 0 -> l.height - 1 - r.nextInt(3);
                case 1 -> l.height + lifetime + 1 + r.nextInt(3);
                case 2 -> l.height;
                case 3 -> l.height + lifetime;
                default -> l.height + r.nextInt((int) Math.min(lifetime, 6) + 1);
            };
        }

        GovernanceAction action() {
            return switch (r.nextInt(7)) {
                case 0 -> new GovernanceAction.AddAgency(AGENCY_NAMES[r.nextInt(AGENCY_NAMES.length)]);
                case 1 -> switch (r.nextInt(4)) {
                    case 0 -> new GovernanceAction.SetParameter(Params.GOVERNANCE_QUORUM, r.nextInt(4));
                    case 1 -> new GovernanceAction.SetParameter(Params.TX_LIFETIME_BLOCKS, r.nextInt(8));
                    case 2 -> new GovernanceAction.SetParameter(Params.MAX_BLOCK_TXS, r.nextInt(3) - 1);
                    default -> new GovernanceAction.SetParameter("bogus", 1);
                };
                case 2 -> {
                    String who = label();
                    yield new GovernanceAction.RegisterNode(l.id(who), r.nextBoolean() ? who : "name-" + r.nextInt(3),
                            AGENCY_NAMES[r.nextInt(AGENCY_NAMES.length)], l.signer(r.nextInt(8) == 0 ? "other" : who).publicKey(),
                            "ca", r.nextBoolean() ? Role.CONSENSUS : Role.OBSERVER);
                }
                case 3 -> new GovernanceAction.RemoveNode(l.id(label()));
                case 4 -> new GovernanceAction.SetRole(l.id(label()), r.nextBoolean() ? Role.CONSENSUS : Role.OBSERVER);
                case 5 -> new GovernanceAction.Revoke(r.nextBoolean() ? l.id(label()).value() : "", r.nextBoolean() ? "" + r.nextInt(5) : (r.nextBoolean() ? "" : "x"));
                default -> new GovernanceAction.Revoke(r.nextInt(3) == 0 ? "short" : "", "" + r.nextInt(5));
            };
        }

        Transaction next(List<Transaction> block) {
            int kind = r.nextInt(100);
            if (kind < 8 && !history.isEmpty()) {
                Transaction old = history.get(r.nextInt(history.size()));
                return r.nextBoolean() ? old : old.withSignature(new byte[] {1});
            }
            if (kind < 12 && !block.isEmpty()) {
                return block.get(r.nextInt(block.size()));
            }
            String sender = sender();
            long expiry = expiry();
            byte[] payload;
            TxType type;
            if (kind < 30) {
                type = TxType.ANCHOR_BATCH;
                payload = new Payloads.AnchorBatch(r.nextInt(6) == 0 ? " " : "b" + r.nextInt(4), l.hash("root" + r.nextInt(8)), r.nextInt(4)).encode();
            } else if (kind < 45) {
                type = TxType.REGISTER_VALUATION;
                String code = switch (r.nextInt(6)) {
                    case 0 -> "bat-lower";
                    case 1 -> "";
                    default -> "BAT-" + r.nextInt(3);
                };
                payload = new Payloads.RegisterValuation(r.nextInt(8) == 0 ? "" : "cert-" + r.nextInt(6), code, l.hash("c" + r.nextInt(100))).encode();
            } else if (kind < 62) {
                type = TxType.GOVERNANCE_PROPOSE;
                payload = action().encode();
            } else if (kind < 80) {
                type = TxType.GOVERNANCE_APPROVE;
                Hash id = proposals.isEmpty() || r.nextInt(8) == 0 ? l.hash("none") : proposals.get(r.nextInt(proposals.size()));
                payload = new Payloads.Approve(id).encode();
            } else if (kind < 88) {
                type = TxType.REVOKE_OWN_NODE;
                payload = new Payloads.RevokeOwnNode(l.id(label()), r.nextInt(4) == 0 ? "" + r.nextInt(5) : "").encode();
            } else {
                type = TxType.values()[r.nextInt(TxType.values().length)];
                payload = new byte[r.nextInt(12)];
                r.nextBytes(payload);
            }
            Transaction tx = l.txExpiring(sender, type, payload, expiry);
            if (type == TxType.GOVERNANCE_PROPOSE) {
                proposals.add(tx.hash(l.suite));
            }
            return tx;
        }
    }

    private static boolean isSubsequence(List<Transaction> sub, List<Transaction> all) {
        int i = 0;
        for (Transaction t : all) {
            if (i < sub.size() && sub.get(i) == t) {
                i++;
            }
        }
        return i == sub.size();
    }

    @ParameterizedTest(name = "{0}, {1} runs")
    @MethodSource("cases")
    void proposedBlocksAreDeterministicAndValidateAsProposed(SuiteCase sc, int runs) {
        int rejectedSeen = 0;
        int failedReceiptsSeen = 0;
        int okReceiptsSeen = 0;
        for (int run = 0; run < runs; run++) {
            Random r = new Random(0xB477L * 1_000 + run);
            Map<String, Long> params = r.nextBoolean() ? Map.of(Params.TX_LIFETIME_BLOCKS, 2L + r.nextInt(6)) : Map.of();
            Ledger l = new Ledger(sc, params);
            Generator g = new Generator(r, l);
            Set<Hash> everIncluded = new HashSet<>();
            int blocks = 1 + r.nextInt(5);
            for (int b = 0; b < blocks; b++) {
                String where = sc + " run " + run + " height " + l.height;
                List<Transaction> txs = new ArrayList<>();
                int n = r.nextInt(13);
                for (int i = 0; i < n; i++) {
                    txs.add(g.next(txs));
                }
                String parent = dump(l.state);

                BlockExecutor.Execution proposed = l.execute(true, txs);
                BlockExecutor.Execution again = l.execute(true, new ArrayList<>(txs));
                assertEquals(proposed.writeSet(), again.writeSet(), where);
                assertEquals(proposed.stateRoot(), again.stateRoot(), where);
                assertEquals(proposed.receipts(), again.receipts(), where);
                assertEquals(proposed.included(), again.included(), where);
                assertEquals(proposed.rejected().stream().map(BlockExecutor.Rejected::reason).toList(),
                        again.rejected().stream().map(BlockExecutor.Rejected::reason).toList(), where);
                assertEquals(parent, dump(l.state), where + ": the parent state is untouched");

                // every transaction is either included or rejected, in order
                assertEquals(txs.size(), proposed.included().size() + proposed.rejected().size(), where);
                assertTrue(isSubsequence(proposed.included(), txs), where);
                assertTrue(isSubsequence(proposed.rejected().stream().map(BlockExecutor.Rejected::tx).toList(), txs), where);
                assertEquals(proposed.included().size(), proposed.receipts().size(), where);
                for (int i = 0; i < proposed.included().size(); i++) {
                    assertEquals(proposed.included().get(i).hash(l.suite), proposed.receipts().get(i).txHash(), where);
                }

                // a validator re-executing the proposed block finds nothing to reject and the same result
                BlockExecutor.Execution validated = new BlockExecutor(sc.suite()).execute(l.state.copy(), l.root, l.height, proposed.included(), false);
                assertNull(BlockExecutor.firstRejection(validated), where);
                assertEquals(proposed.included(), validated.included(), where);
                assertEquals(proposed.writeSet(), validated.writeSet(), where);
                assertEquals(proposed.stateRoot(), validated.stateRoot(), where);
                assertEquals(proposed.receipts(), validated.receipts(), where);

                // validating the raw list stops exactly at the first transaction the proposer dropped
                BlockExecutor.Execution strict = l.execute(false, txs);
                assertEquals(BlockExecutor.firstRejection(proposed), BlockExecutor.firstRejection(strict), where);
                if (proposed.rejected().isEmpty()) {
                    assertEquals(proposed.stateRoot(), strict.stateRoot(), where);
                } else {
                    int cut = 0; // everything before the first rejection was included
                    while (cut < proposed.included().size() && proposed.included().get(cut) == txs.get(cut)) {
                        cut++;
                    }
                    assertTrue(proposed.rejected().get(0).tx() == txs.get(cut), where);
                    assertEquals(txs.subList(0, cut), strict.included(), where);
                }

                // nothing is ever included twice, nothing expired is included
                for (Transaction t : proposed.included()) {
                    assertTrue(everIncluded.add(t.hash(l.suite)), where + ": included twice " + t);
                    assertTrue(t.expiryHeight() >= l.height, where + ": expired " + t);
                }
                rejectedSeen += proposed.rejected().size();
                for (BlockExecutor.Receipt rc : proposed.receipts()) {
                    if (rc.ok()) {
                        okReceiptsSeen++;
                    } else {
                        failedReceiptsSeen++;
                    }
                }

                // applying the write set gives what a second replica (fresh copy) gets too
                WorldState replica = l.state.copy();
                replica.apply(validated.writeSet());
                l.apply(proposed);
                assertEquals(dump(l.state), dump(replica), where);
                assertFalse(Registry.validators(l.state).isEmpty(), where + ": validators left");
                assertTrue(Registry.governanceQuorum(l.state) >= 1, where);
            }
        }
        // the generator exercises every path
        assertTrue(rejectedSeen > runs / 2, "rejections: " + rejectedSeen);
        assertTrue(failedReceiptsSeen > runs / 2, "failed receipts: " + failedReceiptsSeen);
        assertTrue(okReceiptsSeen > runs / 2, "ok receipts: " + okReceiptsSeen);
    }
}
