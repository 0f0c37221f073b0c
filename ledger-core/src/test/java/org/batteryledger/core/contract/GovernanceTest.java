package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.state.WorldState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.batteryledger.core.contract.Ledger.A;
import static org.batteryledger.core.contract.Ledger.B;
import static org.batteryledger.core.contract.Ledger.C;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GovernanceTest {

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    /** Proposes in one block; the proposer's agency approves by proposing. */
    private static Transaction proposeOk(Ledger l, String sender, GovernanceAction action) {
        Transaction p = l.propose(sender, action);
        BlockExecutor.Receipt r = l.commitOne(p);
        assertNull(r.error(), "proposal refused: " + r.error());
        assertEquals(Proposal.Status.OPEN, l.proposal(p).status());
        return p;
    }

    /** Proposes and approves with a second agency: runs the action under the default 2-of-3 quorum. */
    private static Proposal pass(Ledger l, GovernanceAction action) {
        Transaction p = l.propose("a1", action);
        BlockExecutor.Execution ex = l.commit(p, l.approve("b1", p));
        assertTrue(ex.receipts().stream().allMatch(BlockExecutor.Receipt::ok), ex.receipts().toString());
        return l.proposal(p);
    }

    private static Proposal passOk(Ledger l, GovernanceAction action) {
        Proposal p = pass(l, action);
        assertEquals(Proposal.Status.EXECUTED, p.status(), p.outcome());
        return p;
    }

    /** A proposal the contract refuses at once (dry run): failed receipt, no proposal stored, only the replay index. */
    private static String refused(Ledger l, GovernanceAction action) {
        return refused(l, "a1", action);
    }

    private static String refused(Ledger l, String proposer, GovernanceAction action) {
        Transaction p = l.propose(proposer, action);
        BlockExecutor.Execution ex = l.commit(p);
        assertEquals(List.of(p), ex.included());
        BlockExecutor.Receipt r = ex.receipts().get(0);
        assertFalse(r.ok(), "should be refused: " + action.describe());
        assertNull(l.proposal(p));
        assertEquals(Set.of(Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        return r.error();
    }

    private static void assertContains(String text, String fragment) {
        assertTrue(text != null && text.contains(fragment), "'" + text + "' should contain '" + fragment + "'");
    }

    // --- quorum -------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void proposalNeedsTwoOfThreeAgenciesByDefault(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        assertEquals(2, Registry.governanceQuorum(l.state));
        Transaction p = proposeOk(l, "a1", new GovernanceAction.AddAgency("agency-d"));
        Proposal open = l.proposal(p);
        assertEquals(List.of(A), open.approvals());
        assertEquals(A, open.proposerAgency());
        assertEquals(1, open.createdHeight());
        assertArrayEquals(new GovernanceAction.AddAgency("agency-d").encode(), open.action());
        assertNull(l.state.get(Tables.AGENCY, "agency-d"));

        long approvalHeight = l.height;
        assertTrue(l.commitOne(l.approve("c1", p)).ok());
        Proposal done = l.proposal(p);
        assertEquals(Proposal.Status.EXECUTED, done.status());
        assertEquals(List.of(A, C), done.approvals());
        assertEquals("executed at height " + approvalHeight, done.outcome());
        assertEquals(List.of(A, B, C, "agency-d"), Registry.agencies(l.state));
        // with four agencies a majority is three
        assertEquals(3, Registry.governanceQuorum(l.state));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void secondApprovalFromTheSameAgencyIsRefusedAndChangesOnlyTheReplayIndex(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction p = proposeOk(l, "a1", new GovernanceAction.AddAgency("agency-d"));
        byte[] before = l.state.get(Tables.PROPOSAL, p.hash(l.suite).hex());
        for (String sameAgency : List.of("a2", "a1")) {
            Transaction again = l.approve(sameAgency, p);
            BlockExecutor.Execution ex = l.commit(again);
            assertEquals(List.of(again), ex.included(), "a contract failure is still included");
            BlockExecutor.Receipt r = ex.receipts().get(0);
            assertEquals(again.hash(l.suite), r.txHash());
            assertContains(r.error(), "agency " + A + " already approved proposal");
            assertEquals(Set.of(Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
            assertEquals(2, ex.writeSet().entries().size());
            assertArrayEquals(before, l.state.get(Tables.PROPOSAL, p.hash(l.suite).hex()));
        }
        // an observer of B counts for B
        assertTrue(l.commitOne(l.approve("b2", p)).ok());
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
    }

    @Test
    void approvingAnUnknownOrClosedProposalIsRefused() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(l.commitOne(l.approve("b1", l.hash("nothing"))).error(), "no proposal");
        Transaction p = proposeOk(l, "a1", new GovernanceAction.AddAgency("agency-d"));
        assertTrue(l.commitOne(l.approve("b1", p)).ok());
        assertContains(l.commitOne(l.approve("c1", p)).error(), "is already executed");
    }

    @Test
    void malformedApprovalPayloadIsAFailedReceipt() {
        Ledger l = new Ledger(SuiteCase.sim());
        BlockExecutor.Receipt r = l.commitOne(l.tx("a1", TxType.GOVERNANCE_APPROVE, new byte[] {1, 2, 3}));
        assertContains(r.error(), "truncated: need 32 bytes at offset 0, have 3");
        BlockExecutor.Receipt r2 = l.commitOne(l.tx("a1", TxType.GOVERNANCE_PROPOSE, new byte[] {99}));
        assertContains(r2.error(), "unknown governance action 99");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void quorumParameterOneExecutesProposalsAtOnce(SuiteCase sc) {
        Ledger l = new Ledger(sc, Map.of(Params.GOVERNANCE_QUORUM, 1L));
        assertEquals(1, Registry.governanceQuorum(l.state));
        Transaction p = l.propose("c1", new GovernanceAction.AddAgency("agency-d"));
        assertTrue(l.commitOne(p).ok());
        Proposal done = l.proposal(p);
        assertEquals(Proposal.Status.EXECUTED, done.status());
        assertEquals(List.of(C), done.approvals());
        assertNotNull(l.state.get(Tables.AGENCY, "agency-d"));
    }

    @Test
    void loweringTheQuorumToOneByGovernanceMakesLaterProposalsImmediate() {
        Ledger l = new Ledger(SuiteCase.sim());
        passOk(l, new GovernanceAction.SetParameter(Params.GOVERNANCE_QUORUM, 1));
        assertEquals(1, l.param(Params.GOVERNANCE_QUORUM));
        assertEquals(1, Registry.governanceQuorum(l.state));
        Transaction next = l.propose("c1", new GovernanceAction.AddAgency("agency-d"));
        assertTrue(l.commitOne(next).ok());
        assertEquals(Proposal.Status.EXECUTED, l.proposal(next).status());
        assertNotNull(l.state.get(Tables.AGENCY, "agency-d"));
    }

    @Test
    void quorumAboveTheAgencyCountNeedsEveryAgency() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(Params.GOVERNANCE_QUORUM, 7L));
        assertEquals(3, Registry.governanceQuorum(l.state));
        Transaction p = proposeOk(l, "a1", new GovernanceAction.AddAgency("agency-d"));
        l.commit(l.approve("b1", p));
        assertEquals(Proposal.Status.OPEN, l.proposal(p).status());
        l.commit(l.approve("c1", p));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
    }

    @Test
    void quorumTwoOfThreeExplicitlyBehavesLikeTheMajority() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(Params.GOVERNANCE_QUORUM, 2L));
        Transaction p = proposeOk(l, "b1", new GovernanceAction.AddAgency("agency-d"));
        l.commit(l.approve("a2", p));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
        // the parameter is absolute: a fourth agency does not raise it
        assertEquals(2, Registry.governanceQuorum(l.state));
    }

    // --- RegisterNode -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void registerNodeAssignsTheNextIndexAndTheAdmissionHeight(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        l.commitEmptyUntil(3);
        long admitted = l.height;
        passOk(l, l.register("a3", "node-a3", A, Role.CONSENSUS));
        NodeRecord n = l.node("a3");
        assertNotNull(n);
        assertEquals(5, n.idx());
        assertEquals(admitted, n.blockNumber());
        assertEquals("node-a3", n.name());
        assertEquals(A, n.agency());
        assertEquals(Role.CONSENSUS, n.role());
        assertEquals("ca-" + A, n.caHash());
        assertArrayEquals(l.signer("a3").publicKey(), n.publicKey());
        assertEquals(6, new CanonicalReader(l.state.get(Tables.META, BlockExecutor.NEXT_NODE_INDEX)).u64());

        passOk(l, l.register("c2", "node-c2", C, Role.OBSERVER));
        assertEquals(6, l.node("c2").idx());
        assertEquals(Role.OBSERVER, l.node("c2").role());
        // the new consensus node is last in the validator order, the observer not a validator
        List<NodeRecord> v = Registry.validators(l.state);
        assertEquals(l.id("a3"), v.get(v.size() - 1).nodeId());
        assertFalse(l.validatorIds().contains(l.id("c2")));
        // a registered node may send at once
        assertTrue(l.commitOne(l.anchor("a3", "from-a3", l.hash("from-a3"), 1)).ok());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void validatorSetChangesOnlyOnceTheBlockIsApplied(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Set<NodeId> before = l.validatorIds();
        assertEquals(l.ids("a1", "a2", "b1", "c1"), before);
        Transaction p = l.propose("a1", l.register("a3", "node-a3", A, Role.CONSENSUS));
        Transaction ok = l.approve("b1", p);
        BlockExecutor.Execution ex = l.execute(false, p, ok);
        assertNull(BlockExecutor.firstRejection(ex));
        // executing the block leaves the committed state (the validators of this height) alone
        assertEquals(before, l.validatorIds());
        WorldState after = l.state.copy();
        after.apply(ex.writeSet());
        assertEquals(l.ids("a1", "a2", "b1", "c1", "a3"), Registry.validators(after).stream().map(NodeRecord::nodeId)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        l.apply(ex);
        assertEquals(l.ids("a1", "a2", "b1", "c1", "a3"), l.validatorIds());
    }

    @Test
    void registerNodeRefusesAnIdThatIsNotTheHashOfItsKey() {
        Ledger l = new Ledger(SuiteCase.sim());
        GovernanceAction.RegisterNode lying = new GovernanceAction.RegisterNode(l.id("a3"), "node-a3", A,
                l.signer("other").publicKey(), "ca", Role.CONSENSUS);
        assertContains(refused(l, lying), "does not match its public key");
    }

    @Test
    void registerNodeRefusesAnUnknownAgencyADuplicateIdOrNameAndABlankName() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(refused(l, l.register("a3", "node-a3", "agency-x", Role.CONSENSUS)), "unknown agency agency-x");
        assertContains(refused(l, l.register("b1", "b1-again", B, Role.CONSENSUS)), "is already registered");
        assertContains(refused(l, l.register("a3", "c1", A, Role.OBSERVER)), "a node named c1 is already registered");
        assertContains(refused(l, l.register("a3", "  ", A, Role.OBSERVER)), "needs a name");
        assertNull(l.node("a3"));
        assertEquals(5, new CanonicalReader(l.state.get(Tables.META, BlockExecutor.NEXT_NODE_INDEX)).u64());
    }

    @Test
    void aRevokedNodeCannotBeRegisteredAgain() {
        Ledger l = new Ledger(SuiteCase.sim());
        passOk(l, new GovernanceAction.Revoke(l.id("x9").value(), ""));
        assertContains(refused(l, l.register("x9", "x9", A, Role.OBSERVER)), "revoked and cannot be registered again");
    }

    @Test
    void aNodeNameFreedByRemovalCanBeReused() {
        Ledger l = new Ledger(SuiteCase.sim());
        passOk(l, new GovernanceAction.RemoveNode(l.id("b2")));
        passOk(l, l.register("b3", "b2", B, Role.OBSERVER));
        assertEquals("b2", l.node("b3").name());
        assertEquals(5, l.node("b3").idx());
    }

    // --- RemoveNode, SetRole ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void removeNodeDeletesItFromTheRegistryAndTheValidators(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        passOk(l, new GovernanceAction.RemoveNode(l.id("c1")));
        assertNull(l.node("c1"));
        assertNull(l.state.get(Tables.NODE, l.id("c1").value()));
        assertEquals(l.ids("a1", "a2", "b1"), l.validatorIds());
        // C has no node left, but is still an agency
        assertEquals(List.of(A, B, C), Registry.agencies(l.state));
        assertContains(l.executor.checkEnvelope(l.state, l.height, l.anchor("c1", "x", l.hash("x"), 1)), "not a registered node");
    }

    @Test
    void removeOfAnUnknownNodeIsRefused() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(refused(l, new GovernanceAction.RemoveNode(l.id("nobody"))), "no registered node");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void setRoleDemotesAndPromotes(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        passOk(l, new GovernanceAction.SetRole(l.id("a2"), Role.OBSERVER));
        assertEquals(Role.OBSERVER, l.node("a2").role());
        assertEquals(1, l.node("a2").idx(), "a role change keeps the index");
        assertEquals(l.ids("a1", "b1", "c1"), l.validatorIds());
        passOk(l, new GovernanceAction.SetRole(l.id("b2"), Role.CONSENSUS));
        assertEquals(l.ids("a1", "b1", "b2", "c1"), l.validatorIds());
        assertEquals(List.of(l.id("a1"), l.id("b1"), l.id("b2"), l.id("c1")),
                Registry.validators(l.state).stream().map(NodeRecord::nodeId).toList(), "ordered by index");
    }

    @Test
    void setRoleToTheCurrentRoleOrOfAnUnknownNodeIsRefused() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(refused(l, new GovernanceAction.SetRole(l.id("a1"), Role.CONSENSUS)), "is already consensus");
        assertContains(refused(l, new GovernanceAction.SetRole(l.id("b2"), Role.OBSERVER)), "is already observer");
        assertContains(refused(l, new GovernanceAction.SetRole(l.id("nobody"), Role.OBSERVER)), "no registered node");
    }

    // --- Revoke -------------------------------------------------------------------------------------------------

    // Issue 14: revoking an agency CA removes every node it certified from the validator set (and so from the links),
    // which a serial on the revocation list cannot do: the chain does not know which nodes a serial certified.
    @Test
    void revokingAnAgencyCaRemovesEveryNodeItCertified() {
        Ledger l = new Ledger(SuiteCase.sim());
        passOk(l, new GovernanceAction.RevokeAgencyCa("ca-" + Ledger.A));
        assertTrue(Registry.isRevoked(l.state, l.id("a1")));
        assertTrue(Registry.isRevoked(l.state, l.id("a2")));
        assertEquals(l.ids("b1", "c1"), l.validatorIds());
        assertTrue(Registry.activeNodes(l.state).stream().noneMatch(n -> n.agency().equals(Ledger.A)));
        // a1 is out with its CA: b1 proposes from now on, and a1's own transactions are refused as a revoked sender's
        assertContains(refused(l, "b1", new GovernanceAction.RevokeAgencyCa("ca-" + Ledger.A)), "is already revoked");
        assertContains(refused(l, "b1", new GovernanceAction.RevokeAgencyCa("ca-nobody")), "no registered node was certified by an agency CA with caHash ca-nobody");
        assertEquals(new GovernanceAction.RevokeAgencyCa("ca-x"), GovernanceAction.decode(new GovernanceAction.RevokeAgencyCa("ca-x").encode()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void revokeANodeAndOrASerial(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        long h1 = l.height;
        passOk(l, new GovernanceAction.Revoke(l.id("c1").value(), ""));
        assertTrue(Registry.isRevoked(l.state, l.id("c1")));
        assertEquals(h1, new CanonicalReader(l.state.get(Tables.REVOKED_NODE, l.id("c1").value())).u64());
        assertEquals(l.ids("a1", "a2", "b1"), l.validatorIds());
        assertNotNull(l.node("c1"), "a revoked node stays in the registry, marked");
        assertFalse(Registry.activeNodes(l.state).stream().anyMatch(n -> n.nodeId().equals(l.id("c1"))));

        long h2 = l.height;
        passOk(l, new GovernanceAction.Revoke("", "123456789"));
        assertTrue(Registry.isSerialRevoked(l.state, "123456789"));
        assertEquals(h2, new CanonicalReader(l.state.get(Tables.REVOKED_SERIAL, "123456789")).u64());
        assertFalse(Registry.isSerialRevoked(l.state, "12345678"));

        passOk(l, new GovernanceAction.Revoke(l.id("b2").value(), "42"));
        assertTrue(Registry.isRevoked(l.state, l.id("b2")));
        assertTrue(Registry.isSerialRevoked(l.state, "42"));
    }

    @Test
    void revokeRefusesNothingAnInvalidSerialAMalformedIdOrARepeat() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(refused(l, new GovernanceAction.Revoke("", "")), "names a node id, a certificate serial, or both");
        assertContains(refused(l, new GovernanceAction.Revoke("", "12a")), "decimal number");
        assertContains(refused(l, new GovernanceAction.Revoke("", "-5")), "decimal number");
        assertContains(refused(l, new GovernanceAction.Revoke(l.id("b2").value(), "x")), "decimal number");
        assertFalse(Registry.isRevoked(l.state, l.id("b2")), "a refused revocation revokes nothing");
        assertEquals("a node id is 40 lowercase hex characters, not NOT-A-NODE-ID", refused(l, new GovernanceAction.Revoke("NOT-A-NODE-ID", "")));
        passOk(l, new GovernanceAction.Revoke(l.id("b2").value(), ""));
        assertContains(refused(l, new GovernanceAction.Revoke(l.id("b2").value(), "")), "is already revoked");
    }

    // --- SetParameter, AddAgency --------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void setParameterChangesTheValueInState(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        passOk(l, new GovernanceAction.SetParameter(Params.MAX_BLOCK_TXS, 77));
        assertEquals(77, l.param(Params.MAX_BLOCK_TXS));
        passOk(l, new GovernanceAction.SetParameter(Params.TX_LIFETIME_BLOCKS, 3));
        assertEquals(3, l.param(Params.TX_LIFETIME_BLOCKS));
        // and the new lifetime binds the envelope at the next height
        Transaction far = l.txExpiring("a1", TxType.ANCHOR_BATCH, new Payloads.AnchorBatch("f", l.hash("f"), 1).encode(), l.height + 4);
        assertContains(l.executor.checkEnvelope(l.state, l.height, far), "more than 3 blocks ahead");
    }

    @Test
    void setParameterIsCheckedWithParamsCheck() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(refused(l, new GovernanceAction.SetParameter("bogus", 1)), "unknown parameter bogus");
        assertContains(refused(l, new GovernanceAction.SetParameter(Params.MAX_BLOCK_BYTES, 1000)), "must be between 1024 and");
        assertContains(refused(l, new GovernanceAction.SetParameter(Params.TX_LIFETIME_BLOCKS, 0)), "must be between 1 and");
        assertContains(refused(l, new GovernanceAction.SetParameter(Params.GOVERNANCE_QUORUM, -1)), "must be between 0 and");
        assertEquals(1000, l.param(Params.TX_LIFETIME_BLOCKS));
    }

    @Test
    void addAgencyRefusesADuplicateABlankOrAnOverlongName() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertContains(refused(l, new GovernanceAction.AddAgency(B)), "agency " + B + " exists");
        assertContains(refused(l, new GovernanceAction.AddAgency(" ")), "1 to 64 characters");
        assertContains(refused(l, new GovernanceAction.AddAgency("x".repeat(65))), "1 to 64 characters");
        passOk(l, new GovernanceAction.AddAgency("y".repeat(64)));
    }

    @Test
    void aNodeOfANewAgencyCanBeRegisteredAndItsAgencyApproves() {
        Ledger l = new Ledger(SuiteCase.sim());
        passOk(l, new GovernanceAction.AddAgency("agency-d"));
        Transaction reg = l.propose("a1", l.register("d1", "d1", "agency-d", Role.OBSERVER));
        l.commit(reg, l.approve("b1", reg), l.approve("c1", reg));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(reg).status());
        Transaction p = proposeOk(l, "d1", new GovernanceAction.SetParameter(Params.MAX_BLOCK_TXS, 9));
        assertEquals(List.of("agency-d"), l.proposal(p).approvals());
        l.commit(l.approve("a1", p));
        assertEquals(Proposal.Status.OPEN, l.proposal(p).status(), "3 of 4 needed");
        l.commit(l.approve("c1", p));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p).status());
        assertEquals(9, l.param(Params.MAX_BLOCK_TXS));
    }

    // --- actions that can no longer run ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void actionThatCannotRunAtApprovalEndsFailedWithTheReason(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        Transaction first = proposeOk(l, "a1", new GovernanceAction.AddAgency("agency-d"));
        Transaction second = proposeOk(l, "b1", new GovernanceAction.AddAgency("agency-d"));
        assertTrue(l.commitOne(l.approve("c1", first)).ok());
        assertEquals(Proposal.Status.EXECUTED, l.proposal(first).status());

        // four agencies now: the second proposal needs three approvals
        assertTrue(l.commitOne(l.approve("c1", second)).ok());
        assertEquals(Proposal.Status.OPEN, l.proposal(second).status());
        BlockExecutor.Receipt r = l.commitOne(l.approve("a2", second));
        assertTrue(r.ok(), "the approval itself succeeds");
        Proposal failed = l.proposal(second);
        assertEquals(Proposal.Status.FAILED, failed.status());
        assertEquals("agency agency-d exists", failed.outcome());
        assertEquals(List.of(A, B, C), failed.approvals());
        // and it stays closed
        assertContains(l.commitOne(l.approve("b2", second)).error(), "is already failed");
    }

    @Test
    void registeringTheSameNodeTwiceLeavesTheLaterProposalFailed() {
        Ledger l = new Ledger(SuiteCase.sim());
        Transaction p1 = proposeOk(l, "a1", l.register("a3", "node-a3", A, Role.CONSENSUS));
        Transaction p2 = proposeOk(l, "c1", l.register("a3", "node-a3", A, Role.OBSERVER));
        l.commit(l.approve("b1", p2));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(p2).status());
        l.commit(l.approve("b1", p1));
        assertEquals(Proposal.Status.FAILED, l.proposal(p1).status());
        assertContains(l.proposal(p1).outcome(), "is already registered");
        assertEquals(Role.OBSERVER, l.node("a3").role());
        assertEquals(6, new CanonicalReader(l.state.get(Tables.META, BlockExecutor.NEXT_NODE_INDEX)).u64(),
                "a failed registration consumes no index");
    }

    // --- the last consensus node -------------------------------------------------------------------------------

    private static final List<Ledger.Spec> ONE_VALIDATOR = List.of(
            new Ledger.Spec("a1", A, Role.CONSENSUS),
            new Ledger.Spec("a2", A, Role.OBSERVER),
            new Ledger.Spec("b1", B, Role.OBSERVER),
            new Ledger.Spec("c1", C, Role.OBSERVER));

    private static final List<Ledger.Spec> TWO_VALIDATORS = List.of(
            new Ledger.Spec("a1", A, Role.CONSENSUS),
            new Ledger.Spec("b1", B, Role.CONSENSUS),
            new Ledger.Spec("c1", C, Role.OBSERVER));

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void theLastConsensusNodeCannotBeRemovedDemotedOrRevoked(SuiteCase sc) {
        Ledger l = new Ledger(sc, ONE_VALIDATOR, Map.of());
        String noneLeft = "the chain would have no consensus node left";
        assertEquals(noneLeft, refused(l, new GovernanceAction.RemoveNode(l.id("a1"))));
        assertEquals(noneLeft, refused(l, new GovernanceAction.SetRole(l.id("a1"), Role.OBSERVER)));
        assertEquals(noneLeft, refused(l, new GovernanceAction.Revoke(l.id("a1").value(), "")));
        assertEquals(noneLeft, refused(l, new GovernanceAction.Revoke(l.id("a1").value(), "77")));
        BlockExecutor.Receipt own = l.commitOne(l.revokeOwn("a2", "a1", ""));
        assertEquals(noneLeft, own.error());
        assertEquals(l.ids("a1"), l.validatorIds());
        assertFalse(Registry.isSerialRevoked(l.state, "77"));
        // observers can still go
        passOk(l, new GovernanceAction.RemoveNode(l.id("c1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void twoOpenRemovalsOfTheLastTwoValidatorsLeaveTheSecondFailed(SuiteCase sc) {
        Ledger l = new Ledger(sc, TWO_VALIDATORS, Map.of());
        Transaction removeA = proposeOk(l, "a1", new GovernanceAction.RemoveNode(l.id("a1")));
        Transaction demoteB = proposeOk(l, "b1", new GovernanceAction.SetRole(l.id("b1"), Role.OBSERVER));
        l.commit(l.approve("c1", removeA));
        assertEquals(Proposal.Status.EXECUTED, l.proposal(removeA).status());
        assertEquals(l.ids("b1"), l.validatorIds());
        l.commit(l.approve("c1", demoteB));
        assertEquals(Proposal.Status.FAILED, l.proposal(demoteB).status());
        assertEquals("the chain would have no consensus node left", l.proposal(demoteB).outcome());
        assertEquals(l.ids("b1"), l.validatorIds());
    }

    @Test
    void failedProposalChangesNothingButTheProposalAndTheReplayIndex() {
        Ledger l = new Ledger(SuiteCase.sim(), TWO_VALIDATORS, Map.of());
        Transaction removeA = proposeOk(l, "a1", new GovernanceAction.RemoveNode(l.id("a1")));
        Transaction removeB = proposeOk(l, "b1", new GovernanceAction.RemoveNode(l.id("b1")));
        l.commit(l.approve("c1", removeA));
        BlockExecutor.Execution ex = l.commit(l.approve("c1", removeB));
        assertEquals(Set.of(Tables.PROPOSAL, Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        assertNotNull(l.node("b1"));
        assertEquals(Proposal.Status.FAILED, l.proposal(removeB).status());
    }
}
