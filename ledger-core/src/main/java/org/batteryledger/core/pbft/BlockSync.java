package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.Status;
import org.batteryledger.core.pbft.PbftMessage.SyncRequest;
import org.batteryledger.core.pbft.PbftMessage.SyncResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Catching up: peers announce their committed height (STATUS); a replica that hears of a higher one asks one of them
 * for committed blocks, and applies each only if it carries a commit certificate of the validators at its height and
 * re-executes to its state root. A peer that sends an invalid block gets a strike and is asked last.
 */
final class BlockSync {
    static final int MAX_SYNC_RESPONSE_BYTES = 8 * 1024 * 1024;
    /**
     * Blocks a response holds at most (and {@code Limits.MAX_BLOCKS_PER_SYNC}, what a node decodes). 1,024 small
     * blocks are about as much to apply as the 8 MiB budget allows in large ones; at 256, a catch-up of small blocks
     * spent about half its time on the requests' and persists' fixed costs (BENCHMARKS.md, "Seals checked on a second
     * core"). A node of an earlier version serves 256 at most, whatever is asked.
     */
    static final int MAX_BLOCKS_PER_REQUEST = 1_024;

    private final ReplicaState s;
    private final BlockValidator blocks;
    private final Committer committer;
    private long lastSyncRequestTick = Long.MIN_VALUE / 2;
    private final Map<NodeId, Long> peerCommitted = new HashMap<>();
    /** The committed height each peer last announced in a STATUS, for operators: who lags and by how much. */
    private final Map<NodeId, Long> announcedHeights = new HashMap<>();
    private final Map<NodeId, Integer> syncStrikes = new HashMap<>();
    private long syncRotation;

    BlockSync(ReplicaState s, BlockValidator blocks, Committer committer) {
        this.s = s;
        this.blocks = blocks;
        this.committer = committer;
    }

    Map<NodeId, Long> announcedHeights() {
        return Map.copyOf(announcedHeights);
    }

    /**
     * The highest committed height announced by the validators other than {@code except}, once every one of them has
     * announced one; null before. A height above it by far is one no honest validator reached: reaching it takes a
     * quorum of commits, so at least one honest validator that committed it and announces it.
     */
    Long highestAnnouncedByAllBut(NodeId except) {
        long highest = s.head.height();
        for (NodeId v : s.validatorPeers) {
            if (v.equals(except)) {
                continue;
            }
            Long h = announcedHeights.get(v);
            if (h == null) {
                return null;
            }
            highest = Math.max(highest, h);
        }
        return highest;
    }

    /** Whether f+1 validators announced a committed height of at least {@code height}: at least one honest one did. */
    boolean validatorsReached(long height) {
        int n = 0;
        for (NodeId v : s.validatorPeers) {
            Long h = announcedHeights.get(v);
            if (h != null && h >= height) {
                n++;
            }
        }
        return n >= s.validators.f() + 1;
    }

    void newHeight() {
        peerCommitted.values().removeIf(h -> h < s.height);
        announcedHeights.keySet().retainAll(s.peers);
        syncStrikes.keySet().retainAll(s.peers);
    }

    void onStatus(NodeId from, Status st) {
        if (s.peers.contains(from)) {
            announcedHeights.put(from, st.committedHeight());
        }
        if (st.committedHeight() >= s.height) {
            noteAhead(from, st.committedHeight());
        } else if (st.committedHeight() < s.head.height() && !s.peers.contains(from)) {
            // A node outside the registry (joining) hears from us only when it asks.
            s.send(List.of(from), new Status(s.head.height(), s.headHash));
        }
    }

    void noteAhead(NodeId peer, long committed) {
        peerCommitted.merge(peer, committed, Math::max);
        maybeSync(false);
    }

    /**
     * Asks one peer that claims to be ahead for blocks, rotating among them and preferring those that never sent
     * an invalid block: a lying peer must not be able to keep a node from catching up.
     */
    private void maybeSync(boolean now) {
        if (!now && s.tick - lastSyncRequestTick < s.config.retransmitTicks()) {
            return;
        }
        List<NodeId> ahead = new ArrayList<>();
        int fewestStrikes = Integer.MAX_VALUE;
        for (Map.Entry<NodeId, Long> e : new TreeMap<>(peerCommitted).entrySet()) {
            if (e.getValue() >= s.height) {
                int strikes = syncStrikes.getOrDefault(e.getKey(), 0);
                if (strikes < fewestStrikes) {
                    ahead.clear();
                    fewestStrikes = strikes;
                }
                if (strikes == fewestStrikes) {
                    ahead.add(e.getKey());
                }
            }
        }
        if (!ahead.isEmpty()) {
            requestSync(ahead.get((int) Math.floorMod(syncRotation++, (long) ahead.size())), true);
        }
    }

