package org.batteryledger.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.launcher.client.NodeClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A load generator (not a test): submits governance transactions (signed by the node that takes them) through the
 * REST API of a running local consortium, round-robin over its nodes: {@code add-agency} proposals, and withdrawals
 * ({@code DELETE /admin/proposals/{id}}) of its own proposals once they are committed, so that the open proposals stay
 * about as many as the transactions in flight however long the run ({@link ProposalMix} says why). It prints:
 * <ul>
 *   <li>committed transactions per second, from the first submission until the last is in a block on every node, and
 *       how many of them were proposals and how many withdrawals, with any failed receipts;</li>
 *   <li>acknowledgement latency (the 202) and commit latency (until the transaction's block is committed on every
 *       node, seen by {@link CommitWatch}), median, p99 and max;</li>
 *   <li>node CPU per committed transaction, summed over the nodes ({@link NodeCpu}), with the watch's own cost
 *       measured on the idle consortium first;</li>
 *   <li>view changes during the run (the most any node started, from its {@code batteryledger_view_changes_total}), and each
 *   node's RSS at the end (before the clean-up below).</li>
 * </ul>
 * Closed loop ({@code --clients} callers, each submitting as soon as its last call was answered) finds the maximum;
 * {@code --rate} submits open loop at a fixed rate and measures latency from each submission's planned time (no
 * coordinated omission). The warmup submits the same mix; the measured run withdraws the warmup's last proposals.
 * At the end the proposals the run left open are withdrawn too, unmeasured, so successive runs on one consortium
 * start clean (a run killed midway leaves up to its transactions in flight open). Bounded in count and time; loopback only.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RestLoadGenerator \
 *     -Dexec.args="--dir $PWD/consortium.d --transactions 6000 --clients 64"</pre>
 */
@Command(name = "rest-load", mixinStandardHelpOptions = true,
        description = "Governance proposals and their withdrawals through REST; throughput, latency, CPU.")
