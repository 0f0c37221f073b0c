package org.batteryledger.it.load;

import org.batteryledger.it.Jsonp;
import org.awaitility.Awaitility;
import org.batteryledger.launcher.client.NodeClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load generator (not a test): pushes battery records and sessions to one node of a running local consortium
 * over REST, in submissions of a given size, then waits until the last record has a proof. Reports records/s from
 * the first push to the last anchored proof, the chain bytes (blocks with certificates) per anchored record, and the
 * CPU the node JVMs used per record ({@link NodeCpu}: all nodes, and the node pushed to), with the machine's load.
 * Seeded; bounded in count and time; loopback only.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RecordLoadGenerator -Dexec.args="$PWD/consortium.d 200 50 500"</pre>
 * (arguments: consortium directory, batteries, sessions per battery, records per submission, port shift, nodes;
 * the records go to node0)
 */
public final class RecordLoadGenerator {
    private static final Pattern ACCEPTED = Pattern.compile("\"hash\":");

    private RecordLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int batteries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int sessionsEach = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int perSubmission = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        NodeClient node = new NodeClient(8080 + (args.length > 4 ? Integer.parseInt(args[4]) : 0), dir);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36).toUpperCase(Locale.ROOT);
        Random random = new Random(7);
        long startHeight = node.height();
        int nodes = args.length > 5 ? Integer.parseInt(args[5]) : 4;
        NodeCpu all = NodeCpu.of(dir, nodes);
        NodeCpu node0 = NodeCpu.of(dir, 1);
        double allCpu0 = all.seconds();
        double node0Cpu0 = node0.seconds();

        long t0 = System.nanoTime();
        int accepted = 0;
        StringBuilder batch = new StringBuilder();
        int inBatch = 0;
        String lastId = null;
        for (int b = 0; b < batteries; b++) {
            String code = String.format("LG%s%016d", run, b).substring(0, 24);
            batch.append(inBatch++ == 0 ? "" : ",").append("{\"recordId\":\"lg-").append(run).append("-b").append(b)
                    .append("\",\"type\":\"battery\",\"batteryCode\":\"").append(code).append("\",\"manufacturer\":\"Load\",\"chemistry\":\"NMC\","
                            + "\"ratedCapacityAh\":150,\"nominalVoltageV\":3.7,\"ratedCycleLife\":2000,\"ratedCycleDod\":1,\"ratedCycleTempC\":25,"
                            + "\"manufacturedAt\":\"2023-01-01T00:00:00Z\"}");
            if (inBatch == perSubmission) {
                accepted += push(node, batch, inBatch);
                inBatch = 0;
            }
            for (int s = 0; s < sessionsEach; s++) {
                double start = 0.1 + random.nextDouble() * 0.4;
                lastId = "lg-" + run + "-b" + b + "-s" + s;
                batch.append(inBatch++ == 0 ? "" : ",").append("{\"recordId\":\"").append(lastId).append("\",\"type\":\"session\",\"batteryCode\":\"")
                        .append(code).append(String.format(Locale.ROOT, "\",\"operator\":\"Load\",\"startedAt\":\"2024-01-01T00:00:00Z\","
                                + "\"endedAt\":\"2024-01-01T01:00:00Z\",\"socStart\":%.3f,\"socEnd\":%.3f,\"energyKWh\":%.2f,\"avgTempC\":%.1f,\"maxTempC\":%.1f}",
                                start, start + 0.4, 0.4 * 0.555, 20 + random.nextDouble() * 10, 32.0));
                if (inBatch == perSubmission) {
                    accepted += push(node, batch, inBatch);
                    inBatch = 0;
                }
            }
        }
        if (inBatch > 0) {
            accepted += push(node, batch, inBatch);
        }
        long pushedNanos = System.nanoTime() - t0;
        String proofPath = "/records/" + (lastId == null ? "lg-" + run + "-b" + (batteries - 1) : lastId) + "/proof";
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> node.get("admin", proofPath).status() == 200);
        long anchoredNanos = System.nanoTime() - t0;
        double allCpu = all.seconds() - allCpu0;
        double node0Cpu = node0.seconds() - node0Cpu0;
        long endHeight = node.height();
        long chainBytes = 0;
        for (long h = startHeight + 1; h <= endHeight; h++) {
            chainBytes += node.get("admin", "/blocks/" + h).as(Jsonp::object).getJsonNumber("encodedBytes").longValue();
        }
        System.out.printf(Locale.ROOT, "records=%d accepted=%d submission=%d push=%.1fs (%.0f records/s) anchored=%.1fs (%.0f records/s) "
                        + "blocks=%d chainBytes=%d bytesPerRecord=%.2f%n",
                batteries * (1 + sessionsEach), accepted, perSubmission, pushedNanos / 1e9, accepted / (pushedNanos / 1e9), anchoredNanos / 1e9,
                accepted / (anchoredNanos / 1e9), endHeight - startHeight, chainBytes, (double) chainBytes / accepted);
        System.out.printf(Locale.ROOT, "node CPU per record: %.3f ms over %d nodes (%.1f s), %.3f ms on node0 (%.1f s); node RSS (MB): %s; "
                        + "machine load average: %s%n", 1000 * allCpu / accepted, nodes, allCpu, 1000 * node0Cpu / accepted, node0Cpu,
                all.rssMegabytes(), java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static int push(NodeClient node, StringBuilder batch, int count) throws Exception {
        NodeClient.Reply r = node.post("admin", "/records", "[" + batch + "]");
        batch.setLength(0);
        if (r.status() != 202) {
            throw new IllegalStateException("push of " + count + " records answered " + r.status() + ": " + r.body());
        }
        Matcher m = ACCEPTED.matcher(r.body());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
