package org.batteryledger.routes.intake;

import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.records.IntakeService;
import org.batteryledger.node.records.PullCursorEntity;
import org.batteryledger.node.records.RecordStore;

import java.util.List;

/** The node's off-chain store: the intake singleton (one submission at a time) over the record store's JPA. */
public final class NodeOffchainStore implements OffchainStore {
    private final IntakeService intake;
    private final RecordStore records;
    private final WriteGate gate;

    public NodeOffchainStore(IntakeService intake, RecordStore records, WriteGate gate) {
        this.intake = intake;
        this.records = records;
        this.gate = gate;
    }

    @Override
    public List<Outcome> take(Submission submission) {
        return intake.take(submission);
    }

    @Override
    public String position(String partner) {
        return records.cursor(partner).map(PullCursorEntity::position).orElse(null);
    }

    @Override
    public String refusal() {
        return gate.refusal(); // the store's look, or the replica paused: a pulled page would only be refused
    }
}
