package org.batteryledger.node.net;

import org.batteryledger.core.contract.GovernanceAction;
import org.batteryledger.core.contract.Proposal;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.state.WriteSet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which committed blocks make the node recompute who may hold a peer link. */
class PeerAdmissionTest {
    private static final NodeId NODE = new NodeId("ab".repeat(20));

    private static Ready.Committed writing(WriteSet.Entry... entries) {
        return new Ready.Committed(null, new WriteSet(List.of(entries)), List.of());
    }

    private static byte[] proposal(GovernanceAction action) {
        return new Proposal(action.encode(), "agency-a", List.of("agency-a"), Proposal.Status.OPEN, "", 7).encode();
    }

    @Test
    void aProposalToRegisterANodeOrTheRegistryOrARevocationTouchesAdmission() {
        assertTrue(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.PROPOSAL, "p1",
                proposal(new GovernanceAction.RegisterNode(NODE, "node9", "agency-a", new byte[]{1}, "", Role.CONSENSUS)))), Set.of()));
        assertTrue(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.NODE, NODE.value(), new byte[]{1})), Set.of()));
        assertTrue(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.REVOKED_SERIAL, "12", new byte[]{1})), Set.of()));
        assertTrue(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.PROPOSAL, "p1", null)), Set.of("p1")),
                "a withdrawn registration proposal");
        assertTrue(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.PROPOSAL, "p1", null)), null),
                "before the first recompute, a removed proposal may have been a registration");
    }

    @Test
    void aWithdrawnProposalOfAnotherKindDoesNot() {
        // the load's withdrawals come at every block: a scan of every proposal for each would be issue 16's cost again
        assertFalse(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.PROPOSAL, "p2", null)), Set.of("p1")));
    }

    @Test
    void otherProposalsAndOtherTablesDoNot() {
        assertFalse(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry(Tables.PROPOSAL, "p2", proposal(new GovernanceAction.AddAgency("agency-z")))), Set.of()));
        assertFalse(PeerAdmission.touchesAdmission(writing(new WriteSet.Entry("anchor", "k", new byte[]{1})), Set.of()));
    }
}
