package org.batteryledger.it.load;

import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load generator (not a test): submits governance transactions through the REST API of a running local
 * consortium, spread over its nodes, and reports accepted transactions per second and the time until all are
 * committed. Bounded in count and time; loopback only.
 *
 * <pre>java -cp it-tests/target/test-classes org.batteryledger.it.load.RestLoadGenerator consortium.d 4 2000 16</pre>
 * (arguments: consortium directory, nodes, transactions, concurrent clients)
 */
public final class RestLoadGenerator {
    private static final Pattern HEIGHT = Pattern.compile("\"height\":(\\d+)");

    private RestLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int total = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int portShift = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        Properties users = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("users.properties"))) {
            users.load(r);
        }
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + users.getProperty("admin")).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long startHeight = height(http, auth, 8080 + portShift);

        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    int port = 8080 + portShift + 100 * (i % nodes);
                    String body = "{\"action\":\"add-agency\",\"name\":\"load-" + t0 + "-" + i + "\"}";
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ledger/api/admin/proposals"))
                                .timeout(Duration.ofSeconds(60)).header("Authorization", auth).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 202) {
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
            long h = height(http, auth, 8080 + portShift);
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

    private static long height(HttpClient http, String auth, int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ledger/api/chain"))
                .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = HEIGHT.matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
