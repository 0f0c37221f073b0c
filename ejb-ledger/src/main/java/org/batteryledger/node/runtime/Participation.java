package org.batteryledger.node.runtime;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.node.store.LedgerStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which nodes signed the recent commit certificates: a node that stopped taking part shows here long before anyone
 * notices (the reference deployment's low-bandwidth nodes). Kept for the last {@value #WINDOW} blocks, filled from the
 * store at start and from each commit after.
 */
@Singleton
@Startup
@DependsOn("NodeRuntime")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Participation {
    static final int WINDOW = 1000;
    /** Blocks in the recent window: a node that stopped taking part shows there long before it does in 1,000. */
    public static final int RECENT_WINDOW = 100;

    @EJB
    private NodeRuntime runtime;
    @EJB
    private LedgerStore store;
    /** Height -> the signers of its certificate; the newest {@value #WINDOW}. */
    private final TreeMap<Long, List<NodeId>> signers = new TreeMap<>();

    /**
     * Each node's share of the last {@code window} commit certificates that carry its seal ({@code window} is at most
     * {@value #WINDOW}, fewer on a young chain), and the same over the last {@value #RECENT_WINDOW}.
     */
    public record Shares(Map<NodeId, Double> overall, int window, Map<NodeId, Double> recent, int recentWindow) {
    }

    /** One slice of the window: blocks {@code fromHeight..toHeight} and each node's share of their seals. */
    public record Bucket(long fromHeight, long toHeight, Map<NodeId, Double> shares) {
    }

    @PostConstruct
    void start() {
        // Listen first, then read what is stored: a commit in between is in one or the other, or both (same height).
        runtime.onCommit((replica, blocks) -> {
            for (Ready.Committed c : blocks) {
                remember(c.block());
            }
        });
        long committed = runtime.committedHeight();
        for (CommittedBlock b : store.blocks(Math.max(1, committed - WINDOW + 1), committed)) {
            remember(b);
        }
    }

    private synchronized void remember(CommittedBlock b) {
        List<NodeId> ids = new ArrayList<>();
        b.certificate().seals().forEach(s -> ids.add(s.nodeId()));
        signers.put(b.block().height(), List.copyOf(ids));
        while (signers.size() > WINDOW) {
            signers.pollFirstEntry();
        }
    }

    public synchronized Shares shares() {
        List<List<NodeId>> window = new ArrayList<>(signers.values());
        int n = window.size();
        List<List<NodeId>> recent = window.subList(n - Math.min(RECENT_WINDOW, n), n);
        return new Shares(shares(window), n, shares(recent), recent.size());
    }

    /** The window cut into {@code buckets} consecutive slices, oldest first (for charts). */
    public synchronized List<Bucket> buckets(int buckets) {
        List<List<NodeId>> window = new ArrayList<>(signers.values());
        int n = window.size();
        long firstHeight = signers.isEmpty() ? 1 : signers.firstKey();
        List<Bucket> out = new ArrayList<>();
        int slices = Math.min(buckets, n);
        for (int b = 0; b < slices; b++) {
            int from = (int) ((long) n * b / slices);
            int to = (int) ((long) n * (b + 1) / slices);
            out.add(new Bucket(firstHeight + from, firstHeight + to - 1, shares(window.subList(from, to))));
        }
        return out;
    }

    /** Each node's share of the certificates in {@code window} (the signers of one certificate per entry). */
    private static Map<NodeId, Double> shares(List<List<NodeId>> window) {
        Map<NodeId, Double> counts = new HashMap<>();
        for (List<NodeId> ids : window) {
            for (NodeId id : ids) {
                counts.merge(id, 1.0, Double::sum);
            }
        }
        int n = Math.max(1, window.size());
        counts.replaceAll((k, v) -> v / n);
        return counts;
    }
}