public final class RestLoadGenerator implements Callable<Integer> {
    /**
     * The load's proposals a node may have neither failed nor withdrawn. The chain's bound is per agency (1,000 in new
     * consortia) and this count per node: 200 keeps an agency of up to five nodes under it (the 7-node layout has four).
     */
    private static final int MAX_OUTSTANDING = 200;
    @Option(names = "--dir", description = "the consortium directory (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("consortium.d");
    @Option(names = "--nodes", description = "nodes node0… to load and watch (default: ${DEFAULT-VALUE})")
    int nodes = 4;
    @Option(names = "--transactions", description = "measured transactions, proposals and withdrawals together (default: ${DEFAULT-VALUE})")
    int total = 6_000;
    @Option(names = "--warmup", description = "transactions (the same mix) submitted and committed before measuring (default: ${DEFAULT-VALUE})")
    int warmup = 2_000;
    @Option(names = "--clients", description = "concurrent callers (default: ${DEFAULT-VALUE})")
    int clients = 64;
    @Option(names = "--rate", description = "open loop: submissions per second in all; 0 for closed loop (default: ${DEFAULT-VALUE})")
    double rate = 0;
    @Option(names = "--poll-millis", description = "how often the commit watch asks each node its height (default: ${DEFAULT-VALUE})")
    long pollMillis = 10;
    @Option(names = "--port-shift", description = "added to every node's HTTP port (default: ${DEFAULT-VALUE})")
    int portShift = 0;

    private List<NodeClient> clientsOf;
    private ProposalMix mix;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RestLoadGenerator()).execute(args));
    }

    /** One submission: planned start, acknowledgement, hash (null when refused), proposal or withdrawal. */
    private record Sent(long plannedNanos, long ackNanos, String hash, boolean withdrawal) {
    }

    @Override
    public Integer call() throws Exception {
        clientsOf = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            clientsOf.add(new NodeClient(8080 + portShift + 100 * n, dir));
        }
        NodeCpu cpu = NodeCpu.of(dir, nodes);
        String run = Long.toString(System.currentTimeMillis(), 36);
        JsonNode bound = clientsOf.get(0).getJson("/chain").path("params").path("maxOpenProposalsPerAgency");
        try (CommitWatch watch = new CommitWatch(clientsOf, pollMillis); ProposalMix proposals = new ProposalMix(clientsOf, watch, MAX_OUTSTANDING)) {
            mix = proposals;
            if (warmup > 0) {
                awaitCommitted(submit(run + "-w", warmup, 0));
            }
            double idlePerSecond = cpu.idlePerSecond(5); // what the watch alone costs the nodes

            mix.newPhase();
            long views0 = watch.viewChanges();
            NodeCommitLatency.Reading latency0 = NodeCommitLatency.read(clientsOf);
            double cpu0 = cpu.seconds();
            long t0 = System.nanoTime();
            List<Sent> sent = submit(run, total, rate);
            long acceptedNanos = System.nanoTime() - t0;
            Map<String, Long> committedAt = awaitCommitted(sent);
            double cpuSeconds = cpu.seconds() - cpu0;
            long lastCommit = committedAt.values().stream().mapToLong(Long::longValue).max().orElse(t0);
            double seconds = (lastCommit - t0) / 1e9;

            List<Long> ack = new ArrayList<>();
            List<Long> commit = new ArrayList<>();
            int withdrawals = 0;
            int failed = 0;
            String firstFailure = null;
            for (Sent s : sent) {
                if (s.hash() != null) {
                    ack.add(s.ackNanos() - s.plannedNanos());
                    commit.add(committedAt.get(s.hash()) - s.plannedNanos());
                    withdrawals += s.withdrawal() ? 1 : 0;
                    String failure = mix.failure(s.hash());
                    if (failure != null && failed++ == 0) {
                        firstFailure = failure;
                    }
                }
            }
            int accepted = ack.size();
            double watchCpu = idlePerSecond * (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%d transactions to %d nodes, %s: %d accepted, %d refused, submitted in %.1f s%n", total, nodes,
                    rate > 0 ? String.format(Locale.ROOT, "open loop at %.0f/s by up to %d callers", rate, clients) : clients + " callers, closed loop",
                    accepted, sent.size() - accepted, acceptedNanos / 1e9);
            if (accepted < sent.size()) {
                System.out.printf(Locale.ROOT, "first refusal: %s%n", mix.firstRefusal());
            }
            System.out.printf(Locale.ROOT, "of the accepted: %d add-agency proposals, %d withdrawals of the load's committed proposals; "
                            + "%d failed receipts%s; the load's open proposals: at most %d through one node (maxOpenProposalsPerAgency: %s)%n",
                    accepted - withdrawals, withdrawals, failed, failed == 0 ? "" : " (first: " + firstFailure + ")", mix.mostOpen(),
                    bound.asLong(0) == 0 ? "not set: no bound, and no withdrawals either" : bound.asText());
            if (mix.waited() > 0) {
                System.out.printf(Locale.ROOT, "%d submissions waited for a proposal to withdraw, their node having %d of the load's proposals outstanding%n",
                        mix.waited(), MAX_OUTSTANDING);
            }
            System.out.printf(Locale.ROOT, "committed on every node: %.0f tx/s (%.1f s from the first submission to the last commit)%n", accepted / seconds, seconds);
            System.out.printf(Locale.ROOT, "acknowledgement latency: %s%n", NodeCpu.percentiles(ack));
            System.out.printf(Locale.ROOT, "commit latency (in a block on every node, watched every %d ms): %s%n", pollMillis, NodeCpu.percentiles(commit));
            System.out.printf(Locale.ROOT, "commit latency as the nodes measure it (from the 202 to the block on the node that took the transaction; "
                    + "histogram buckets): %s%n", NodeCommitLatency.describe(latency0, NodeCommitLatency.read(clientsOf)));
            System.out.printf(Locale.ROOT, "node CPU: %.2f ms per committed transaction over %d nodes (%.1f s in all; the watch alone costs %.2f CPU s/s,"
                            + " %.2f ms per transaction without it)%n", 1000 * cpuSeconds / accepted, nodes, cpuSeconds, idlePerSecond,
                    1000 * (cpuSeconds - watchCpu) / accepted);
            System.out.printf(Locale.ROOT, "view changes: %d; node RSS (MB): %s; machine load average: %s%n", watch.viewChanges() - views0, cpu.rssMegabytes(),
                    java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
            try {
                int withdrawn = mix.withdrawTheRest();
                System.out.printf(Locale.ROOT, "clean-up (not measured): withdrew %d proposals the run left open; %d of the load's proposals still open%n",
                        withdrawn, mix.openNow());
            } catch (IllegalStateException e) {
                System.out.printf(Locale.ROOT, "clean-up (not measured) incomplete: %s; %d of the load's proposals still open%n", e.getMessage(), mix.openNow());
            }
        }
        return 0;
    }

    /** Submits {@code count} transactions of the mix round-robin over the nodes; closed loop when {@code perSecond} is 0. */
    private List<Sent> submit(String run, int count, double perSecond) throws InterruptedException {
        Sent[] sent = new Sent[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        if (perSecond > 0) {
            for (int i = 0; i < count; i++) {
                long planned = start + (long) (i * 1e9 / perSecond);
                LockSupport.parkNanos(planned - System.nanoTime());
                int k = i;
                pool.submit(() -> sent[k] = one(run, k, planned));
            }
        } else {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) {
                        sent[k] = one(run, k, System.nanoTime());
                    }
                });
            }
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("submissions still running after 30 minutes");
        }
        return List.of(sent);
    }

    /**
     * Submission k, to node k mod n: a withdrawal of one of that node's committed proposals when there is one, else a
     * new proposal. The mix exists because the chain bounds each agency's open proposals, and a load of endless open
     * proposals was the state-growth attack itself (each node's memory after the load grew with the load).
     */
    private Sent one(String run, int k, long planned) {
        ProposalMix.Submitted s = mix.send(k % nodes, "load-" + run + "-" + k);
        return new Sent(planned, s.ackNanos(), s.hash(), s.withdrawal());
    }

    /** Waits until every accepted transaction is in a block committed on every node (at most 10 minutes), and answers when that was for each. */
    private Map<String, Long> awaitCommitted(List<Sent> sent) {
        return mix.awaitCommitted(sent.stream().map(Sent::hash).filter(Objects::nonNull).toList());
    }
}
