package org.batteryledger.core.contract;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;

import java.util.List;
import java.util.TreeSet;

/** A governance proposal in state (table {@code proposal}, keyed by the proposing transaction's hash). */
public record Proposal(byte[] action, String proposerAgency, List<String> approvals, Status status, String outcome, long createdHeight) {
    public enum Status { OPEN, EXECUTED, FAILED }

    public Proposal {
        approvals = List.copyOf(new TreeSet<>(approvals));
    }

    public GovernanceAction decodedAction() {
        return GovernanceAction.decode(action);
    }

    public byte[] encode() {
        return new CanonicalWriter(256).bytes(action).str(proposerAgency).list(approvals, CanonicalWriter::str)
                .u8(status.ordinal()).str(outcome).u64(createdHeight).toByteArray();
    }

    public static Proposal decode(byte[] b) {
        CanonicalReader r = new CanonicalReader(b);
        return new Proposal(r.bytes(64 * 1024), r.str(Limits.MAX_NAME_BYTES), r.list(1000, rr -> rr.str(Limits.MAX_NAME_BYTES)),
                Status.values()[r.u8()], r.str(4096), r.u64());
    }
}
