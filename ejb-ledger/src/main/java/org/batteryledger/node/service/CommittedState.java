package org.batteryledger.node.service;

import org.batteryledger.core.state.PointReads;
import org.batteryledger.node.readmodel.StateReadModel;

/**
 * The committed state as {@link PointReads} for the contracts' read-side rules (the battery registry, member
 * profiles, the node registry), answered by the read model.
 */
public final class CommittedState implements PointReads {
    private final StateReadModel readModel;

    public CommittedState(StateReadModel readModel) {
        this.readModel = readModel;
    }

    @Override
    public byte[] get(String table, String key) {
        return readModel.get(table, key).orElse(null);
    }
}
