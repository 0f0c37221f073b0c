package org.batteryledger.node.runtime;

import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.ReplicaView;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The replica's figures after a persist, immutable: health, status and {@code GET /chain} read them without waiting
 * for the loop (a dashboard polling the chain used to cost the replica a turn of its loop per request).
 */
public record ReplicaStatus(long committedHeight, int view, NodeId primary, boolean validator, int validators, int quorum, int poolSize,
                            int futureBuffered, Hash headHash, Hash chainId, List<NodeId> validatorIds, int f, SortedMap<String, Long> params) {
    static ReplicaStatus of(ReplicaView r, ReplicaStatus previous) {
        List<NodeId> ids;
        SortedMap<String, Long> params;
        if (previous != null && previous.committedHeight == r.committedHeight() && previous.view == r.view()) {
            ids = previous.validatorIds; // the validators and parameters change only with a commit (or a new view)
            params = previous.params;
        } else {
            List<NodeId> v = new ArrayList<>();
            r.validators().members().forEach(n -> v.add(n.nodeId()));
            ids = List.copyOf(v);
            TreeMap<String, Long> p = new TreeMap<>();
            for (String name : Params.defaults().keySet()) {
                p.put(name, Params.get(r.state(), name));
            }
            params = Collections.unmodifiableSortedMap(p);
        }
        return new ReplicaStatus(r.committedHeight(), r.view(), r.primary(), r.isValidator(), r.validators().size(), r.validators().quorum(),
                r.poolSize(), r.futureBuffered(), r.headHash(), r.chainId(), ids, r.validators().f(), params);
    }
}
