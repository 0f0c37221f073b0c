package org.batteryledger.node.service;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.GovernanceAction;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Proposal;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.ReplicaMetrics;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.runtime.Participation;
import org.batteryledger.node.runtime.ReplicaStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The local facade for operating this node: governance proposals and approvals signed for its agency, the links to
 * its peers, health and metrics.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class NodeAdminService {
    /** Below this a node cannot promise to persist what it acknowledges. */
    public static final long MIN_FREE_BYTES = 512L * 1024 * 1024;

    @EJB
    private NodeRuntime runtime;
    @EJB
    private Participation participation;

    public SubmitResult propose(GovernanceAction action) {
        return runtime.submitAsNode(TxType.GOVERNANCE_PROPOSE, action.encode());
    }

    public SubmitResult approve(Hash proposalId) {
        return runtime.submitAsNode(TxType.GOVERNANCE_APPROVE, new Payloads.Approve(proposalId).encode());
    }

    public List<ProposalView> proposals() {
        return runtime.query(r -> {
            List<ProposalView> out = new ArrayList<>();
            r.state().scan(Tables.PROPOSAL).forEach((id, raw) -> out.add(new ProposalView(id, Proposal.decode(raw))));
            return out;
        });
    }

    public List<LinkStats> links() {
        return runtime.links();
    }

    public NodeHealth health() {
        boolean live = runtime.isRunning();
        long linked = live ? runtime.links().stream().filter(LinkStats::connected).count() : 0;
        // The figures of the last persist: health answers even when the replica's queue is long or it halted.
        ReplicaStatus status = runtime.status();
        long free;
        try {
            free = Files.getFileStore(runtime.directory().data()).getUsableSpace();
        } catch (IOException e) {
            free = -1;
        }
        return new NodeHealth(live, status.validator(), linked, status.quorum(), free, MIN_FREE_BYTES, runtime.haltReason());
    }

    public ConsensusMetrics metrics() {
        long undelivered = runtime.messagesDropped();
        List<LinkStats> links = runtime.links();
        Participation.Shares shares = participation.shares();
        long tickMillis = runtime.tickMillis();
        return runtime.query(r -> {
            ReplicaMetrics m = r.metrics();
            return new ConsensusMetrics(r.committedHeight(), r.view(), r.validators().size(), r.poolSize(), m.blocksCommitted(),
                    m.txsCommitted(), m.viewChangesStarted(), m.equivocationsSeen(), m.droppedTotal(), undelivered,
                    LedgerService.nodes(r, shares, links, runtime.nodeId(), runtime::inboxDropped, tickMillis));
        });
    }

    /** Peer links closed after their handshake (not admitted, revoked, expired) since start. */
    public long linksRefused() {
        return runtime.network().linksRefused();
    }

    /** The replica's drops by reason (a closed set: bounded labels whatever peers send). */
    public java.util.Map<org.batteryledger.core.pbft.Rejection, Long> drops() {
        return runtime.query(r -> new java.util.TreeMap<>(r.metrics().dropped()));
    }

    public NodeDirectory directory() {
        return runtime.directory();
    }
}
