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
 *   <li>persist {@link #votes} (the vote log) durably;</li>
 *   <li>then send {@link #messages};</li>
 *   <li>persist {@link #accepted} client transactions (hand them back to {@link Replica#recover}) and
 *       {@link #committed} blocks with their write sets durably, before step 4 (they may also go with step 1);</li>
 *   <li>then apply: acknowledge clients (only once their transactions are persisted), notify them of commits, fill read
 *       models, serve {@link #stable} checkpoints to joining nodes (kept in memory: a node serves snapshots from the
 *       checkpoints that became stable since it started).</li>
 * </ol>
 * Sending before the votes are persisted could let a crash make the replica sign two different votes for one slot. The
 * committed blocks need not precede the messages: each has a quorum's commit certificate, so a replica that crashed
 * before storing one gets it again by block sync (etcd applies committed entries after sending too). Neither need the
 * accepted transactions: one forwarded but never acknowledged is its client's to submit again.
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
