package org.batteryledger.it.load;

import org.batteryledger.launcher.client.NodeClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load generator (not a test): submits governance transactions through the REST API of a running local
 * consortium, spread over its nodes, and reports accepted transactions per second and the time until all are
 * committed. Bounded in count and time; loopback only.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.RestLoadGenerator -Dexec.args="$PWD/consortium.d 4 2000 16"</pre>
 * (arguments: consortium directory, nodes, transactions, concurrent clients)
 */
public final class RestLoadGenerator {
    private RestLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int total = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int portShift = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        List<NodeClient> clientsOf = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            clientsOf.add(new NodeClient(8080 + portShift + 100 * n, dir));
        }
        NodeClient first = clientsOf.get(0);
        long startHeight = first.height();

        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    String body = "{\"action\":\"add-agency\",\"name\":\"load-" + t0 + "-" + i + "\"}";
                    long s = System.nanoTime();
                    try {
                        NodeClient.Reply r = clientsOf.get(i % nodes).post("admin", "/admin/proposals", body);
                        if (r.status() == 202) {
                            accepted.incrementAndGet();
                            latencies.add(System.nanoTime() - s);
                        } else {
                            refused.incrementAndGet();
                        }
                    } catch (Exception e) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
        double acceptSeconds = (System.nanoTime() - t0) / 1e9;

        // Committed: the height stops growing for 3 s (the load is over, so nothing else moves it).
        long[] last = {-1, System.nanoTime()};
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long h = first.height();
            if (h != last[0]) {
                last[0] = h;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] > 3_000_000_000L;
        });
        double commitSeconds = (System.nanoTime() - t0 - 3_000_000_000L) / 1e9;
        Collections.sort(latencies);
        System.out.printf(Locale.ROOT, "%d transactions to %d nodes by %d clients: %d accepted, %d refused%n", total, nodes, clients, accepted.get(), refused.get());
        System.out.printf(Locale.ROOT, "accepted: %.0f tx/s (REST call to acknowledgement: median %.1f ms, p99 %.1f ms)%n",
                accepted.get() / acceptSeconds, latencies.get(latencies.size() / 2) / 1e6, latencies.get((int) (latencies.size() * 0.99)) / 1e6);
        System.out.printf(Locale.ROOT, "committed: %.0f tx/s end to end (%d blocks, height %d -> %d)%n", accepted.get() / commitSeconds,
                last[0] - startHeight, startHeight, last[0]);
    }
}
