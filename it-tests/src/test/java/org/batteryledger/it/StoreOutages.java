package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonObject;
import org.batteryledger.launcher.PostgresCluster;
import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, part 5: a node whose store cannot promise to keep a write refuses it whole with 503 and a reason (REST) or
 * a {@code soap:Server} fault coded {@code Unavailable} (SOAP), keeps serving reads, and takes writes again by itself
 * when the store is back. The disk is really filled (a file written into the node's data directory) past a floor set
 * just below the free space; PostgreSQL is really stopped under a load of governance proposals. Part of
 * {@link ConsortiumScenario}, which owns the nodes.
 */
final class StoreOutages {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final long MIB = 1024 * 1024;
    private final String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private final String code = "036FL0B1A2C3D4E5F6" + run;

    /**
     * {@code node} (agency-a's, whose manufacturer CATL it takes batteries for) at its disk floor: writes refused and
     * nothing of them stored, reads served, consensus goes on ({@code proposer} is another validator), and writes
     * taken again once the space is freed.
     */
    void diskAtItsFloor(NodeClient node, Path nodeDir, NodeClient proposer) throws Exception {
        String held = "floor-held-" + run;
        String refused = "floor-refused-" + run;
        assertEquals(202, node.post("manufacturer", "/records", "[" + battery(held) + "]").status());

        NodeDirectory nd = new NodeDirectory(nodeDir);
        Path filler = nodeDir.resolve("data/disk-filler");
        // 128 MiB written for real, then the floor 64 MiB above what is left free: under it until the file goes.
        try {
            fill(filler, 128 * MIB);
            nd.setProperty("disk.floor.bytes", String.valueOf(Files.getFileStore(nodeDir).getUsableSpace() + 64 * MIB));
            await().atMost(WITHIN).until(() -> check(node, "disk").contains("\"DOWN\""));

            NodeClient.Reply write = node.post("manufacturer", "/records", "[" + battery(refused) + "]");
            assertUnavailable(write, "floor");
            assertUnavailable(node.post("admin", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"floor-" + run + "\"}"), "floor");
            assertSoapUnavailable(node, refused);
            assertEquals(200, node.get("admin", "/records/" + held).status(), "reads are served below the floor");
            assertEquals(200, node.get("auditor", "/blocks/1").status());

            long before = node.height();
            NodeClient.Reply p = proposer.post("admin", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"below-floor-" + run + "\"}");
            assertEquals(202, p.status(), p.body());
            await().atMost(WITHIN).until(() -> node.height() > before); // it persists blocks below the floor: the others need its votes
        } finally {
            Files.deleteIfExists(filler);
        }
        try {
            await().atMost(WITHIN).until(() -> check(node, "disk").contains("\"UP\""));
            NodeClient.Reply again = node.post("manufacturer", "/records", "[" + battery(refused) + "]");
            assertEquals(202, again.status(), again.body());
            JsonObject accepted = again.as(Jsonp::object).getJsonArray("accepted").getJsonObject(0);
            assertFalse(accepted.containsKey("duplicate"), "the refused record was not stored the first time: " + again.body());
        } finally {
            nd.setProperty("disk.floor.bytes", null); // the later tests' node0 has its default floor whatever happened
        }
    }

    /**
     * The consortium's PostgreSQL stopped while governance proposals arrive at every validator, then started: no
     * answer is a 500, every proposal acknowledged (202) is committed on every validator afterwards, and the nodes
     * take writes again by themselves.
     */
    void databaseStopped(List<NodeClient> validators, PostgresCluster postgres) throws Exception {
        NodeClient node = validators.get(0);
        Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        // Five proposals a second, round robin over the validators, before, during and after the outage.
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(() -> {
            int i = sent.getAndIncrement();
            try {
                NodeClient.Reply r = validators.get(i % validators.size()).post("admin", "/admin/proposals",
                        "{\"action\":\"add-agency\",\"name\":\"db-" + run + "-" + i + "\"}");
                if (r.status() == 202) {
                    acknowledged.put(r.as(Jsonp::object).getString("txHash"), true);
                } else if (r.status() == 503 && r.contentType().startsWith("application/problem+json")) {
                    refused.incrementAndGet();
                } else {
                    wrong.add(r.status() + " " + r.body());
                }
            } catch (IOException | RuntimeException e) {
                wrong.add("no answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        try {
            NodeClient.Reply held = node.post("manufacturer", "/records", "[" + battery("db-held-" + run) + "]");
            assertEquals(202, held.status(), held.body());
            await().atMost(WITHIN).until(() -> acknowledged.size() >= 3);
            postgres.stop();
            for (NodeClient n : validators) {
                await().atMost(WITHIN).until(() -> check(n, "database").contains("\"DOWN\""));
            }
            assertUnavailable(node.post("manufacturer", "/records", "[" + battery("db-refused-" + run) + "]"), "database");
            assertSoapUnavailable(node, "db-refused-soap-" + run);
            // A SOAP read that fails without the database: soap:Server saying why, not the exception's text.
            HttpResponse<String> soapRead = soap(node, "recycler", "getBattery", "<l:batteryCode>" + code + "</l:batteryCode>");
            assertEquals(500, soapRead.statusCode(), soapRead.body());
            assertTrue(soapRead.body().contains("Server</faultcode>") && soapRead.body().contains("database does not answer")
                    && !soapRead.body().contains("Exception"), soapRead.body());
            // Reads that need the database (or the replica it paused) say so and when to come back; none is a 500.
            for (String read : List.of("/chain", "/blocks/1", "/records/db-refused-" + run, "/metrics", "/nodes")) {
                NodeClient.Reply r = node.get("admin", read);
                if (r.status() != 200) {
                    assertUnavailable(r, "takes"); // the database does not answer, or the replica is paused until the store takes writes
                }
            }
            await().atMost(WITHIN).until(() -> refused.get() >= 3); // the load met the outage
            int seen = acknowledged.size();

            postgres.ensureRunning(List.of());
            for (NodeClient n : validators) {
                await().atMost(WITHIN).until(() -> n.get("auditor", "/health").status() == 200);
            }
            await().atMost(WITHIN).until(() -> acknowledged.size() > seen + 3); // writes taken again, by themselves
        } finally {
            load.shutdown();
            if (!load.awaitTermination(120, TimeUnit.SECONDS)) {
                wrong.add("the load did not stop within 120 s"); // said below, not here: an earlier failure keeps its own message
            }
        }
        assertEquals(List.of(), wrong, "every answer during the outage is a 202 or a 503 problem");
        for (String tx : acknowledged.keySet()) {
            for (NodeClient n : validators) {
                await().atMost(WITHIN).until(() -> n.get("admin", "/admin/transactions/" + tx).status() == 200);
            }
        }
    }

    private static String check(NodeClient node, String name) throws Exception {
        for (var v : node.get("auditor", "/health").as(Jsonp::object).getJsonArray("checks")) {
            JsonObject c = v.asJsonObject();
            if (c.getString("name").equals(name)) {
                return c.toString();
            }
        }
        throw new AssertionError("no health check " + name);
    }

    private static void assertUnavailable(NodeClient.Reply r, String reason) {
        assertEquals(503, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals("5", r.retryAfter(), "a 503 says when to retry");
        assertTrue(r.as(Jsonp::object).getString("detail").contains(reason), r.body());
    }

    private void assertSoapUnavailable(NodeClient node, String recordId) throws Exception {
        HttpResponse<String> r = soap(node, "manufacturer", "submitRecords", SoapIT.batteryXml(recordId, code));
        assertEquals(500, r.statusCode(), "SOAP 1.1 answers a fault with 500: " + r.body());
        assertTrue(r.body().contains("Server</faultcode>") && r.body().contains(">Unavailable</"), "soap:Server, coded Unavailable: " + r.body());
    }

    /** A SOAP operation as a client sends it (raw SOAP 1.1, as SoapIT does). */
    private static HttpResponse<String> soap(NodeClient node, String user, String operation, String bodyXml) throws Exception {
        String ns = "urn:batteryledger:ledger:1";
        String envelope = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:l=\"" + ns + "\">"
                + "<soapenv:Body><l:" + operation + ">" + bodyXml + "</l:" + operation + "></soapenv:Body></soapenv:Envelope>";
        HttpRequest request = HttpRequest.newBuilder(URI.create(node.api().replace("/ledger/api", "/ledger/soap/BatteryLedger")))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + node.password(user))
                        .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"" + ns + ":" + operation + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String battery(String id) {
        return CrossMemberStory.battery(id, code, "CATL");
    }

    /** Bytes on the disk, not a sparse file: written and forced. */
    private static void fill(Path file, long bytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate((int) MIB);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < bytes; written += MIB) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    c.write(chunk);
                }
            }
            c.force(true);
        }
    }
}
