package org.batteryledger.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.launcher.client.NodeClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load generator (not a test) for {@code POST /valuations} (issue 16, goal 3): values distinct batteries of a node's
 * fleet table as its recycler, {@code --clients} at a time (closed loop), and prints the valuations answered per second,
 * the answers by status (201 registered in a block, 202 still on its way, 503 a holder busy, other refusals), latency
 * until the answer (median, p99, max), and node CPU per valuation summed over the nodes ({@link NodeCpu}, with each
 * node's share, and without what the idle nodes use, measured for 5 s before). Each battery is valued at most once per run, so no two valuations supersede the same certificate.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.ValuationLoadGenerator \
 *     -Dexec.args="--dir $PWD/consortium.d --valuations 600 --clients 32"</pre>
 */
@Command(name = "valuation-load", mixinStandardHelpOptions = true, description = "POST /valuations on one node; rate, latency, CPU.")
public final class ValuationLoadGenerator implements Callable<Integer> {
    @Option(names = "--dir", description = "the consortium directory (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("consortium.d");
    @Option(names = "--nodes", description = "nodes node0… whose CPU is counted (default: ${DEFAULT-VALUE})")
    int nodes = 4;
    @Option(names = "--node", description = "the node valuing, by index (default: ${DEFAULT-VALUE}, the recycler's)")
    int node = 2;
    @Option(names = "--user", description = "the caller (default: ${DEFAULT-VALUE})")
    String user = "recycler";
    @Option(names = "--valuations", description = "measured valuations, each of a battery not valued before in this run (default: ${DEFAULT-VALUE})")
    int total = 600;
    @Option(names = "--warmup", description = "valuations one at a time before measuring (default: ${DEFAULT-VALUE})")
    int warmup = 20;
    @Option(names = "--clients", description = "concurrent callers (default: ${DEFAULT-VALUE})")
    int clients = 32;
    @Option(names = "--offset", description = "skip this many of the fleet table's batteries (another run's) (default: ${DEFAULT-VALUE})")
    int offset = 0;
    @Option(names = "--port-shift", description = "added to every node's HTTP port (default: ${DEFAULT-VALUE})")
    int portShift = 0;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ValuationLoadGenerator()).execute(args));
    }

    /** One valuation: its status and how long until the answer. */
    private record Answer(int status, long nanos, String detail) {
    }

    @Override
    public Integer call() throws Exception {
        NodeClient client = new NodeClient(8080 + portShift + 100 * node, dir);
        List<String> codes = codes(client, offset + warmup + total);
        if (codes.size() < offset + warmup + total) {
            throw new IllegalStateException("node" + node + "'s fleet table lists " + codes.size() + " batteries; the run needs "
                    + (offset + warmup + total) + " (--offset + --warmup + --valuations)");
        }
        NodeCpu cpu = NodeCpu.of(dir, nodes);
        for (int i = 0; i < warmup; i++) {
            value(client, codes.get(offset + i));
        }
        List<String> measured = codes.subList(offset + warmup, offset + warmup + total);
        // What the nodes spend with no valuations (anchoring, fleet and lot cycles, partner pulls): 5 s before the run.
        double idlePerSecond = cpu.idlePerSecond(5);
        double[] cpu0 = cpu.secondsEach();
        long height0 = client.height();
        long t0 = System.nanoTime();
        Answer[] answers = new Answer[total];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                for (int k = next.getAndIncrement(); k < total; k = next.getAndIncrement()) {
                    answers[k] = value(client, measured.get(k));
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.MINUTES)) {
            throw new IllegalStateException("valuations still running after 60 minutes");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] cpu1 = cpu.secondsEach();
        long blocks = client.height() - height0;

        Map<Integer, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> refusals = new TreeMap<>();
        List<Long> latency = new ArrayList<>();
        for (Answer a : answers) {
            byStatus.merge(a.status(), 1, Integer::sum);
            latency.add(a.nanos());
            if (a.status() != 201 && a.status() != 202) {
                refusals.merge(a.status() + " " + a.detail().replaceAll("[0-9A-Za-z]{16,}", "…"), 1, Integer::sum);
            }
        }
        int valued = byStatus.getOrDefault(201, 0) + byStatus.getOrDefault(202, 0);
        double cpuSeconds = 0;
        List<String> shares = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            double s = cpu1[n] - cpu0[n];
            cpuSeconds += s;
            shares.add(String.format(Locale.ROOT, "node%d %.1f", n, s));
        }
        System.out.printf(Locale.ROOT, "%d valuations on node%d, %d callers: %d valued (%s) in %.1f s: %.1f valued/s%n", total, node, clients, valued,
                byStatus, seconds, valued / seconds);
        refusals.forEach((why, count) -> System.out.printf(Locale.ROOT, "  %d × %s%n", count, why));
        System.out.printf(Locale.ROOT, "blocks meanwhile: %d (%.1f valuations a block)%n", blocks, blocks == 0 ? 0 : (double) valued / blocks);
        System.out.printf(Locale.ROOT, "latency until the answer: %s%n", NodeCpu.percentiles(latency));
        System.out.printf(Locale.ROOT, "node CPU: %.1f ms per valuation over %d nodes (%.1f s in all: %s); idle, the nodes use %.2f CPU s/s: "
                        + "%.1f ms per valuation without that%n", valued == 0 ? 0 : 1000 * cpuSeconds / valued, nodes, cpuSeconds,
                String.join(", ", shares), idlePerSecond, valued == 0 ? 0 : 1000 * (cpuSeconds - idlePerSecond * seconds) / valued);
        System.out.printf(Locale.ROOT, "node RSS (MB): %s; machine load average: %s%n", cpu.rssMegabytes(), Files.readString(Path.of("/proc/loadavg")).trim());
        return 0;
    }

    /** Battery codes of the node's fleet table, in its order. */
    private List<String> codes(NodeClient client, int wanted) throws Exception {
        List<String> out = new ArrayList<>();
        NodeClient.Reply r = client.get(user, "/batteries?limit=" + Math.min(Math.max(wanted, 1), 1000));
        if (r.status() != 200) {
            throw new IllegalStateException("GET /batteries answered " + r.status() + ": " + r.detail());
        }
        for (JsonNode b : r.json()) {
            out.add(b.path("batteryCode").asText());
        }
        return out;
    }

    private Answer value(NodeClient client, String code) {
        long t = System.nanoTime();
        try {
            NodeClient.Reply r = client.post(user, "/valuations", "{\"batteryCode\":\"" + code + "\"}");
            return new Answer(r.status(), System.nanoTime() - t, r.status() >= 300 ? r.detail() : "");
        } catch (Exception e) {
            return new Answer(-1, System.nanoTime() - t, e.toString());
        }
    }
}
