package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.snapshot.StableCheckpoint;
import org.batteryledger.core.state.WriteSet;

import java.util.List;

/**
 * What the replica asks its caller to do after an input, in this order (etcd raft's order):
 * <ol>
 *   <li>persist {@link #votes} (the vote log), {@link #accepted} client transactions (acknowledge a client only
 *       after its transaction is persisted; hand them back to {@link Replica#recover}) and {@link #committed}
 *       blocks with their write sets, durably;</li>
 *   <li>then send {@link #messages};</li>
 *   <li>then apply: notify clients, fill read models, serve {@link #stable} checkpoints to joining nodes (kept in
 *       memory: a node serves snapshots from the checkpoints that became stable since it started).</li>
 * </ol>
 * Sending before persisting could let a crash make the replica sign two different votes for one slot.
 */
public record Ready(List<VoteLogEntry> votes, List<Transaction> accepted, List<Committed> committed, List<Outbound> messages,
                    List<StableCheckpoint> stable) {
    public static final Ready EMPTY = new Ready(List.of(), List.of(), List.of(), List.of(), List.of());

    public Ready {
        votes = List.copyOf(votes);
        accepted = List.copyOf(accepted);
        committed = List.copyOf(committed);
        messages = List.copyOf(messages);
        stable = List.copyOf(stable);
    }

    /** A final block, its certificate, the state changes it made and each transaction's outcome. */
    public record Committed(CommittedBlock block, WriteSet writeSet, List<BlockExecutor.Receipt> receipts) {
        public Committed {
            receipts = List.copyOf(receipts);
        }
    }

    /** One message to one or more peers; the caller encodes it once. */
    public record Outbound(List<NodeId> to, PbftMessage message) {
        public Outbound {
            to = List.copyOf(to);
        }
    }

    public boolean isEmpty() {
        return votes.isEmpty() && accepted.isEmpty() && committed.isEmpty() && messages.isEmpty() && stable.isEmpty();
    }
}
