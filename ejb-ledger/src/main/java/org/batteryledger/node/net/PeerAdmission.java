package org.batteryledger.node.net;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.core.contract.GovernanceAction;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Proposal;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.ReplicaView;
import org.batteryledger.node.runtime.NodeRuntime;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who may hold a peer link, from the committed registry: active nodes (validators and observers) and nodes named by
 * an open registration proposal (they sync before they join). Revoked node ids and certificate serials (a node's or
 * an agency CA's) are cut at once. Recomputed after every commit and handed to {@link PeerNetwork}.
 */
@Singleton
@Startup
@DependsOn("NodeRuntime")
public class PeerAdmission {
    private static final Logger LOG = Logger.getLogger(PeerAdmission.class.getName());

    @EJB
    private NodeRuntime runtime;

    /** Who is admitted and who is revoked, as of one committed state. */
    public record Admission(Set<NodeId> admitted, Set<NodeId> revokedNodes, Set<BigInteger> revokedSerials) {
        public Admission {
            admitted = Set.copyOf(admitted);
            revokedNodes = Set.copyOf(revokedNodes);
            revokedSerials = Set.copyOf(revokedSerials);
        }

        /**
         * The admission of a committed state (pure: the replica's loop calls it before the peer port opens). Here, not
         * a static method of the bean, which WildFly warns of at every start (WFLYEJB0131).
         */
        public static Admission of(ReplicaView replica) {
            return PeerAdmission.of(replica, new HashSet<>());
        }
    }

    @PostConstruct
    void start() {
        // The runtime applied the recovered registry before its port opened; no commit is persisted before every
        // startup bean is up (WildFly holds other threads' calls until then), so none is missed. Waiting here for the
        // replica's loop would deadlock with exactly that hold.
        runtime.onCommit((replica, blocks) -> {
            Set<String> registrations = openRegistrations;
            if (blocks.stream().anyMatch(b -> touchesAdmission(b, registrations))) {
                apply(replica); // most blocks (anchors, valuations) change nobody's admission: no scan then
            }
        });
    }

    /**
     * Ids of the open proposals to register a node as of the last recompute, whose withdrawal (a delete) changes
     * admission; null until the first recompute here, when any deleted proposal may have been one. Read and written
     * on the replica's loop only.
     */
    private volatile Set<String> openRegistrations;

    /** The tables admission is derived from, besides the registration proposals. */
    private static final Set<String> TABLES = Set.of(Tables.NODE, Tables.REVOKED_NODE, Tables.REVOKED_SERIAL, Tables.REVOKED_CA);

    /**
     * Whether a block may change who is admitted: it writes the registry or a revocation, or a proposal to register a
     * node. Other proposals (agencies, parameters, withdrawals) do not: recomputing for them decoded every proposal in
     * the state at every block, a third of the replica's time under a load of governance transactions (issue 16).
     */
    static boolean touchesAdmission(org.batteryledger.core.pbft.Ready.Committed block, Set<String> openRegistrations) {
        return block.writeSet().entries().stream().anyMatch(e -> TABLES.contains(e.table())
                || Tables.PROPOSAL.equals(e.table()) && (e.isDelete()
                        ? openRegistrations == null || openRegistrations.contains(e.key()) // withdrawn: was it a registration?
                        : registersNode(e.value())));
    }

    private static boolean registersNode(byte[] proposal) {
        return Proposal.decode(proposal).decodedAction() instanceof GovernanceAction.RegisterNode;
    }

    private void apply(ReplicaView replica) {
        try {
            Set<String> registrations = new HashSet<>();
            Admission admission = of(replica, registrations);
            openRegistrations = Set.copyOf(registrations);
            runtime.network().admission(admission);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not apply the registry to the peer links", e);
        }
    }

    /** The admission, and the ids of the open registration proposals into {@code registrations}. */
    static Admission of(ReplicaView replica, Set<String> registrations) {
        Set<NodeId> admitted = new HashSet<>();
        for (NodeRecord n : Registry.activeNodes(replica.state())) {
            admitted.add(n.nodeId());
        }
        replica.state().scan(Tables.PROPOSAL).forEach((id, raw) -> {
            Proposal p = Proposal.decode(raw);
            if (p.status() == Proposal.Status.OPEN && p.decodedAction() instanceof GovernanceAction.RegisterNode r) {
                registrations.add(id);
                if (!Registry.isCaRevoked(replica.state(), r.caHash())) {
                    admitted.add(r.nodeId());
                }
            }
        });
        Set<NodeId> nodes = new HashSet<>();
        replica.state().scan(Tables.REVOKED_NODE).keySet().forEach(id -> nodes.add(new NodeId(id)));
        admitted.removeAll(nodes);
        Set<BigInteger> serials = new HashSet<>();
        replica.state().scan(Tables.REVOKED_SERIAL).keySet().forEach(sn -> serials.add(new BigInteger(sn)));
        return new Admission(admitted, nodes, serials);
    }
}
