package org.batteryledger.core.sim;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.ValidatorSet;
import org.batteryledger.core.state.WorldState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Watches a run from outside the replicas (TigerBeetle's state checker):
 * <ul>
 *   <li>agreement — honest replicas commit the same block at every height;</li>
 *   <li>validity — every committed block carries a quorum certificate of the validators of its height, and
 *       only transactions signed by registered senders;</li>
 *   <li>no honest double vote — no honest replica signs two different blocks for one (kind, height, view).</li>
 * </ul>
 * Liveness is judged at the end of the run by {@link Simulation}.
 */
final class Checker {
    private record VoteKey(NodeId sender, int kind, long height, int view) {
    }

    private final CryptoSuite suite;
    private final Hash chainId;
    private final Simulation sim;
    private final List<Hash> canonical = new ArrayList<>();
    private final WorldState reference = new WorldState();
    private final Set<Hash> committedTxs = new HashSet<>();
    private final Map<VoteKey, Hash> votes = new HashMap<>();
    private final List<String> violations = new ArrayList<>();

    Checker(CryptoSuite suite, Genesis genesis, Simulation sim) {
        this.suite = suite;
        this.chainId = genesis.chainId(suite);
        this.sim = sim;
        reference.apply(genesis.initialWrites(suite));
    }

    /**
     * What a faulty member can make an honest replica hold stays within its bounds: messages for later heights within
     * every signer's share, the pool within its capacity.
     */
    void bounds(SimNode n) {
        if (!n.honest() || !n.up()) {
            return;
        }
        int futureBound = n.replica.validators().size() * org.batteryledger.core.pbft.Replica.MAX_FUTURE_MESSAGES_PER_SIGNER;
        if (n.replica.futureBuffered() > futureBound) {
            violation("bound: node" + n.index + " holds " + n.replica.futureBuffered() + " future messages, over " + futureBound);
        }
        if (n.replica.poolSize() > n.config().maxPoolTxs()) {
            violation("bound: node" + n.index + " pools " + n.replica.poolSize() + " transactions, over " + n.config().maxPoolTxs());
        }
    }

    void onCommit(SimNode n, CommittedBlock cb) {
        if (!n.honest()) {
            return;
        }
        long h = cb.block().height();
        Hash hash = cb.block().hash(suite);
        if (h <= canonical.size()) {
            Hash agreed = canonical.get((int) h - 1);
            if (!agreed.equals(hash)) {
                violation("agreement: node" + n.index + " committed " + hash.shortHex() + " at height " + h + ", others " + agreed.shortHex());
            }
            return;
        }
        if (h != canonical.size() + 1) {
            violation("node" + n.index + " committed height " + h + " before height " + (canonical.size() + 1));
            return;
        }
        ValidatorSet validators = new ValidatorSet(Registry.validators(reference));
        String bad = cb.certificate().verify(suite, chainId, validators.keys(), validators.quorum());
        if (bad != null) {
            violation("validity: block " + h + " committed by node" + n.index + " has an invalid certificate: " + bad);
        }
        for (Transaction tx : cb.block().transactions()) {
            NodeRecord sender = Registry.node(reference, tx.sender());
            if (sender == null || !tx.verifySignature(suite, sender.publicKey())) {
                violation("validity: block " + h + " holds a transaction with an invalid signature or sender");
            }
            committedTxs.add(tx.hash(suite));
        }
        canonical.add(hash);
        reference.apply(n.writes.get((int) h - 1));
    }

    void onSend(SimNode n, PbftMessage m) {
        if (m instanceof PbftMessage.PrePrepare pp) {
            vote(n, 1, pp.height(), pp.view(), pp.block().hash(suite));
        } else if (m instanceof PbftMessage.Prepare p) {
            vote(n, 2, p.height(), p.view(), p.blockHash());
        } else if (m instanceof PbftMessage.Commit c) {
            vote(n, 3, c.height(), c.view(), c.blockHash());
        } else if (m instanceof PbftMessage.NewView nv) {
            vote(n, 1, nv.height(), nv.view(), nv.prePrepare().block().hash(suite));
        }
    }

    private void vote(SimNode n, int kind, long height, int view, Hash block) {
        Hash earlier = votes.putIfAbsent(new VoteKey(n.id, kind, height, view), block);
        if (earlier != null && !earlier.equals(block)) {
            violation("double vote: honest node" + n.index + " signed " + (kind == 1 ? "pre-prepare" : kind == 2 ? "prepare" : "commit")
                    + " for " + earlier.shortHex() + " and " + block.shortHex() + " at height " + height + " view " + view);
        }
    }

    private void violation(String v) {
        if (violations.size() < 20) {
            violations.add(v + " (t=" + sim.now / 1000 + " ms)");
        }
    }

    List<String> violations() {
        return violations;
    }

    Set<Hash> committedTxs() {
        return committedTxs;
    }

    int canonicalHeight() {
        return canonical.size();
    }
}
