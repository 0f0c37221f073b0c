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
import java.util.Base64;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load generator (not a test): pushes battery records and sessions to one node of a running local consortium
 * over REST, in submissions of a given size, then waits until the last record has a proof. Reports records/s from
 * the first push to the last anchored proof, and the chain bytes (blocks with certificates) per anchored record.
 * Seeded; bounded in count and time; loopback only.
 *
 * <pre>java -cp it-tests/target/test-classes org.batteryledger.it.load.RecordLoadGenerator consortium.d 200 50 500</pre>
 * (arguments: consortium directory, batteries, sessions per battery, records per submission)
 */
public final class RecordLoadGenerator {
    private static final Pattern HEIGHT = Pattern.compile("\"height\":(\\d+)");
    private static final Pattern BYTES = Pattern.compile("\"encodedBytes\":(\\d+)");
    private static final Pattern ACCEPTED = Pattern.compile("\"hash\":");

    private RecordLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int batteries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int sessionsEach = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int perSubmission = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        String api = "http://127.0.0.1:" + (args.length > 4 ? 8080 + Integer.parseInt(args[4]) : 8080) + "/ledger/api";
        Properties users = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("users.properties"))) {
            users.load(r);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String admin = auth("admin", users);
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36).toUpperCase(Locale.ROOT);
        Random random = new Random(7);
        long startHeight = height(http, api, admin);

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
                accepted += push(http, api, admin, batch, inBatch);
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
                    accepted += push(http, api, admin, batch, inBatch);
                    inBatch = 0;
                }
            }
        }
        if (inBatch > 0) {
            accepted += push(http, api, admin, batch, inBatch);
        }
        long pushedNanos = System.nanoTime() - t0;
        String last = lastId == null ? "lg-" + run + "-b" + (batteries - 1) : lastId;
        ScheduledExecutorService poll = Executors.newSingleThreadScheduledExecutor();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            var proof = poll.schedule(() -> get(http, api + "/records/" + last + "/proof", admin), 200, TimeUnit.MILLISECONDS).get();
            if (proof.statusCode() == 200) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the last record has no proof after 10 minutes: " + proof.body());
            }
        }
        long anchoredNanos = System.nanoTime() - t0;
        poll.shutdown();
        long endHeight = height(http, api, admin);
        long chainBytes = 0;
        for (long h = startHeight + 1; h <= endHeight; h++) {
            Matcher m = BYTES.matcher(get(http, api + "/blocks/" + h, admin).body());
            if (m.find()) {
                chainBytes += Long.parseLong(m.group(1));
            }
        }
        System.out.printf(Locale.ROOT, "records=%d accepted=%d submission=%d push=%.1fs (%.0f records/s) anchored=%.1fs (%.0f records/s) "
                        + "blocks=%d chainBytes=%d bytesPerRecord=%.2f%n",
                batteries * (1 + sessionsEach), accepted, perSubmission, pushedNanos / 1e9, accepted / (pushedNanos / 1e9), anchoredNanos / 1e9,
                accepted / (anchoredNanos / 1e9), endHeight - startHeight, chainBytes, (double) chainBytes / accepted);
    }

    private static int push(HttpClient http, String api, String auth, StringBuilder batch, int count) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/records")).timeout(Duration.ofSeconds(120))
                .header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + batch + "]")).build(), HttpResponse.BodyHandlers.ofString());
        batch.setLength(0);
        if (r.statusCode() != 202) {
            throw new IllegalStateException("push of " + count + " records answered " + r.statusCode() + ": " + r.body());
        }
        Matcher m = ACCEPTED.matcher(r.body());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static long height(HttpClient http, String api, String auth) throws Exception {
        Matcher m = HEIGHT.matcher(get(http, api + "/chain", auth).body());
        if (!m.find()) {
            throw new IllegalStateException("no height in /chain");
        }
        return Long.parseLong(m.group(1));
    }

    private static HttpResponse<String> get(HttpClient http, String url, String auth) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Authorization", auth).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        }
    }

    private static String auth(String user, Properties users) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + users.getProperty(user)).getBytes(StandardCharsets.UTF_8));
    }
}
