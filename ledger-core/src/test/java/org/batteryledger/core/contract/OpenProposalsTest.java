package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.batteryledger.core.contract.Ledger.A;
import static org.batteryledger.core.contract.Ledger.B;
import static org.batteryledger.core.contract.Ledger.C;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each agency's open proposals are bounded once {@code maxOpenProposalsPerAgency} is set, and an agency can withdraw
 * its own; without the parameter a chain executes as before the rule (no count is written), so older chains replay
 * to the same state roots.
 */
class OpenProposalsTest {
    private static final String BOUND = Params.MAX_OPEN_PROPOSALS_PER_AGENCY;
    private int names;

    private Transaction addAgency(Ledger l, String sender) {
        return l.propose(sender, new GovernanceAction.AddAgency("new-" + names++));
    }

    private static Transaction withdraw(Ledger l, String sender, Hash proposalId) {
        return l.tx(sender, TxType.GOVERNANCE_WITHDRAW, new Payloads.Withdraw(proposalId).encode());
    }

    private static String error(Ledger l, Transaction tx) {
        return l.commitOne(tx).error();
    }

    private static void assertContains(String text, String fragment) {
        assertTrue(text != null && text.contains(fragment), "'" + text + "' should contain '" + fragment + "'");
    }

    /** The counts kept in state equal a count of the open proposals in state, agency by agency; none without the bound. */
    private static void assertCountsMatch(Ledger l) {
        if (l.param(BOUND) == 0) {
            assertTrue(l.state.scan(Tables.PROPOSAL_OPEN).isEmpty());
            return;
        }
        Map<String, Long> open = new TreeMap<>();
        for (byte[] raw : l.state.scan(Tables.PROPOSAL).values()) {
            Proposal p = Proposal.decode(raw);
            if (p.status() == Proposal.Status.OPEN) {
                open.merge(p.proposerAgency(), 1L, Long::sum);
            }
        }
        Map<String, Long> kept = new TreeMap<>();
        l.state.scan(Tables.PROPOSAL_OPEN).keySet().forEach(agency -> kept.put(agency, OpenProposals.count(l.state, agency)));
        assertEquals(open, kept);
    }

