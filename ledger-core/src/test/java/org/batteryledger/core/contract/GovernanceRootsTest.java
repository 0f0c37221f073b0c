package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A chain of governance written without {@code maxOpenProposalsPerAgency} (every chain from before that rule) must
 * execute to the state roots it had then: the root below was computed by the build before the rule (5aed225), so a
 * change that writes anything new on such a chain fails here.
 */
class GovernanceRootsTest {
    static final String ROOT_BEFORE_THE_RULE = "b064386cc6caf3b179db945bb22b37958ba54dc20f42a2bc7dcf376d72f6ab9d";

    /** Seeded: proposals (some decided, some failing when decided, most left open) and approvals over 120 blocks. */
    static String rootOfASeededGovernanceChain() {
        Ledger l = new Ledger(SuiteCase.sim(), Map.of(Params.GOVERNANCE_QUORUM, 2L));
        Random random = new Random(5_000_001L);
        String[] senders = {"a1", "a2", "b1", "c1"};
        List<Transaction> proposals = new ArrayList<>();
        for (int block = 0; block < 120; block++) {
            List<Transaction> txs = new ArrayList<>();
            for (int i = random.nextInt(5); i >= 0; i--) {
                String sender = senders[random.nextInt(senders.length)];
                if (proposals.isEmpty() || random.nextInt(3) > 0) {
                    GovernanceAction action = random.nextInt(4) == 0
                            ? new GovernanceAction.SetParameter(Params.MAX_BLOCK_TXS, 1000 + random.nextInt(3))
                            : new GovernanceAction.AddAgency("new-" + random.nextInt(40));
                    Transaction p = l.propose(sender, action);
                    proposals.add(p);
                    txs.add(p);
                } else {
                    txs.add(l.approve(sender, proposals.get(random.nextInt(proposals.size()))));
                }
            }
            l.commit(txs.toArray(Transaction[]::new));
        }
        Map<Proposal.Status, Integer> byStatus = new java.util.EnumMap<>(Proposal.Status.class);
        l.state.scan(Tables.PROPOSAL).values().forEach(raw -> byStatus.merge(Proposal.decode(raw).status(), 1, Integer::sum));
        assertEquals(java.util.Set.of(Proposal.Status.values()), byStatus.keySet(), "open, executed and failed proposals: " + byStatus);
        return l.root.hex();
    }

    @Test
    void aChainWithoutTheBoundExecutesToTheRootsOfTheBuildBeforeIt() {
        assertEquals(ROOT_BEFORE_THE_RULE, rootOfASeededGovernanceChain());
    }
}
