package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.NodeId;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The replica's one queue (Besu's BftProcessor): peers' frames, client calls and timer ticks, drained by the loop
 * thread. Each peer has a share of it, in frames and in bytes (CometBFT's per-peer queues): a peer that floods fills
 * its own share and loses its own frames, never another peer's. At most one tick waits at a time: a loop that is
 * behind does not find a pile of ticks (and a burst of timeouts) when it catches up.
 */
final class Inbox {
    private static final class Share {
        final AtomicLong frames = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
    }

    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Map<NodeId, Share> shares = new ConcurrentHashMap<>();
    private final AtomicBoolean tickWaiting = new AtomicBoolean();
    private final int maxFramesPerPeer;
    private final long maxBytesPerPeer;
    private final AtomicLong dropped = new AtomicLong();

    Inbox(int maxFramesPerPeer, long maxBytesPerPeer) {
        this.maxFramesPerPeer = maxFramesPerPeer;
        this.maxBytesPerPeer = maxBytesPerPeer;
    }

    /** A frame from a peer, within its share; false (and counted) when the share is full. Never blocks. */
    boolean offerFrame(NodeId from, byte[] frame, Consumer<byte[]> handler) {
        Share share = shares.computeIfAbsent(from, k -> new Share());
        if (share.frames.incrementAndGet() > maxFramesPerPeer || share.bytes.addAndGet(frame.length) > maxBytesPerPeer) {
            share.frames.decrementAndGet();
            share.bytes.addAndGet(-frame.length);
            share.dropped.incrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        queue.add(new Frame(share, frame, handler));
        return true;
    }

    /** What the queue holds besides calls: each gives its bookkeeping back when it runs or is discarded. */
    private interface Bookkept extends Runnable {
        void release();
    }

    private record Frame(Share share, byte[] frame, Consumer<byte[]> handler) implements Bookkept {
        @Override
        public void run() {
            release();
            handler.accept(frame);
        }

        @Override
        public void release() {
            share.frames.decrementAndGet();
            share.bytes.addAndGet(-frame.length);
        }
    }

    private final class Tick implements Bookkept {
        private final Runnable tick;

        Tick(Runnable tick) {
            this.tick = tick;
        }

        @Override
        public void run() {
            release();
            tick.run();
        }

        @Override
        public void release() {
            tickWaiting.set(false);
        }
    }

    /** A call from this node (client, timer job): bounded by the callers' own threads, which wait for the answer. */
    void offerCall(Runnable call) {
        queue.add(call);
    }

    /** A timer tick, unless one is waiting already; false when it was coalesced. */
    boolean offerTick(Runnable tick) {
        if (!tickWaiting.compareAndSet(false, true)) {
            return false;
        }
        queue.add(new Tick(tick));
        return true;
    }

    /**
     * Empties the queue without running it (the loop ended): frames and the tick give back their share and flag, as if
     * they had run (else the peer's share stays spent and no tick is ever offered again); calls go to {@code calls},
     * whose callers must be told.
     */
    void discard(Consumer<Runnable> calls) {
        for (Runnable r = queue.poll(); r != null; r = queue.poll()) {
            if (r instanceof Bookkept b) {
                b.release();
            } else {
                calls.accept(r);
            }
        }
    }

    Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    Runnable poll() {
        return queue.poll();
    }

    int size() {
        return queue.size();
    }

    /** Frames dropped because their peer's share was full, in all. */
    long dropped() {
        return dropped.get();
    }

    /** Frames of {@code peer} dropped because its share was full. */
    long dropped(NodeId peer) {
        Share s = shares.get(peer);
        return s == null ? 0 : s.dropped.get();
    }

    /** Frames of {@code peer} waiting now. */
    long queued(NodeId peer) {
        Share s = shares.get(peer);
        return s == null ? 0 : s.frames.get();
    }
}
