package org.batteryledger.node.service;

import org.batteryledger.core.state.StateView;
import org.batteryledger.node.readmodel.StateReadModel;

import java.util.SortedMap;

/**
 * The committed state as a {@link StateView} for the contracts' read-side rules (the battery registry, member
 * profiles), answered by the read model. Point reads only: a rule that scans a table belongs in the replica.
 */
public final class CommittedState implements StateView {
    private final StateReadModel readModel;

    public CommittedState(StateReadModel readModel) {
        this.readModel = readModel;
    }

    @Override
    public byte[] get(String table, String key) {
        return readModel.get(table, key).orElse(null);
    }

    @Override
    public SortedMap<String, byte[]> scan(String table) {
        throw new UnsupportedOperationException("the read model answers point reads only, not a scan of " + table);
    }
}
