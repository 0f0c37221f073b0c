package org.batteryledger.core.contract;

import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.core.state.StateView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Read side of the node registry and revocation list. */
public final class Registry {
    private Registry() {
    }

    public static NodeRecord node(PointReads state, NodeId id) {
        byte[] v = state.get(Tables.NODE, id.value());
        return v == null ? null : NodeRecord.decode(v);
    }

    /** Revoked by its node id, or through its agency CA (every node that CA certified is out with it). */
    public static boolean isRevoked(PointReads state, NodeId id) {
        if (state.get(Tables.REVOKED_NODE, id.value()) != null) {
            return true;
        }
        NodeRecord n = node(state, id);
        return n != null && isCaRevoked(state, n.caHash());
    }

    public static boolean isCaRevoked(PointReads state, String caHash) {
        return state.get(Tables.REVOKED_CA, caHash) != null;
    }

    public static boolean isSerialRevoked(StateView state, String serial) {
        return state.get(Tables.REVOKED_SERIAL, serial) != null;
    }

    /** Registered, unrevoked nodes of every role, ordered by index. */
    public static List<NodeRecord> activeNodes(StateView state) {
        List<NodeRecord> out = new ArrayList<>();
        for (byte[] v : state.scan(Tables.NODE).values()) {
            NodeRecord n = NodeRecord.decode(v);
            if (!isRevoked(state, n.nodeId())) {
                out.add(n);
            }
        }
        out.sort(Comparator.comparingLong(NodeRecord::idx));
        return out;
    }

    /** The validators: active consensus nodes ordered by index (the order that rotates the primary). */
    public static List<NodeRecord> validators(StateView state) {
        List<NodeRecord> out = new ArrayList<>();
        for (NodeRecord n : activeNodes(state)) {
            if (n.role() == Role.CONSENSUS) {
                out.add(n);
            }
        }
        return out;
    }

    public static List<String> agencies(StateView state) {
        return new ArrayList<>(state.scan(Tables.AGENCY).keySet());
    }

    public static int governanceQuorum(StateView state) {
        long q = Params.get(state, Params.GOVERNANCE_QUORUM);
        int agencies = state.scan(Tables.AGENCY).size();
        return q == 0 ? agencies / 2 + 1 : (int) Math.min(q, agencies);
    }
}
