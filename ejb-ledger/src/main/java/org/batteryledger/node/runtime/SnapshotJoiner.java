package org.batteryledger.node.runtime;

import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.ValidatorSet;
import org.batteryledger.core.snapshot.SnapshotJoin;
import org.batteryledger.node.net.PeerNetwork;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A node fetching the state of the last stable checkpoint from its peers instead of replaying every block to it
 * (node.properties {@code snapshot.join=true}, which {@code ./consortium add-node} writes): a new node, or one that was
 * down while the chain grew. A node that was down takes only a checkpoint at least one interval above its own head
 * (below that, block sync is quicker), a new node any; peers with none that high answer NO-SNAPSHOT. It asks every
 * validator it knows for its latest snapshot; the offers and chunks ({@link SnapshotJoin}) are checked against the
 * validators it trusts (the genesis's), one chunk request in flight per peer that offered the checkpoint. A peer that
 * sends a bad chunk, none in time, or says it no longer holds the checkpoint stops being asked; with nobody left to
 * ask, every validator is asked again (and a newer checkpoint is fetched if that is what they hold).
 *
 * <p>It gives up, and block sync replays the chain from genesis as before, when all but f of those validators answer
 * that they hold no stable checkpoint (a young chain, or nodes restarted since their last one: checkpoints live in
 * memory), when no offer came within {@code snapshot.join.wait.seconds} (30), when no chunk arrived for two minutes,
 * or after ten minutes in all.
 *
 * <p>Runs on the replica's thread before the replica takes any input. The peer links hand it only snapshot data from
 * the validators it asks, at most {@value #MAX_FRAMES_PER_PEER} frames per peer waiting: a peer that floods it loses
 * its own frames.
 */
final class SnapshotJoiner {
    private static final Logger LOG = Logger.getLogger(SnapshotJoiner.class.getName());
    static final int MAX_FRAMES_PER_PEER = 2;
    private static final long ASK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CHUNK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long STALL_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int OFFER = new PbftMessage.SnapshotOffer(null, null, null).wireCode();
    private static final int CHUNK = new PbftMessage.ChunkResponse(null).wireCode();
    private static final int NONE = new PbftMessage.NoSnapshot(0).wireCode();

    private record Frame(NodeId from, byte[] bytes) {
    }

    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Map<NodeId, AtomicInteger> queued = new ConcurrentHashMap<>();
    private volatile Set<NodeId> asked = Set.of();
    private volatile boolean active = true;

    /** A frame holding a SNAPSHOT-OFFER, CHUNK-RESPONSE or NO-SNAPSHOT, recognised without decoding the rest. */
    static boolean isSnapshotData(byte[] frame) {
        int code = MessageCodec.wireCode(frame);
        return code == OFFER || code == CHUNK || code == NONE;
    }

    /** From a peer link: kept while the join runs, from a validator it asks, within that peer's share; else dropped. */
    void offer(NodeId from, byte[] frame) {
        if (!active || !asked.contains(from)) {
            return;
        }
        AtomicInteger n = queued.computeIfAbsent(from, k -> new AtomicInteger());
        if (n.incrementAndGet() > MAX_FRAMES_PER_PEER) {
            n.decrementAndGet();
            return;
        }
        frames.add(new Frame(from, frame));
    }

    /**
     * Runs the join; the state and block it took, or null when it gave up (the reason is logged).
     *
     * @param trusted the validators whose quorum must have signed the checkpoint
     */
    SnapshotJoin.Joined run(PeerNetwork network, CryptoSuite suite, Hash chainId, ValidatorSet trusted, NodeId self, long minHeight,
                            long waitSeconds) throws InterruptedException {
        List<NodeId> peers = new ArrayList<>();
        trusted.members().forEach(n -> {
            if (!n.nodeId().equals(self)) {
                peers.add(n.nodeId());
            }
        });
        asked = Set.copyOf(peers);
        try {
            // Enough peers without a checkpoint that at most f (possibly faulty or down) could still hold one: no wait.
            int enoughNone = Math.max(1, peers.size() - trusted.f());
            return fetch(network, new SnapshotJoin(suite, chainId, trusted.keys(), trusted.quorum()), peers, enoughNone, minHeight,
                    TimeUnit.SECONDS.toNanos(waitSeconds));
        } finally {
            active = false;
            frames.clear();
        }
    }

    private SnapshotJoin.Joined fetch(PeerNetwork network, SnapshotJoin join, List<NodeId> peers, int enoughNone, long minHeight,
                                      long waitNanos) throws InterruptedException {
        long start = System.nanoTime();
        long nextAsk = start;
        long lastChunk = start;
        Set<NodeId> none = new HashSet<>();
        boolean askAgain = false;
        Map<NodeId, long[]> inFlight = new HashMap<>(); // source -> {chunk index, sent at}
        while (true) {
            long now = System.nanoTime();
            if (now - start > MAX_NANOS) {
                LOG.warning("the snapshot join took ten minutes without completing: replaying the chain instead");
                return null;
            }
            if (join.height() < 0 && now - start > waitNanos) {
                LOG.warning(() -> "no peer offered a snapshot certified by a quorum of the trusted validators within "
                        + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s: replaying the chain from genesis instead");
                return null;
            }
            if (join.height() >= 0) {
                if (join.complete()) {
                    return join.result();
                }
                if (now - lastChunk > STALL_NANOS) {
                    LOG.warning(() -> "no chunk of the snapshot of height " + join.height() + " arrived for two minutes: replaying instead");
                    return null;
                }
                for (Map.Entry<NodeId, long[]> e : List.copyOf(inFlight.entrySet())) {
                    if (now - e.getValue()[1] > CHUNK_TIMEOUT_NANOS) {
                        inFlight.remove(e.getKey());
                        join.dropSource(e.getKey());
                    }
                }
                request(network, join, inFlight, now);
            }
            if ((join.height() < 0 || join.sources().isEmpty() || askAgain) && now >= nextAsk) {
                askAgain = false;
                // Nobody (left) to fetch from: ask every validator for its checkpoint, at least the one being fetched.
                byte[] ask = MessageCodec.encode(new PbftMessage.SnapshotRequest(Math.max(minHeight, join.height())));
                List<NodeId> sources = join.sources();
                for (NodeId p : peers) {
                    if (!sources.contains(p)) { // a source is busy with a chunk, and offered this checkpoint already
                        network.send(p, ask);
                    }
                }
                nextAsk = now + ASK_EVERY_NANOS;
            }
            Frame f = frames.poll(100, TimeUnit.MILLISECONDS);
            if (f == null) {
                continue;
            }
            queued.get(f.from()).decrementAndGet();
            PbftMessage m;
            try {
                m = MessageCodec.decode(f.bytes());
            } catch (DecodeException e) {
                LOG.warning(() -> "snapshot data from " + f.from().shortId() + " does not decode: " + e.getMessage());
                continue;
            }
            if (m instanceof PbftMessage.NoSnapshot n) {
                none.add(f.from());
                if (join.height() < 0 && none.size() >= enoughNone) {
                    LOG.info(() -> none.size() + " of " + peers.size() + " validators hold no stable checkpoint from height " + minHeight
                            + " on (the chain is at about " + n.committedHeight() + "): block sync brings the chain instead");
                    return null;
                }
                inFlight.remove(f.from());
                join.dropSource(f.from()); // it no longer holds the checkpoint being fetched
            } else if (m instanceof PbftMessage.SnapshotOffer o && o.certificate().height() < minHeight) {
                LOG.info(() -> "snapshot offer of " + f.from().shortId() + " not taken: height " + o.certificate().height()
                        + " is below " + minHeight + ", where block sync is quicker");
            } else if (m instanceof PbftMessage.SnapshotOffer o) {
                long before = join.height();
                String refused = join.offer(f.from(), o.certificate(), o.block(), o.manifest());
                if (refused != null) {
                    LOG.info(() -> "snapshot offer of " + f.from().shortId() + " not taken: " + refused);
                } else if (join.height() != before) {
                    inFlight.clear();
                    askAgain = true; // ask the others for this one too: more peers to fetch from
                    nextAsk = now;
                    LOG.info(() -> "fetching the snapshot of height " + join.height() + " (" + o.manifest().chunkHashes().size()
                            + " chunks, " + o.manifest().entryCount() + " entries), certified by "
                            + o.certificate().signatures().size() + " validators");
                }
            } else if (m instanceof PbftMessage.ChunkResponse c) {
                long[] wanted = inFlight.get(f.from());
                if (wanted != null && wanted[0] == c.chunk().index()) {
                    inFlight.remove(f.from());
                }
                String refused = join.chunk(c.chunk());
                if (refused != null) {
                    join.dropSource(f.from());
                    LOG.warning(() -> "chunk from " + f.from().shortId() + " refused, not asking it again: " + refused);
                } else {
                    lastChunk = now;
                }
            }
        }
    }

    /** One chunk request in flight per peer that offered the checkpoint, each for a chunk no other peer is asked for. */
    private static void request(PeerNetwork network, SnapshotJoin join, Map<NodeId, long[]> inFlight, long now) {
        List<NodeId> sources = join.sources();
        List<Integer> missing = join.missing(sources.size() + inFlight.size());
        for (NodeId source : sources) {
            if (inFlight.containsKey(source)) {
                continue;
            }
            for (Integer index : missing) {
                if (inFlight.values().stream().noneMatch(f -> f[0] == index)) {
                    network.send(source, MessageCodec.encode(new PbftMessage.ChunkRequest(join.height(), index)));
                    inFlight.put(source, new long[]{index, now});
                    break;
                }
            }
        }
    }
}
