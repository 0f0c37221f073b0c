package org.batteryledger.node.runtime;

import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.node.net.PeerNetwork;
import org.batteryledger.node.store.LedgerStore;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers block sync requests from the database on its own thread, never the replica's: reading and encoding up to
 * 8 MiB of blocks would stall consensus. One request per peer at a time, a few in all; the rest are dropped (the
 * asker retries with another peer). Responses are chunked by {@link Replica#serveSync} (a count and a byte budget).
 */
final class SyncServer {
    private static final Logger LOG = Logger.getLogger(SyncServer.class.getName());
    static final int MAX_WAITING = 8;

    private final ExecutorService executor;
    private final LedgerStore store;
    private final PeerNetwork network;
    private final LongSupplier committedHeight;
    private final Set<NodeId> serving = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();

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

    /** A frame holding a SYNC-REQUEST (version, wire code 7), recognised without decoding the rest. */
    static boolean isSyncRequest(byte[] frame) {
        return frame.length >= 2 && frame[0] == MessageCodec.VERSION && frame[1] == new PbftMessage.SyncRequest(0, 0).wireCode();
    }

    void offer(NodeId from, byte[] frame) {
        if (!serving.add(from)) {
            refused.incrementAndGet(); // one request per peer at a time
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    serve(from, frame);
                } finally {
                    serving.remove(from);
                }
            });
        } catch (RuntimeException e) {
            serving.remove(from);
        }
    }

    private void serve(NodeId from, byte[] frame) {
        try {
            if (!(MessageCodec.decode(frame) instanceof PbftMessage.SyncRequest request)) {
                return;
            }
            PbftMessage.SyncResponse response = Replica.serveSync(store::block, committedHeight.getAsLong(), request);
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