    void requestSync(NodeId peer, boolean now) {
        if (!now && s.tick - lastSyncRequestTick < s.config.retransmitTicks()) {
            return;
        }
        lastSyncRequestTick = s.tick;
        s.metrics.syncRequestsSent++;
        s.send(List.of(peer), new SyncRequest(s.height, s.config.syncBatchBlocks()));
    }

    /** One of the signers of a final block this replica never saw proposed: it has the block and its certificate. */
    void requestFromOneOf(List<NodeId> signers) {
        requestSync(signers.get((int) Math.floorMod(syncRotation++, (long) signers.size())), false);
    }

    private void syncStrike(NodeId peer, Rejected why) {
        s.reject(peer, why);
        syncStrikes.merge(peer, 1, Integer::sum);
        maybeSync(true);
    }

    /**
     * A certified block this replica did not commit by itself may reveal who lied to it: a validator whose seal is in
     * the certificate but who sent this replica a commit for another block in that view, or the primary of that view
     * who proposed it another block. Both are signed twice for one slot: proof of equivocation.
     */
    private void equivocationsIn(CommitCertificate cert) {
        Slot slot = s.slots.get(cert.view());
        if (slot == null) {
            return;
        }
        for (org.batteryledger.core.chain.CommitSeal seal : cert.seals()) {
            PbftMessage.Commit mine = slot.commits.get(seal.nodeId());
            if (mine != null && !mine.blockHash().equals(cert.blockHash())) {
                s.proven(seal.nodeId(), Rejected.of(Rejection.EQUIVOCATION, seal.nodeId().shortId() + " committed " + cert.blockHash().shortHex()
                        + " and, to this node, " + mine.blockHash().shortHex() + " at height " + cert.height() + " view " + cert.view()));
            }
            PbftMessage.PrePrepare pp = slot.prePrepare;
            if (pp != null && pp.sender().equals(seal.nodeId()) && !pp.block().hash(s.suite).equals(cert.blockHash())) {
                s.proven(seal.nodeId(), Rejected.of(Rejection.EQUIVOCATION, "primary " + seal.nodeId().shortId() + " proposed "
                        + pp.block().hash(s.suite).shortHex() + " to this node and committed " + cert.blockHash().shortHex()
                        + " at height " + cert.height() + " view " + cert.view()));
            }
        }
    }

    /** Serves committed blocks from the block source, up to a count and a byte budget (at least one block). */
    void onSyncRequest(NodeId from, SyncRequest r) {
        if (s.config.blocks() == null) {
            return; // served by the node outside the replica thread
        }
        SyncResponse response = serve(s.config.blocks(), s.head.height(), r);
        if (response != null) {
            s.send(List.of(from), response);
        }
    }

    /** The answer to a sync request from {@code source}, or null when there is nothing to send. */
    static SyncResponse serve(BlockSource source, long committedHeight, SyncRequest r) {
        List<CommittedBlock> out = new ArrayList<>();
        long bytes = 0;
        int max = Math.min(Math.max(r.maxBlocks(), 1), MAX_BLOCKS_PER_REQUEST);
        for (long h = Math.max(1, r.fromHeight()); h <= committedHeight && out.size() < max; h++) {
            CommittedBlock b = source.block(h);
            if (b == null) {
                break;
            }
            bytes += b.block().encodedSize();
            if (!out.isEmpty() && bytes > MAX_SYNC_RESPONSE_BYTES) {
                break;
            }
            out.add(b);
        }
        return out.isEmpty() ? null : new SyncResponse(out);
    }

    /** Each synced block must carry a valid commit certificate of the validators at its height, and re-execute. */
    void onSyncResponse(NodeId from, SyncResponse r) {
        int applied = 0;
        for (CommittedBlock cb : r.blocks()) {
            Block b = cb.block();
            if (b.height() < s.height) {
                continue;
            }
            if (b.height() > s.height) {
                break;
            }
            CommitCertificate cert = cb.certificate();
            Hash h = b.hash(s.suite);
            if (cert.height() != s.height || !cert.blockHash().equals(h)) {
                syncStrike(from, Rejected.of(Rejection.SYNC_CERTIFICATE_MISMATCH, "block " + b.height()));
                return;
            }
            String bad = cert.verify(s.suite, s.chainId, s.validators.keys(), s.validators.quorum(), s.config.checkedSeals());
            if (bad != null) {
                syncStrike(from, Rejected.of(Rejection.SYNC_BAD_CERTIFICATE, bad));
                return;
            }
            Rejected why = blocks.validateCertified(b, h);
            if (why != null) {
                syncStrike(from, why.within("synced block " + b.height()));
                return;
            }
            equivocationsIn(cert);
            syncStrikes.remove(from);
            s.metrics.blocksSynced++;
            committer.commit(b, cert);
            applied++;
        }
        if (applied > 0 && peerCommitted.getOrDefault(from, 0L) >= s.height) {
            requestSync(from, true);
        }
    }
}
