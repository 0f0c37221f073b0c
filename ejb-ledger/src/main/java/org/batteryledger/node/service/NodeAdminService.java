package org.batteryledger.node.service;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.GovernanceAction;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.contract.Proposal;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.ReplicaMetrics;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.runtime.Participation;
import org.batteryledger.node.runtime.ReplicaStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The local facade for operating this node: governance proposals and approvals signed for its agency, the links to
 * its peers, health and metrics.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class NodeAdminService {
    @EJB
    private NodeRuntime runtime;
    @EJB
    private Participation participation;
    @EJB
    private WriteGate gate;

    public SubmitResult propose(GovernanceAction action) {
        gate.admit();
        return runtime.submitAsNode(TxType.GOVERNANCE_PROPOSE, action.encode());
    }

    public SubmitResult approve(Hash proposalId) {
        gate.admit();
        return runtime.submitAsNode(TxType.GOVERNANCE_APPROVE, new Payloads.Approve(proposalId).encode());
    }

    /** Withdraws an open proposal of this node's agency (GOVERNANCE_WITHDRAW): it leaves the state, and the agency has room for another. */
    public SubmitResult withdraw(Hash proposalId) {
        gate.admit();
        return runtime.submitAsNode(TxType.GOVERNANCE_WITHDRAW, new Payloads.Withdraw(proposalId).encode());
    }

    /**
     * One proposal as of this node's state, with the agency this node signs for (null when it is not registered) and the
     * chain's bound on open proposals (0: none).
     */
    public Optional<ProposalOfAgency> proposal(Hash proposalId) {
        return runtime.query(r -> {
            byte[] raw = r.state().get(Tables.PROPOSAL, proposalId.hex());
            if (raw == null) {
                return Optional.empty();
            }
            NodeRecord self = Registry.node(r.state(), runtime.nodeId());
            return Optional.of(new ProposalOfAgency(new ProposalView(proposalId.hex(), Proposal.decode(raw)), self == null ? null : self.agency(),
                    Params.get(r.state(), Params.MAX_OPEN_PROPOSALS_PER_AGENCY)));
        });
    }

    public record ProposalOfAgency(ProposalView view, String ownAgency, long openBound) {
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
        WriteGate.Look store = gate.last();
        return new NodeHealth(live, status.validator(), linked, status.quorum(), store.freeBytes(), store.floorBytes(), runtime.haltReason(),
                runtime.pauseReason(), store.database(), runtime.joining(), runtime.serverName(), runtime.standby());
    }

    public ConsensusMetrics metrics() {
        long undelivered = runtime.messagesDropped();
        List<LinkStats> links = runtime.links();
        Participation.Shares shares = participation.shares();
        long tickMillis = runtime.tickMillis();
        return runtime.query(r -> {
            ReplicaMetrics m = r.metrics();
            return new ConsensusMetrics(r.committedHeight(), r.view(), r.validators().size(), r.poolSize(), m.blocksCommitted(),
                    m.txsCommitted(), m.proposalsSigned(), m.commitsSigned(), m.viewChangesStarted(), m.equivocationsSeen(), m.droppedTotal(), undelivered,
                    r.stateEntries(), r.state().scan(Tables.TX_EXPIRY).size(), m.signaturesVerified(), m.signaturesVouched(),
                    LedgerService.nodes(r, shares, links, runtime.nodeId(), runtime::inboxDropped, tickMillis));
        });
    }

    /** How long this node's clients waited from acknowledgement to their transaction's block on this node. */
    public org.batteryledger.node.runtime.CommitLatency.Snapshot commitLatency() {
        return runtime.commitLatency();
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
