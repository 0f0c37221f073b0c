package org.batteryledger.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.launcher.client.NodeClient;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link RestLoadGenerator}'s workload: {@code add-agency} proposals, and withdrawals of its own proposals once they
 * are committed, each through the node that took the proposal.
 *
 * <p>Why the mix: the chain bounds each agency's open proposals ({@code maxOpenProposalsPerAgency}, 1,000 in new
 * consortia; a proposal over the bound is refused, or commits with a failed receipt), and no other agency approves the load's, so
 * they would stay open for good. A load of nothing but open proposals was the state-growth attack itself, and made each
 * node's memory after the load grow with the load. So each submission to a node withdraws one of that node's committed
 * proposals when there is one, and proposes otherwise: the open proposals stay about as many as the transactions in
 * flight, however many the run submits. As a node's 202 does not wait for the commit, what is in flight is not bounded
 * by the callers; so when a node has {@code maxOutstanding} of the load's proposals neither failed nor withdrawn, a
 * submission to it waits for one to withdraw (60 s at most) rather than propose another: the load stays under the
 * chain's bound however slow the commits (in an open loop the wait counts in the latency).
 *
 * <p>One thread reads each block from node0 once every node has committed it ({@link CommitWatch#lowestHeight()}) and
 * matches its transactions with what was submitted: it records when each was committed on every node (the watch's time
 * for its block) and whether its receipt failed, and queues each committed proposal for withdrawal by the node that
 * took it. The withdrawal must be signed by a node of the proposer's agency (each node of the measurement consortium
 * is its own agency), and one of a proposal not yet committed would fail (a 404, or a failed receipt "no proposal ...").
 */
final class ProposalMix implements AutoCloseable {
    /** A transaction's submission: its hash (null when refused), whether it was a withdrawal, when it was answered. */
    record Submitted(String hash, boolean withdrawal, long ackNanos) {
    }

    /** An accepted transaction not yet matched with a block: the node that took it; for a withdrawal, the proposal. */
    private record Pending(int node, String withdraws) {
    }

    /** A transaction of a committed block. */
    private record Seen(long height, boolean ok, String error) {
    }

    private final List<NodeClient> nodes;
    private final CommitWatch watch;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Transactions read in a block before (or without) their submission being registered; the thread's own. */
    private final Map<String, Seen> early = new HashMap<>();
    private final Map<String, Long> committedAt = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    /** Per node: the load's committed open proposals, to withdraw through that node. */
    private final List<Queue<String>> toWithdraw = new ArrayList<>();
    /** Per node: the load's proposals committed open and not (yet) withdrawn by a committed withdrawal. */
    private final AtomicIntegerArray open;
    /** Per node: the load's accepted proposals, less those that failed, were withdrawn, or will not be. */
    private final AtomicIntegerArray outstanding;
    private final int maxOutstanding;
    private final AtomicInteger waited = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final AtomicReference<String> firstRefusal = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception lastError;
    private long scanned;

    /** Starts following the blocks above node0's current height. */
    ProposalMix(List<NodeClient> nodes, CommitWatch watch, int maxOutstanding) {
        this.nodes = nodes;
        this.watch = watch;
        this.maxOutstanding = maxOutstanding;
        this.open = new AtomicIntegerArray(nodes.size());
        this.outstanding = new AtomicIntegerArray(nodes.size());
        for (int n = 0; n < nodes.size(); n++) {
            toWithdraw.add(new ConcurrentLinkedQueue<>());
        }
        scanned = nodes.get(0).height();
        if (scanned < 0) {
            throw new IllegalStateException("node0 does not answer GET /chain");
        }
        thread = new Thread(this::follow, "proposal-mix");
        thread.setDaemon(true);
        thread.start();
    }

    /** One transaction through {@code node}: a withdrawal of one of its committed proposals if any, else a new proposal. */
    Submitted send(int node, String proposalName) {
        long deadline = 0;
        while (true) {
            String proposal = toWithdraw.get(node).poll();
            if (proposal != null) {
                return withdraw(node, proposal);
            }
            if (outstanding.get(node) < maxOutstanding) {
                return propose(node, proposalName);
            }
            if (deadline == 0) {
                waited.incrementAndGet();
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            } else if (System.nanoTime() > deadline) {
                return propose(node, proposalName);
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private Submitted propose(int node, String name) {
        String body = "{\"action\":\"add-agency\",\"name\":\"" + name + "\"}";
        String hash = null;
        try {
            hash = accepted(node, null, nodes.get(node).post("admin", "/admin/proposals", body));
            if (hash != null) {
                outstanding.incrementAndGet(node);
            }
        } catch (Exception e) {
            refused(e.toString());
        }
        return new Submitted(hash, false, System.nanoTime());
    }

    /**
     * A refused withdrawal goes back in the queue unless the node said the proposal is not there (404) or not open or
     * not its agency's (409): a full pool (422), an unavailable node (503) or no answer may pass.
     */
    private Submitted withdraw(int node, String proposal) {
        String hash = null;
        boolean retry = true;
        try {
            NodeClient.Reply r = nodes.get(node).call("admin", "DELETE", "/admin/proposals/" + proposal, null);
            hash = accepted(node, proposal, r);
            retry = r.status() != 404 && r.status() != 409;
        } catch (Exception e) {
            refused(e.toString());
        }
        long acked = System.nanoTime();
        if (hash == null && retry) {
            toWithdraw.get(node).add(proposal);
        } else if (hash == null) {
            outstanding.decrementAndGet(node); // gone, or not the load's to withdraw
        }
        return new Submitted(hash, true, acked);
    }

    private String accepted(int node, String withdraws, NodeClient.Reply r) {
        if (r.status() != 202) {
            refused(r.status() + " " + r.detail());
            return null;
        }
        String hash = r.json().path("txHash").asText();
        pending.put(hash, new Pending(node, withdraws));
        return hash;
    }

    private void refused(String why) {
        firstRefusal.compareAndSet(null, why);
    }

    private void follow() {
        while (running) {
            long next = System.nanoTime() + 5_000_000L;
            try {
                readCommittedBlocks();
            } catch (Exception e) {
                lastError = e; // node0 busy or restarting: the next round reads the block again
            }
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    private void readCommittedBlocks() throws Exception {
        long top = watch.lowestHeight();
        for (long h = scanned + 1; h <= top; h++) {
            for (JsonNode tx : nodes.get(0).getJson("/blocks/" + h).path("transactions")) {
                String hash = tx.path("hash").asText();
                Seen seen = new Seen(h, tx.path("ok").asBoolean(true), tx.path("error").asText("failed"));
                Pending p = pending.remove(hash);
                if (p == null) {
                    early.put(hash, seen);
                } else {
                    committed(hash, p, seen);
                }
            }
            scanned = h;
        }
        for (Map.Entry<String, Pending> e : pending.entrySet()) { // registered after its block was read
            Seen seen = early.remove(e.getKey());
            if (seen != null && pending.remove(e.getKey()) != null) {
                committed(e.getKey(), e.getValue(), seen);
            }
        }
    }

    private void committed(String hash, Pending p, Seen seen) {
        if (!seen.ok() || p.withdraws() != null) {
            outstanding.decrementAndGet(p.node()); // a failed proposal, or a withdrawal: the proposal is gone or left for good
        }
        if (!seen.ok()) {
            failed.put(hash, seen.error());
        } else if (p.withdraws() == null) {
            toWithdraw.get(p.node()).add(hash);
            int now = open.incrementAndGet(p.node());
            mostOpen.accumulateAndGet(now, Math::max);
        } else {
            open.decrementAndGet(p.node());
        }
        long t = watch.committedOnAll(seen.height());
        committedAt.put(hash, t < 0 ? System.nanoTime() : t); // last: once it is here, the proposal is in its queue
    }

    /**
     * Waits until every one of {@code hashes} (accepted transactions) is in a block committed on every node, at most
     * 10 minutes, and answers when that was for each.
     */
    Map<String, Long> awaitCommitted(Collection<String> hashes) {
        List<String> left = new ArrayList<>(hashes);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        for (left.removeIf(committedAt::containsKey); !left.isEmpty(); left.removeIf(committedAt::containsKey)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(left.size() + " accepted transactions not committed on every node within 10 minutes"
                        + (lastError == null ? "" : " (last error reading blocks from node0: " + lastError + ")"));
            }
            LockSupport.parkNanos(20_000_000L);
        }
        Map<String, Long> at = new HashMap<>();
        for (String h : hashes) {
            at.put(h, committedAt.get(h));
        }
        return at;
    }

    /**
     * Withdraws the load's proposals still open (unmeasured), each through the node that took it, and waits until the
     * withdrawals are committed, so that the next run on the consortium starts clean. Answers how many were accepted.
     */
    int withdrawTheRest() {
        int withdrawn = 0;
        for (int round = 0; round < 3; round++) {
            List<String> sent = new ArrayList<>();
            for (int n = 0; n < nodes.size(); n++) {
                for (int k = toWithdraw.get(n).size(); k > 0; k--) { // a refusal may put one back: one pass over the queue
                    String proposal = toWithdraw.get(n).poll();
                    if (proposal == null) {
                        break;
                    }
                    Submitted s = withdraw(n, proposal);
                    if (s.hash() != null) {
                        sent.add(s.hash());
                    }
                }
            }
            awaitCommitted(sent);
            withdrawn += sent.size();
            if (toWithdraw.stream().allMatch(Queue::isEmpty)) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
        return withdrawn;
    }

    /** The failed receipt's error of a committed transaction, or null when it did not fail (or is not committed). */
    String failure(String hash) {
        return failed.get(hash);
    }

    /** The load's proposals open now over all nodes, as far as committed blocks tell. */
    int openNow() {
        int sum = 0;
        for (int n = 0; n < open.length(); n++) {
            sum += open.get(n);
        }
        return sum;
    }

    /** The most of the load's proposals open at once through one node since {@link #newPhase()}. */
    int mostOpen() {
        return mostOpen.get();
    }

    /** Starts a phase of the run: {@link #mostOpen()} from what is open now, {@link #waited()} and {@link #firstRefusal()} anew. */
    void newPhase() {
        int most = 0;
        for (int n = 0; n < open.length(); n++) {
            most = Math.max(most, open.get(n));
        }
        mostOpen.set(most);
        firstRefusal.set(null);
        waited.set(0);
    }

    /** How many submissions waited for a proposal to withdraw, the node having {@code maxOutstanding} (see above). */
    int waited() {
        return waited.get();
    }

    /** The first refusal since {@link #newPhase()}: its status and detail (or exception); null when none. */
    String firstRefusal() {
        return firstRefusal.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
