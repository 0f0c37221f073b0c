package org.batteryledger.core.sim;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.VoteLogEntry;
import org.batteryledger.core.state.WriteSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** One simulated member: a replica (absent while crashed) and what it persisted ("its disk"). */
final class SimNode {
    final int index;
    final Signer signer;
    final NodeId id;
    final Byzantine byzantine;
    Replica replica;
    final List<CommittedBlock> blocks = new ArrayList<>();
    final List<WriteSet> writes = new ArrayList<>();
    final List<Long> commitTimes = new ArrayList<>();
    final List<VoteLogEntry> voteLog = new ArrayList<>();
    final List<Transaction> acknowledged = new ArrayList<>();
    long upFreeAt;
    long downFreeAt;
    long nonce;
    boolean crashAfterNextPersist;
    boolean crashOnCommitVote;

    private final CryptoSuite suite;
    /** The simulated wall clock, which the replica reads for block timestamps. */
    private final LongSupplier clockMillis;
    /** Immutable, and its block source reads this member's disk: one for every replica it starts. */
    private final Replica.Config config;

    SimNode(int index, CryptoSuite suite, Signer signer, Byzantine byzantine, LongSupplier clockMillis) {
        this.index = index;
        this.suite = suite;
        this.signer = signer;
        this.id = NodeId.of(suite, signer.publicKey());
        this.byzantine = byzantine;
        this.clockMillis = clockMillis;
        this.config = new Replica.Config(suite, signer, clockMillis,
                h -> h >= 1 && h <= blocks.size() ? blocks.get((int) h - 1) : null, 10, 10, 200_000, 4, 64);
    }

    boolean up() {
        return replica != null;
    }

    boolean honest() {
        return byzantine == null;
    }

    /** The same member with these behaviours, its replica kept (a scripted scenario, before the run). */
    SimNode asByzantine(Byzantine behaviours) {
        SimNode b = new SimNode(index, suite, signer, behaviours, clockMillis);
        b.replica = replica;
        return b;
    }

    Replica.Config config() {
        return config;
    }
}
