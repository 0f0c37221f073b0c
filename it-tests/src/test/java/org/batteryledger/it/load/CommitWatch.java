package org.batteryledger.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.launcher.client.NodeClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches every node's committed height ({@code GET /chain}) from one thread, every {@code pollMillis}, and
 * remembers when each node was first seen at each height: a transaction in block h is committed on all nodes at the
 * latest of those times. The figure is late by up to one poll (plus the poll's own request), never early. The
 * polls cost the nodes CPU too; the load generators measure that cost on an idle consortium and print it. View changes
 * are counted by the nodes themselves ({@code batteryledger_view_changes_total}): a poll of the view saw only those
 * whose height was still undecided at the moment of the poll, and views start again at 0 at each height.
 */
final class CommitWatch implements AutoCloseable {
    private static final String VIEW_CHANGES = "batteryledger_view_changes_total";
    private final List<NodeClient> nodes;
    private final long pollNanos;
    /** Per node: height -> System.nanoTime() when the node was first seen at or above it. */
    private final List<ConcurrentHashMap<Long, Long>> reached = new ArrayList<>();
    private final long[] height;
    /** Per node: view changes it had started when the watch began. */
    private final long[] viewChangesAtStart;
    private final Thread thread;
    private volatile boolean running = true;

    CommitWatch(List<NodeClient> nodes, long pollMillis) {
        this.nodes = nodes;
        this.pollNanos = pollMillis * 1_000_000L;
        this.height = new long[nodes.size()];
        this.viewChangesAtStart = new long[nodes.size()];
        for (int n = 0; n < nodes.size(); n++) {
            reached.add(new ConcurrentHashMap<>());
            height[n] = chain(n).path("height").asLong();
            viewChangesAtStart[n] = viewChangesStarted(n);
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

    /** The view changes since the watch began: the most any node started (a node that does not answer counts none). */
    long viewChanges() {
        long most = 0;
        for (int n = 0; n < nodes.size(); n++) {
            long now = viewChangesStarted(n);
            if (now >= 0) {
                most = Math.max(most, now - viewChangesAtStart[n]);
            }
        }
        return most;
    }

    /** The node's {@code batteryledger_view_changes_total}, or -1 when it does not answer. */
    private long viewChangesStarted(int n) {
        try {
            NodeClient.Reply r = nodes.get(n).get("auditor", "/metrics");
            if (r.status() != 200) {
                return -1;
            }
            return org.batteryledger.it.Metrics.value(r.body(), VIEW_CHANGES); // an AssertionError when it has none
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