    @Test
    void withoutTheParameterNothingIsCountedAndNothingIsBounded() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertEquals(0, l.param(BOUND));
        for (int i = 0; i < 20; i++) {
            BlockExecutor.Execution ex = l.commit(addAgency(l, "a1"));
            assertNull(ex.receipts().get(0).error());
            // the same writes as before the rule: the proposal and the replay index, no count
            assertEquals(Set.of(Tables.PROPOSAL, Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        }
        assertEquals(20, l.state.scan(Tables.PROPOSAL).size());
        assertTrue(l.state.scan(Tables.PROPOSAL_OPEN).isEmpty());
    }

    @Test
    void anAgencyAtTheBoundHasItsNextProposalRefusedAndTheOthersDoNot() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 2L));
        Transaction first = addAgency(l, "a1");
        assertNull(error(l, first));
        assertNull(error(l, addAgency(l, "a2"))); // a2 is agency A too: the bound is the agency's, not the node's
        Transaction third = addAgency(l, "a1");
        BlockExecutor.Execution ex = l.commit(third);
        assertContains(ex.receipts().get(0).error(), "agency " + A + " has 2 open proposals");
        assertContains(ex.receipts().get(0).error(), BOUND);
        assertNull(l.proposal(third));
        assertEquals(Set.of(Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        assertNull(error(l, addAgency(l, "b1")));
        assertEquals(2, OpenProposals.count(l.state, A));
        assertEquals(1, OpenProposals.count(l.state, B));
        assertCountsMatch(l);

        // a decided proposal makes room: B's approval executes A's first one
        assertNull(error(l, l.approve("b1", first)));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(first).status());
        assertEquals(1, OpenProposals.count(l.state, A));
        assertNull(error(l, addAgency(l, "a1")));
        assertCountsMatch(l);
    }

    @Test
    void twoProposalsOfOneAgencyInOneBlockAtTheBoundLeaveTheSecondRefused() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 1L));
        Transaction one = addAgency(l, "a1");
        Transaction two = addAgency(l, "a2");
        BlockExecutor.Execution ex = l.commit(one, two);
        assertTrue(ex.receipts().get(0).ok());
        assertContains(ex.receipts().get(1).error(), "has 1 open proposals");
        assertEquals(1, OpenProposals.count(l.state, A));
    }

    @Test
    void anAgencyWithdrawsItsOwnOpenProposalAndHasRoomAgain() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 1L));
        Transaction p = addAgency(l, "a1");
        assertNull(error(l, p));
        Hash id = p.hash(l.suite);
        assertContains(error(l, withdraw(l, "b1", id)), "is agency " + A + "'s: only it can withdraw it");
        assertNotNull(l.proposal(p));

        BlockExecutor.Execution ex = l.commit(withdraw(l, "a2", id)); // any node of the proposer's agency
        assertTrue(ex.receipts().get(0).ok(), ex.receipts().toString());
        assertNull(l.proposal(p));
        assertEquals(0, OpenProposals.count(l.state, A));
        assertTrue(l.state.scan(Tables.PROPOSAL_OPEN).isEmpty(), "no entry for an agency with nothing open");
        assertEquals(Set.of(Tables.PROPOSAL, Tables.PROPOSAL_OPEN, Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));

        assertContains(error(l, withdraw(l, "a1", id)), "no proposal " + id.shortHex());
        assertContains(error(l, l.approve("b1", p)), "no proposal " + id.shortHex());
        assertNull(error(l, addAgency(l, "a1")));
        assertCountsMatch(l);
    }

    @Test
    void aDecidedProposalCannotBeWithdrawn() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 5L));
        Transaction p = addAgency(l, "a1");
        assertNull(error(l, p));
        assertNull(error(l, l.approve("c1", p)));
        assertContains(error(l, withdraw(l, "a1", p.hash(l.suite))), "is already executed");
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
    }

    @Test
    void withoutTheBoundAWithdrawalDeletesTheProposalAndCountsNothing() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction p = addAgency(l, "c1");
        assertNull(error(l, p));
        BlockExecutor.Execution ex = l.commit(withdraw(l, "c1", p.hash(l.suite)));
        assertTrue(ex.receipts().get(0).ok());
        assertNull(l.proposal(p));
        assertEquals(Set.of(Tables.PROPOSAL, Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
    }

    @Test
    void settingTheBoundOnAnOlderChainCountsWhatIsOpenThen() {
        Ledger l = new Ledger(SuiteCase.sim());
        for (int i = 0; i < 3; i++) {
            assertNull(error(l, addAgency(l, "a1")));
        }
        assertNull(error(l, addAgency(l, "b1")));
        // A proposes the bound, C approves: A's count includes the proposal being decided until it is decided
        Transaction set = l.propose("a1", new GovernanceAction.SetParameter(BOUND, 3));
        assertNull(error(l, set));
        assertTrue(l.state.scan(Tables.PROPOSAL_OPEN).isEmpty());
        assertNull(error(l, l.approve("c1", set)));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(set).status(), l.proposal(set).outcome());
        assertEquals(3, l.param(BOUND));
        assertEquals(3, OpenProposals.count(l.state, A));
        assertEquals(1, OpenProposals.count(l.state, B));
        assertCountsMatch(l);
        assertContains(error(l, addAgency(l, "a1")), "has 3 open proposals");
        assertNull(error(l, addAgency(l, "b1")));

        // lowered below what A holds: A proposes again only once under it
        Transaction lower = l.propose("b1", new GovernanceAction.SetParameter(BOUND, 2));
        assertNull(error(l, lower));
        assertNull(error(l, l.approve("c1", lower)));
        assertEquals(2, l.param(BOUND));
        assertCountsMatch(l);
        List<Hash> ofA = new ArrayList<>();
        l.state.scan(Tables.PROPOSAL).forEach((id, raw) -> {
            Proposal p = Proposal.decode(raw);
            if (p.status() == Proposal.Status.OPEN && p.proposerAgency().equals(A)) {
                ofA.add(Hash.fromHex(id));
            }
        });
        assertEquals(3, ofA.size());
        assertNull(error(l, withdraw(l, "a1", ofA.get(0))));
        assertContains(error(l, addAgency(l, "a1")), "has 2 open proposals");
        assertNull(error(l, withdraw(l, "a1", ofA.get(1))));
        assertNull(error(l, addAgency(l, "a1")));
        assertCountsMatch(l);
    }

    @Test
    void theBoundCannotBeUnsetOrNegative() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 4L));
        for (long v : new long[] {0, -1, 100_001}) {
            Transaction p = l.propose("a1", new GovernanceAction.SetParameter(BOUND, v));
            assertContains(error(l, p), BOUND + " must be between 1 and 100000");
        }
        assertFalse(Params.check(BOUND, 1) != null);
    }

    @Test
    void aDecisionThatFailsFreesTheRoomToo() {
        // a quorum of two whatever the agencies: by default a new agency raises the majority
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 2L, Params.GOVERNANCE_QUORUM, 2L));
        Transaction first = l.propose("a1", new GovernanceAction.AddAgency("twice"));
        Transaction second = l.propose("b1", new GovernanceAction.AddAgency("twice"));
        l.commit(first, second);
        assertNull(error(l, l.approve("c1", first)));
        assertNull(error(l, l.approve("c1", second)));
        assertEquals(Proposal.Status.FAILED, l.proposal(second).status(), "agency twice exists by then");
        assertEquals(0, OpenProposals.count(l.state, B));
        assertCountsMatch(l);
    }

    @Test
    void withAQuorumOfOneProposalsAreDecidedAtOnceAndNeverCounted() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(BOUND, 1L, Params.GOVERNANCE_QUORUM, 1L));
        for (int i = 0; i < 3; i++) { // past the bound of one: none stays open, so none takes room
            Transaction p = addAgency(l, "a1");
            assertNull(error(l, p));
            assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
        }
        assertTrue(l.state.scan(Tables.PROPOSAL_OPEN).isEmpty());

        Ledger unbounded = new Ledger(SuiteCase.sim(), Map.of(Params.GOVERNANCE_QUORUM, 1L));
        Transaction set = unbounded.propose("a1", new GovernanceAction.SetParameter(BOUND, 5));
        assertNull(error(unbounded, set));
        assertEquals(5, unbounded.param(BOUND));
        assertTrue(unbounded.state.scan(Tables.PROPOSAL_OPEN).isEmpty(), "the deciding proposal never counted itself");
    }

    /**
     * Seeded: proposals (some of the same new agency, which fail when the second is decided), approvals and
     * withdrawals (mostly by the proposer's agency) by every agency, a quorum of two or of one, the bound from the
     * genesis or set by governance on the way; after every block the counts equal a recount and stay in the bound.
     */
    @ParameterizedTest(name = "bounded from genesis {0}, quorum {1}")
    @CsvSource({"true, 2", "false, 2", "true, 1", "false, 1"})
    void countsMatchTheOpenProposalsWhateverHappens(boolean fromGenesis, long quorum) {
        Map<String, Long> params = new TreeMap<>(Map.of(Params.GOVERNANCE_QUORUM, quorum));
        if (fromGenesis) {
            params.put(BOUND, 3L);
        }
        Ledger l = new Ledger(SuiteCase.sim(), params);
        Random random = new Random(20261206L + quorum);
        String[] senders = {"a1", "a2", "b1", "c1"};
        Map<String, String> agencyOf = Map.of("a1", A, "a2", A, "b1", B, "c1", C);
        List<Hash> ids = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int block = 0; block < 300; block++) {
            List<Transaction> txs = new ArrayList<>();
            if (!fromGenesis && block == 100) {
                Transaction set = l.propose("c1", new GovernanceAction.SetParameter(BOUND, 3));
                txs.add(set);
                if (quorum > 1) {
                    txs.add(l.approve("b1", set));
                }
            }
            for (int i = random.nextInt(4); i >= 0; i--) {
                String sender = senders[random.nextInt(senders.length)];
                int op = random.nextInt(3);
                if (op == 0 || ids.isEmpty()) {
                    // a quarter of them for one of two names new every 20 blocks: two open at once, the second to be
                    // decided fails
                    String name = random.nextInt(4) == 0 ? "taken-" + block / 20 + "-" + random.nextInt(2) : "new-" + names++;
                    Transaction p = l.propose(sender, new GovernanceAction.AddAgency(name));
                    ids.add(p.hash(l.suite));
                    txs.add(p);
                } else {
                    // mostly an open proposal of another agency to approve, or of its own to withdraw; else any
                    Hash id = random.nextInt(5) > 0 ? open(l, agencyOf.get(sender), op == 2, random) : null;
                    id = id != null ? id : ids.get(random.nextInt(ids.size()));
                    txs.add(op == 1 ? l.approve(sender, id) : withdraw(l, sender, id));
                }
            }
            BlockExecutor.Execution ex = l.commit(txs.toArray(Transaction[]::new));
            for (int i = 0; i < ex.receipts().size(); i++) {
                BlockExecutor.Receipt r = ex.receipts().get(i);
                if (r.ok() && ex.included().get(i).type() == TxType.GOVERNANCE_WITHDRAW) {
                    outcomes.merge("withdrawn", 1, Integer::sum);
                }
                outcomes.merge(r.ok() ? "ok" : r.error().replaceAll("[0-9a-f]{8}|[0-9]+|agency-\\w|taken-\\d", "_"), 1, Integer::sum);
            }
            assertCountsMatch(l);
            if (l.param(BOUND) != 0) {
                for (String agency : List.of(A, B, C)) {
                    assertTrue(OpenProposals.count(l.state, agency) <= 3);
                }
            }
        }
        assertEquals(3, l.param(BOUND));
        Map<Proposal.Status, Integer> byStatus = new java.util.EnumMap<>(Proposal.Status.class);
        l.state.scan(Tables.PROPOSAL).values().forEach(raw -> byStatus.merge(Proposal.decode(raw).status(), 1, Integer::sum));
        // what the run went through, so that it cannot pass by doing nothing
        assertTrue(outcomes.getOrDefault("ok", 0) > 150, outcomes.toString());
        assertTrue(byStatus.getOrDefault(Proposal.Status.EXECUTED, 0) > 10, byStatus.toString());
        if (quorum > 1) {
            assertTrue(byStatus.getOrDefault(Proposal.Status.FAILED, 0) > 0, byStatus.toString());
            assertTrue(outcomes.getOrDefault("withdrawn", 0) > 10, outcomes.toString());
            assertTrue(outcomes.keySet().stream().anyMatch(k -> k.contains("open proposals")), "the bound refused some: " + outcomes);
        }
    }

    /** An open proposal of {@code agency} ({@code own}) or of another one, or null when there is none. */
    private static Hash open(Ledger l, String agency, boolean own, Random random) {
        List<String> found = new ArrayList<>();
        l.state.scan(Tables.PROPOSAL).forEach((id, raw) -> {
            Proposal p = Proposal.decode(raw);
            if (p.status() == Proposal.Status.OPEN && p.proposerAgency().equals(agency) == own) {
                found.add(id);
            }
        });
        return found.isEmpty() ? null : Hash.fromHex(found.get(random.nextInt(found.size())));
    }
}
