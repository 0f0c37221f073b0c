package org.batteryledger.it.load;

import org.batteryledger.it.Jsonp;
import jakarta.json.JsonObject;
import org.batteryledger.launcher.client.NodeClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A load generator (not a test) for the consortium view: on a running local consortium of four nodes it registers
 * batteries at node0 (agency-a, the manufacturer), sends their sessions to node1 (agency-b) and node3 (agency-a) in
 * turn, waits until they are anchored, and then measures at node2 (agency-c, the recycler), which holds none of them:
 * <ul>
 *   <li>fetching and verifying every session of a battery with 1,000 sessions from the two holders (pages of 500);</li>
 *   <li>the first page of the consortium view (200 sessions) of batteries with 100 and 10,000 sessions.</li>
 * </ul>
 * Loopback only; it stops by itself.
 *
 * <pre>mvn -q -pl it-tests exec:java -Dexec.classpathScope=test -Dexec.mainClass=org.batteryledger.it.load.ConsortiumViewLoadGenerator -Dexec.args="$PWD/consortium.d 20"</pre>
 * (arguments: consortium directory, repetitions per measurement)
 */
public final class ConsortiumViewLoadGenerator {
    private ConsortiumViewLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "consortium.d");
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<NodeClient> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(new NodeClient(8080 + 100 * i, dir));
        }
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase();
        String b100 = battery(nodes, "LOADV" + run + "-100", 100);
        String b1000 = battery(nodes, "LOADV" + run + "-1000", 1_000);
        String b10000 = battery(nodes, "LOADV" + run + "-10000", 10_000);
        NodeClient recycler = nodes.get(2);

        List<Long> all = new ArrayList<>();
        for (int i = 0; i < reps + 2; i++) {
            long t = System.nanoTime();
            int sessions = 0;
            String cursor = null;
            do {
                JsonObject page = recycler.get("recycler", "/batteries/" + b1000 + "?limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).as(Jsonp::object);
                sessions += (int) page.getJsonArray("sessions").stream()
                        .filter(s -> s.asJsonObject().getJsonObject("holder").getBoolean("verified")).count();
                cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
            } while (cursor != null);
            if (sessions != 1_000) {
                throw new IllegalStateException("expected 1,000 verified sessions, got " + sessions);
            }
            if (i >= 2) { // two warm-ups
                all.add((System.nanoTime() - t) / 1000);
            }
        }
        report("all 1,000 sessions from node1 and node3, verified (2 pages of 500)", all);
        for (String code : List.of(b100, b10000)) {
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < reps + 2; i++) {
                long t = System.nanoTime();
                NodeClient.Reply r = recycler.get("recycler", "/batteries/" + code);
                if (r.status() != 200 || !r.as(Jsonp::object).getBoolean("complete")) {
                    throw new IllegalStateException(code + ": " + r.status() + " " + r.body().substring(0, Math.min(300, r.body().length())));
                }
                if (i >= 2) {
                    micros.add((System.nanoTime() - t) / 1000);
                }
            }
            report("first page (200 sessions) of " + code, micros);
        }
    }

    private static void report(String what, List<Long> micros) {
        Collections.sort(micros);
        int n = micros.size();
        System.out.printf("%-70s median %8.1f ms   p95 %8.1f ms   (n=%d)%n", what, micros.get(n / 2) / 1000.0,
                micros.get((int) Math.ceil(n * 0.95) - 1) / 1000.0, n);
    }

    /** A battery at node0 and its sessions alternately at node1 and node3, anchored; returns its code. */
    private static String battery(List<NodeClient> nodes, String code, int sessions) throws Exception {
        NodeClient.Reply m = nodes.get(0).post("manufacturer", "/records", "[{\"recordId\":\"" + code + "-M\",\"type\":\"battery\",\"batteryCode\":\""
                + code + "\",\"manufacturer\":\"CATL\",\"chemistry\":\"NMC\",\"ratedCapacityAh\":60,\"nominalVoltageV\":350,\"ratedCycleLife\":3000,"
                + "\"ratedCycleDod\":0.8,\"ratedCycleTempC\":25,\"manufacturedAt\":\"2020-01-01T00:00:00Z\"}]");
        check(m);
        // Registered on chain once its batch is anchored: node1 then takes the battery's sessions.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            NodeClient.Reply view = nodes.get(1).get("auditor", "/batteries/" + code);
            return view.status() == 200 && !view.as(Jsonp::object).isNull("registration");
        });
        Instant start = Instant.parse("2021-01-01T00:00:00Z");
        for (int holder : List.of(1, 3)) {
            StringBuilder batch = new StringBuilder("[");
            int inBatch = 0;
            for (int i = holder == 1 ? 0 : 1; i < sessions; i += 2) {
                Instant s = start.plus(Duration.ofHours(3L * i)); // 10,000 sessions end in 2024: never in the future
                batch.append(inBatch == 0 ? "" : ",").append("{\"recordId\":\"").append(code).append("-S").append(i)
                        .append("\",\"type\":\"session\",\"batteryCode\":\"").append(code).append("\",\"operator\":\"Load\",\"startedAt\":\"")
                        .append(s).append("\",\"endedAt\":\"").append(s.plus(Duration.ofHours(1))).append("\",\"socStart\":0.2,\"socEnd\":0.8,")
                        .append("\"energyKWh\":12.6,\"avgTempC\":24,\"maxTempC\":29}");
                if (++inBatch == 1_000) {
                    check(nodes.get(holder).post("charging", "/records", batch.append("]").toString()));
                    batch = new StringBuilder("[");
                    inBatch = 0;
                }
            }
            if (inBatch > 0) {
                check(nodes.get(holder).post("charging", "/records", batch.append("]").toString()));
            }
        }
        String last = code + "-S" + (sessions - 1);
        String beforeLast = code + "-S" + (sessions - 2);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                nodes.get(sessions % 2 == 0 ? 3 : 1).get("auditor", "/records/" + last + "/proof").status() == 200
                        && nodes.get(sessions % 2 == 0 ? 1 : 3).get("auditor", "/records/" + beforeLast + "/proof").status() == 200);
        return code;
    }

    private static void check(NodeClient.Reply r) {
        if (r.status() != 202 || !r.as(Jsonp::object).getJsonArray("rejected").isEmpty()) {
            String rejected = r.status() == 202 ? r.as(Jsonp::object).getJsonArray("rejected").toString() : r.body();
            throw new IllegalStateException(r.status() + ": " + rejected.substring(0, Math.min(500, rejected.length())));
        }
    }
}
