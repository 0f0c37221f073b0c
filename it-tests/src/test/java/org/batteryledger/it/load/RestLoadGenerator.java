package org.batteryledger.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.launcher.client.NodeClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A load generator (not a test): submits governance transactions (signed by the node that takes them) through the
 * REST API of a running local consortium, spread over its nodes, and prints:
 * <ul>
 *   <li>committed transactions per second, from the first submission until the last is in a block on every node;</li>
 *   <li>acknowledgement latency (the 202) and commit latency (until the transaction's block is committed on every
 *       node, seen by {@link CommitWatch}), median, p99 and max;</li>
 *   <li>node CPU per committed transaction, summed over the nodes ({@link NodeCpu}), with the watch's own cost
 *       measured on the idle consortium first;</li>
 *   <li>view changes during the run, and each node's RSS at the end.</li>
 * </ul>
 * Closed loop ({@code --clients} callers, each submitting as soon as its last call was answered) finds the maximum;
 * {@code --rate} submits open loop at a fixed rate and measures latency from each submission's planned time (no
 * coordinated omission). Bounded in count and time; loopback only.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RestLoadGenerator \
 *     -Dexec.args="--dir $PWD/consortium.d --transactions 6000 --clients 64"</pre>
 */
@Command(name = "rest-load", mixinStandardHelpOptions = true, description = "Governance transactions through REST; throughput, latency, CPU.")
public final class RestLoadGenerator implements Callable<Integer> {
    @Option(names = "--dir", description = "the consortium directory (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("consortium.d");
    @Option(names = "--nodes", description = "nodes node0… to load and watch (default: ${DEFAULT-VALUE})")
    int nodes = 4;
    @Option(names = "--transactions", description = "measured transactions (default: ${DEFAULT-VALUE})")
    int total = 6_000;
    @Option(names = "--warmup", description = "transactions submitted and committed before measuring (default: ${DEFAULT-VALUE})")
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new RestLoadGenerator()).execute(args));
    }

    /** One submission: planned start, acknowledgement, hash (null when refused). */
    private record Sent(long plannedNanos, long ackNanos, String hash) {
    }

    @Override
    public Integer call() throws Exception {
        clientsOf = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            clientsOf.add(new NodeClient(8080 + portShift + 100 * n, dir));
        }
        NodeCpu cpu = NodeCpu.of(dir, nodes);
        String run = Long.toString(System.currentTimeMillis(), 36);
        try (CommitWatch watch = new CommitWatch(clientsOf, pollMillis)) {
            if (warmup > 0) {
                long from = clientsOf.get(0).height();
                awaitCommitted(watch, submit(run + "-w", warmup, 0), from);
            }
            double idlePerSecond = cpu.idlePerSecond(5); // what the watch alone costs the nodes

            long views0 = watch.viewChanges();
            NodeCommitLatency.Reading latency0 = NodeCommitLatency.read(clientsOf);
            double cpu0 = cpu.seconds();
            long from = clientsOf.get(0).height();
            long t0 = System.nanoTime();
            List<Sent> sent = submit(run, total, rate);
            long acceptedNanos = System.nanoTime() - t0;
            Map<String, Long> committedAt = awaitCommitted(watch, sent, from);
            double cpuSeconds = cpu.seconds() - cpu0;
            long lastCommit = committedAt.values().stream().mapToLong(Long::longValue).max().orElse(t0);
            double seconds = (lastCommit - t0) / 1e9;

            List<Long> ack = new ArrayList<>();
            List<Long> commit = new ArrayList<>();
            for (Sent s : sent) {
                if (s.hash() != null) {
                    ack.add(s.ackNanos() - s.plannedNanos());
                    commit.add(committedAt.get(s.hash()) - s.plannedNanos());
                }
            }
            int accepted = ack.size();
            double watchCpu = idlePerSecond * (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%d transactions to %d nodes, %s: %d accepted, %d refused, submitted in %.1f s%n", total, nodes,
                    rate > 0 ? String.format(Locale.ROOT, "open loop at %.0f/s by up to %d callers", rate, clients) : clients + " callers, closed loop",
                    accepted, sent.size() - accepted, acceptedNanos / 1e9);
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
        }
        return 0;
    }

    /** Submits {@code count} add-agency proposals round-robin over the nodes; closed loop when {@code perSecond} is 0. */
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

    private Sent one(String run, int k, long planned) {
        String body = "{\"action\":\"add-agency\",\"name\":\"load-" + run + "-" + k + "\"}";
        try {
            NodeClient.Reply r = clientsOf.get(k % nodes).post("admin", "/admin/proposals", body);
            long acked = System.nanoTime();
            return new Sent(planned, acked, r.status() == 202 ? r.json().path("txHash").asText() : null);
        } catch (Exception e) {
            return new Sent(planned, System.nanoTime(), null);
        }
    }

    /**
     * Waits until every accepted transaction is in a block committed on every node (at most 10 minutes), and answers
     * when that was for each. Blocks above {@code fromHeight} are read from node0 as the heights grow.
     */
    private Map<String, Long> awaitCommitted(CommitWatch watch, List<Sent> sent, long fromHeight) throws Exception {
        Map<String, Long> heightOf = new ConcurrentHashMap<>();
        Map<String, Long> at = new HashMap<>();
        long pending = sent.stream().filter(s -> s.hash() != null).count();
        long scanned = fromHeight;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            long top = watch.lowestHeight();
            for (long h = scanned + 1; h <= top; h++) {
                JsonNode block = clientsOf.get(0).getJson("/blocks/" + h);
                for (JsonNode tx : block.path("transactions")) {
                    heightOf.put(tx.path("hash").asText(), h);
                }
                scanned = h;
            }
            boolean all = true;
            for (Sent s : sent) {
                if (s.hash() == null || at.containsKey(s.hash())) {
                    continue;
                }
                Long h = heightOf.get(s.hash());
                long t = h == null ? -1 : watch.committedOnAll(h);
                if (t < 0) {
                    all = false;
                } else {
                    at.put(s.hash(), t);
                }
            }
            if (all) {
                return at;
            }
            LockSupport.parkNanos(20_000_000L);
        }
        throw new IllegalStateException((pending - at.size()) + " accepted transactions not committed on every node within 10 minutes");
    }
}
