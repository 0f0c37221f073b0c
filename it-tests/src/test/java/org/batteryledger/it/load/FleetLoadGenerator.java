package org.batteryledger.it.load;

import org.batteryledger.it.Jsonp;
import org.batteryledger.launcher.client.NodeClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.awaitility.Awaitility.await;

/**
 * A load generator (not a test) for the fleet table: fills a node with {@code N} batteries of its own (a master record
 * and one session each, pushed over REST in submissions of 1,000), waits until the node's fleet table has assessed
 * them, then times pages of 50 as the console asks for them — sorted and filtered several ways, a page 20 pages deep,
 * and the pictures of a filter — one request after another, and prints median, p95 and p99.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.FleetLoadGenerator \
 *   -Dexec.args="$PWD/consortium.d 100000 200 8080 fill"</pre>
 * (arguments: consortium directory, batteries, requests per query, the node's HTTP port, {@code fill} or {@code measure})
 */
public final class FleetLoadGenerator {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String[] CHEMISTRIES = {"NMC", "LFP", "NCA", "LMO"};

    private FleetLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int batteries = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 8080;
        boolean fill = args.length <= 4 || args[4].equals("fill");
        NodeClient node = new NodeClient(port, dir);
        String manufacturer = "LoadCo";
        if (fill) {
            fill(node, batteries, manufacturer);
        }
        String mine = "manufacturer==" + manufacturer;
        long t0 = System.nanoTime();
        await().atMost(Duration.ofHours(6)).pollInterval(Duration.ofSeconds(10)).until(() -> {
            long assessed = count(node, mine + ";stateOfHealth=ge=0");
            System.out.printf("%s: %d of %d batteries assessed (%.0f s)%n", Instant.now(), assessed, batteries, (System.nanoTime() - t0) / 1e9);
            return assessed >= batteries;
        });
        String auth = "Basic " + Base64.getEncoder().encodeToString(("auditor:" + node.password("auditor")).getBytes(StandardCharsets.UTF_8));
        String base = "http://127.0.0.1:" + port + "/ledger/api";
        System.out.println("fleet rows: " + count(node, "") + "; timing " + n + " requests per query");
        for (String q : List.of("/batteries?limit=50", "/batteries?limit=50&sort=-stateOfHealth", "/batteries?limit=50&sort=residualValue",
                "/batteries?limit=50&sort=-residualValue&filter=" + enc("chemistry==LFP"),
                "/batteries?limit=50&sort=age&filter=" + enc("stateOfHealth=ge=0.8;status==reuse"),
                "/batteries?limit=50&sort=-equivalentFullCycles&filter=" + enc("manufacturer==Load*;age=gt=3"),
                "/batteries/summary", "/batteries/summary?filter=" + enc("chemistry==NMC;stateOfHealth=lt=0.9"))) {
            time(base + q, auth, n, 1);
        }
        time(base + "/batteries?limit=50&sort=-stateOfHealth", auth, Math.max(10, n / 10), 20);
    }

    /** Masters and sessions of {@code batteries} batteries, in submissions of 1,000 records. */
    private static void fill(NodeClient node, int batteries, String manufacturer) throws Exception {
        Random random = new Random(42);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase(Locale.ROOT);
        long t0 = System.nanoTime();
        List<String> batch = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < batteries; i++) {
            String code = "LD" + run + String.format(Locale.ROOT, "%010d", i);
            String chemistry = CHEMISTRIES[random.nextInt(CHEMISTRIES.length)];
            Instant made = Instant.parse("2017-01-01T00:00:00Z").plus(Duration.ofHours(random.nextInt(8 * 365 * 24)));
            batch.add("{\"recordId\":\"ld-" + run + "-" + i + "\",\"type\":\"battery\",\"batteryCode\":\"" + code + "\",\"manufacturer\":\""
                    + manufacturer + "\",\"chemistry\":\"" + chemistry + "\",\"ratedCapacityAh\":" + (50 + random.nextInt(200))
                    + ",\"nominalVoltageV\":350,\"ratedCycleLife\":" + (1000 + random.nextInt(3000)) + ",\"ratedCycleDod\":0.8,"
                    + "\"ratedCycleTempC\":25,\"manufacturedAt\":\"" + made + "\"}");
            Instant start = made.plus(Duration.ofDays(30 + random.nextInt(300)));
            double from = 0.9;
            double to = 0.1 + random.nextInt(60) / 100.0;
            sessions.add("{\"recordId\":\"ld-" + run + "-" + i + "-s\",\"type\":\"session\",\"batteryCode\":\"" + code + "\",\"operator\":\"LoadCharge\","
                    + "\"startedAt\":\"" + start + "\",\"endedAt\":\"" + start.plus(Duration.ofHours(2)) + "\",\"socStart\":" + from
                    + ",\"socEnd\":" + to + ",\"energyKWh\":10,\"avgTempC\":" + (15 + random.nextInt(20)) + ",\"maxTempC\":40}");
            if (batch.size() == 1_000 || i == batteries - 1) {
                push(node, "manufacturer", batch);
                push(node, "charging", sessions);
                batch.clear();
                sessions.clear();
            }
        }
        System.out.printf("pushed %d batteries and %d sessions in %.0f s%n", batteries, batteries, (System.nanoTime() - t0) / 1e9);
    }

    /** Pushes again while the node sheds load (503), for a minute at most; any other answer than 202 ends the run. */
    private static void push(NodeClient node, String role, List<String> records) {
        String body = "[" + String.join(",", records) + "]";
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).pollDelay(Duration.ZERO).until(() -> {
            NodeClient.Reply r = node.post(role, "/records", body);
            if (r.status() != 202 && r.status() != 503) {
                throw new IllegalStateException("the node answered " + r.status() + ": " + r.body());
            }
            return r.status() == 202;
        });
    }

    private static long count(NodeClient node, String filter) throws Exception {
        return node.get("auditor", "/batteries/summary?filter=" + enc(filter)).as(Jsonp::object).getJsonNumber("count").longValue();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** {@code n} requests of {@code url}, each following {@code depth - 1} next links first; prints the last page's latency. */
    private static void time(String url, String auth, int n, int depth) throws Exception {
        for (int i = 0; i < 5; i++) {
            get(url, auth); // warm-up
        }
        List<Long> micros = new ArrayList<>();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            String at = url;
            for (int d = 1; d < depth; d++) {
                at = next(get(at, auth), url);
            }
            long t = System.nanoTime();
            HttpResponse<String> r = get(at, auth);
            micros.add((System.nanoTime() - t) / 1000);
            bytes = r.body().length();
        }
        Collections.sort(micros);
        System.out.printf("%-100s median %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  %7d bytes  (n=%d%s)%n", url.replaceAll("^.*/ledger/api", ""),
                micros.get(n / 2) / 1000.0, micros.get((int) Math.ceil(n * 0.95) - 1) / 1000.0, micros.get((int) Math.ceil(n * 0.99) - 1) / 1000.0,
                bytes, n, depth > 1 ? ", page " + depth : "");
    }

    private static HttpResponse<String> get(String url, String auth) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }

    private static String next(HttpResponse<String> r, String url) {
        String link = r.headers().firstValue("Link").orElseThrow(() -> new IllegalStateException("no next page after " + url));
        return link.substring(link.indexOf('<') + 1, link.indexOf('>'));
    }
}
