package org.batteryledger.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.launcher.client.NodeClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches every node's committed height and view ({@code GET /chain}) from one thread, every {@code pollMillis}, and
 * remembers when each node was first seen at each height: a transaction in block h is committed on all nodes at the
 * latest of those times. The figure is late by up to one poll (plus the poll's own request), never early. The
 * polls cost the nodes CPU too; the load generators measure that cost on an idle consortium and print it.
 */
final class CommitWatch implements AutoCloseable {
    private final List<NodeClient> nodes;
    private final long pollNanos;
    /** Per node: height -> System.nanoTime() when the node was first seen at or above it. */
    private final List<ConcurrentHashMap<Long, Long>> reached = new ArrayList<>();
    private final long[] height;
    private final long[] firstView;
    private final long[] lastView;
    private final Thread thread;
    private volatile boolean running = true;

    CommitWatch(List<NodeClient> nodes, long pollMillis) {
        this.nodes = nodes;
        this.pollNanos = pollMillis * 1_000_000L;
        this.height = new long[nodes.size()];
        this.firstView = new long[nodes.size()];
        this.lastView = new long[nodes.size()];
        for (int n = 0; n < nodes.size(); n++) {
            reached.add(new ConcurrentHashMap<>());
            JsonNode chain = chain(n);
            height[n] = chain.path("height").asLong();
            firstView[n] = lastView[n] = chain.path("view").asLong();
        }
        thread = new Thread(this::poll, "commit-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private JsonNode chain(int n) {
        JsonNode c = nodes.get(n).getJsonOrNull("/chain");
        if (c == null) {
            throw new IllegalStateException("node " + n + " does not answer GET /chain");
        }
        return c;
    }

    private void poll() {
        while (running) {
            long next = System.nanoTime() + pollNanos;
            for (int n = 0; n < nodes.size(); n++) {
                JsonNode c = nodes.get(n).getJsonOrNull("/chain");
                if (c == null) {
                    continue;
                }
                long now = System.nanoTime();
                long h = c.path("height").asLong();
                for (long k = height[n] + 1; k <= h; k++) {
                    reached.get(n).putIfAbsent(k, now);
                }
                synchronized (this) {
                    height[n] = Math.max(height[n], h);
                    lastView[n] = Math.max(lastView[n], c.path("view").asLong());
                }
            }
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    /** When every node had committed height {@code h} (nanoTime), or -1 when one has not yet. */
    long committedOnAll(long h) {
        long latest = 0;
        for (ConcurrentHashMap<Long, Long> r : reached) {
            Long t = r.get(h);
            if (t == null) {
                return -1;
            }
            latest = Math.max(latest, t);
        }
        return latest;
    }

    /** The lowest committed height over the nodes. */
    synchronized long lowestHeight() {
        long low = Long.MAX_VALUE;
        for (long h : height) {
            low = Math.min(low, h);
        }
        return low;
    }

    /** The view changes seen on any node since the watch began (the most any node went through). */
    synchronized long viewChanges() {
        long most = 0;
        for (int n = 0; n < nodes.size(); n++) {
            most = Math.max(most, lastView[n] - firstView[n]);
        }
        return most;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
