package org.batteryledger.node.runtime;

import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.snapshot.StableCheckpoint;
import org.batteryledger.node.net.PeerNetwork;
import org.batteryledger.node.store.LedgerStore;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers block sync requests from the database, and snapshot requests from the last two stable checkpoints, on its
 * own thread, never the replica's: reading and encoding up to 8 MiB of blocks, or a 1 MiB chunk, would stall consensus.
 * Two requests per peer at a time, a few in all; the rest are dropped (the asker retries with another peer). Responses
 * are chunked by {@link Replica#serveSync} (a count and a byte budget). Two checkpoints are kept so that a joining node
 * has at least one checkpoint interval to fetch one; a chunk of one no longer kept is answered with NO-SNAPSHOT.
 */
final class SyncServer {
    private static final Logger LOG = Logger.getLogger(SyncServer.class.getName());
    static final int MAX_WAITING = 8;
    private static final int SYNC_REQUEST = new PbftMessage.SyncRequest(0, 0).wireCode();
    private static final int SNAPSHOT_REQUEST = new PbftMessage.SnapshotRequest(0).wireCode();
    private static final int CHUNK_REQUEST = new PbftMessage.ChunkRequest(0, 0).wireCode();

    private final ExecutorService executor;
    private final LedgerStore store;
    private final PeerNetwork network;
    private final LongSupplier committedHeight;
    /** Requests waiting or in progress per peer: a joining node's chunk request may cross its own snapshot request. */
    private final Map<NodeId, AtomicInteger> serving = new ConcurrentHashMap<>();
    static final int MAX_PER_PEER = 2;
    private final AtomicLong refused = new AtomicLong();
    /** The checkpoints served, read together: one volatile pair, so a reader never sees a new latest with an old previous. */
    private record Served(StableCheckpoint latest, StableCheckpoint previous) {
        StableCheckpoint at(long height) {
            return latest != null && latest.height() == height ? latest : previous != null && previous.height() == height ? previous : null;
        }
    }

    private volatile Served served = new Served(null, null);

    SyncServer(ManagedThreadFactory threads, LedgerStore store, PeerNetwork network, LongSupplier committedHeight) {
        this.store = store;
        this.network = network;
        this.committedHeight = committedHeight;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING), r -> {
            Thread t = threads.newThread(r);
            t.setName("sync-server");
            return t;
        }, (r, e) -> refused.incrementAndGet());
    }

    /**
     * A frame holding a SYNC-REQUEST (7), SNAPSHOT-REQUEST (11) or CHUNK-REQUEST (13), recognised without decoding the
     * rest.
     */
    static boolean serves(byte[] frame) {
        int code = MessageCodec.wireCode(frame);
        return code == SYNC_REQUEST || code == SNAPSHOT_REQUEST || code == CHUNK_REQUEST;
    }

    /** A checkpoint became stable: served from now on, with the one before it. */
    void stable(StableCheckpoint checkpoint) {
        Served now = served; // only the replica's thread writes
        if (now.latest() == null || checkpoint.height() > now.latest().height()) {
            served = new Served(checkpoint, now.latest());
        }
    }

    void offer(NodeId from, byte[] frame) {
        AtomicInteger mine = serving.computeIfAbsent(from, k -> new AtomicInteger());
        if (mine.incrementAndGet() > MAX_PER_PEER) {
            mine.decrementAndGet();
            refused.incrementAndGet(); // a peer's share: two requests at a time
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    serve(from, frame);
                } finally {
                    mine.decrementAndGet();
                }
            });
        } catch (RuntimeException e) {
            mine.decrementAndGet();
        }
    }

    private void serve(NodeId from, byte[] frame) {
        try {
            PbftMessage m = MessageCodec.decode(frame);
            PbftMessage response = null;
            if (m instanceof PbftMessage.SyncRequest request) {
                response = Replica.serveSync(store::block, committedHeight.getAsLong(), request);
            } else if (m instanceof PbftMessage.SnapshotRequest request) {
                response = Replica.serveSnapshot(served.latest(), store::block, committedHeight.getAsLong(), request);
            } else if (m instanceof PbftMessage.ChunkRequest request) {
                response = Replica.serveChunk(served.at(request.height()), request);
                if (response == null) {
                    // Not (any more) held: a short answer, so the asker turns to others or asks for the newer checkpoint.
                    response = new PbftMessage.NoSnapshot(committedHeight.getAsLong());
                }
            }
            if (response != null) {
                network.send(from, MessageCodec.encode(response));
            }
        } catch (DecodeException e) {
            refused.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not serve a block sync request of " + from.shortId(), e);
        }
    }

    long refused() {
        return refused.get();
    }

    void stop() {
        executor.shutdownNow();
    }
}
