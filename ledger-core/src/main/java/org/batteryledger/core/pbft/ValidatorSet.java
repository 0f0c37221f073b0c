package org.batteryledger.core.pbft;

import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.crypto.NodeId;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The validators of one height, ordered by registry index: the order that rotates the primary. */
public final class ValidatorSet {
    private final List<NodeRecord> members;
    private final Map<NodeId, byte[]> keys = new LinkedHashMap<>();

    public ValidatorSet(List<NodeRecord> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no validators");
        }
        this.members = List.copyOf(members);
        for (NodeRecord n : members) {
            keys.put(n.nodeId(), n.publicKey());
        }
    }

    public int size() {
        return members.size();
    }

    public int f() {
        return Quorum.f(members.size());
    }

    public int quorum() {
        return Quorum.size(members.size());
    }

    /** The primary of (height, view): {@code (height + view) mod n}. */
    public NodeId primary(long height, int view) {
        return members.get((int) Math.floorMod(height + view, (long) members.size())).nodeId();
    }

    public boolean contains(NodeId id) {
        return keys.containsKey(id);
    }

    public byte[] publicKey(NodeId id) {
        return keys.get(id);
    }

    public Map<NodeId, byte[]> keys() {
        return Collections.unmodifiableMap(keys);
    }

    public List<NodeRecord> members() {
        return members;
    }
}
