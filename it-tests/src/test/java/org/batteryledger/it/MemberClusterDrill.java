package org.batteryledger.it;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.NodeProcess;
import org.batteryledger.launcher.Ports;
import org.batteryledger.launcher.client.NodeClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 on the PostgreSQL consortium of {@link ConsortiumScenario}: node0 grows into a member of two servers
 * ({@code up --ha node0} on the running consortium) and pulls a small fleet from the partner simulators. Both servers
 * serve its API: a REST push and a SOAP call to the standby are handed to the active server and acknowledged. While node0 pulls and a client
 * pushes battery records to both servers in turn (as a load balancer would), the active server gets a {@code kill -9}:
 * the standby takes the lease, node0 signs commit certificates again, writes are taken again, no view change happens
 * unless node0 was the primary, and every acknowledged or pulled record is stored once and anchored once. Then the
 * new active server is paused (SIGSTOP) past its lease: the other takes over, the chain goes on, and once resumed the
 * paused server stands down without committing anything (a standby again, whose push is handed on and anchored), and
 * no node holds another block at any height.
 */
final class MemberClusterDrill {
    private static final Duration WITHIN = Duration.ofSeconds(180);
    private final Path dir;
    private final Ports ports;
    private final List<NodeClient> validators;
    private final String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    /** When each push was acknowledged (System.nanoTime). */
    private final java.util.Queue<Long> acknowledgedAt = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The fleet node0 pulls: 100 batteries, 20 sessions each. */
    private static final String FLEET = "11:100:20";
    private static final int FLEET_RECORDS = 100 + 100 * 20;

    /** {@code validators}: node0's client first, then the validators it runs with. */
    MemberClusterDrill(Path dir, Ports ports, List<NodeClient> validators) {
        this.dir = dir;
        this.ports = ports;
        this.validators = validators;
    }

    void run() throws Exception {
        Consortium consortium = Consortium.at(dir);
        Path ear = Path.of(System.getProperty("it.ear"));
        long storedBefore = Metrics.value(validators.get(0).get("admin", "/metrics").body(), "batteryledger_records_stored_total");
        consortium.partners(FLEET); // node0 pulls from its restart as a cluster on
        assertTrue(consortium.cluster("node0", ear), "node0's second server serves");
        List<NodeProcess> servers = consortium.servers("node0");
        assertEquals(2, servers.size());
        NodeClient[] node0 = {new NodeClient(ports.http(0), dir), new NodeClient(ports.http(0) + 50, dir)};
        String node0Id = nodeId("node0");
        int active = awaitActive(node0, -1);
        assertEquals("standby", role(node0[1 - active]));
        // Both servers serve the member's API: the standby hands a push to the active server, which acknowledges it.
        String viaStandby = "standby-" + run;
        NodeClient.Reply forwarded = node0[1 - active].post("manufacturer", "/records", "[" + battery(viaStandby) + "]");
        assertEquals(202, forwarded.status(), forwarded.body());
        acknowledged.add(viaStandby);
        // And a SOAP call: the same, through the SOAP endpoint of the standby.
        String soapViaStandby = "standby-soap-" + run;
        String soap = soapSubmit(ports.http(0) + 50 * (1 - active), soapViaStandby);
        assertTrue(soap.contains("submitRecordsResponse") && soap.contains(soapViaStandby) && !soap.contains("Fault"), soap);
        acknowledged.add(soapViaStandby);

        AtomicBoolean pushing = new AtomicBoolean(true);
        AtomicInteger submissions = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread pusher = new Thread(() -> push(node0, pushing, submissions, failed), "ha-pusher");
        pusher.start();
        try {
            await().atMost(WITHIN).until(() -> submissions.get() >= 10);
            // kill -9 of the active server, mid-push and mid-pull.
            JsonObject chainAtKill = validators.get(1).get("auditor", "/chain").as(Jsonp::object);
            long atKill = chainAtKill.getJsonNumber("height").longValue();
            long killedAt = System.nanoTime();
            assertTrue(servers.get(active).kill());
            int taken = awaitActive(node0, active);
            double toActive = (System.nanoTime() - killedAt) / 1e9;
            assertEquals(1 - active, taken);
            // Taken over because the killed server left the member's group, not because its lease ran out.
            assertTrue(logSince(servers.get(taken), java.time.LocalDateTime.MIN).contains("left the member's group holding epoch"), "the takeover did not follow the departure");
            // node0 signs again: the new active server's first seal (a COMMIT) or proposal; it signed none as the standby.
            NodeClient newActive = node0[taken];
            await("node0's new active server signs").atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> signedSinceStart(newActive));
            double toSeal = (System.nanoTime() - killedAt) / 1e9;
            // And the chain shows it: a block another validator stored carries node0's seal or was proposed by it (a
            // certificate holds the first quorum of seals to arrive, so a block node0 sealed need not carry its seal).
            await("node0 signs commit certificates again").atMost(WITHIN).pollInterval(Duration.ofMillis(250))
                    .until(() -> signedAfter(node0Id, atKill + 1)); // + 1: a block the killed server proposed may commit after it died
            double toCertificate = (System.nanoTime() - killedAt) / 1e9;
            int afterKill = submissions.get();
            await("writes taken again").atMost(WITHIN).until(() -> submissions.get() >= afterKill + 10);
            double toWrite = (acknowledgedAt.stream().filter(t -> t > killedAt).min(Long::compare).orElseThrow() - killedAt) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "MemberClusterDrill: kill -9 of node0's active server: active again %.1f s, first "
                    + "seal or proposal signed %.1f s, first write acknowledged %.1f s, node0's seal or proposal in node1's chain %.1f s "
                    + "after the kill%n", toActive, toSeal, toWrite, toCertificate);
            // No view change unless node0 was the primary: the other members never needed to replace it.
            if (!node0Id.startsWith(chainAtKill.getString("primary")) && !chainAtKill.getString("primary").startsWith(node0Id)) {
                assertEquals(chainAtKill.getInt("view"), validators.get(1).get("auditor", "/chain").as(Jsonp::object).getInt("view"),
                        "a view change though node0 was not the primary");
            }
        } finally {
            pushing.set(false);
            pusher.join(60_000);
        }
        assertEquals(null, failed.get(), "the pusher failed: " + failed.get());
        int now = awaitActive(node0, -1);
        NodeClient live = node0[now];
        await("every acknowledged record anchored").atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (String id : acknowledged) {
                if (live.get("auditor", "/records/" + id + "/proof").status() != 200) {
                    return false;
                }
            }
            return true;
        });
        // Stored once (a record id is unique in the store) and in exactly one batch: the batches' leaves are the stored
        // records (a push whose answer the kill cut off may be stored too, and is batched a moment later).
        await("every stored record in exactly one batch").atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
            String metrics = live.get("admin", "/metrics").body();
            return Metrics.value(metrics, "batteryledger_records_unbatched") == 0
                    && Metrics.value(metrics, "batteryledger_records_stored_total") == Metrics.value(metrics, "batteryledger_records_batch_leaves");
        });
        // Every pulled record too, each once: the pull went on from the new active server where the killed one had left it
        // (its cursor is in the member's store). A push whose answer the end of the pushing cut off may be stored unacknowledged.
        await("the pulled fleet stored").atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() ->
                Metrics.value(live.get("admin", "/metrics").body(), "batteryledger_records_stored_total") - storedBefore >= acknowledged.size() + FLEET_RECORDS);
        long stored = Metrics.value(live.get("admin", "/metrics").body(), "batteryledger_records_stored_total") - storedBefore;
        assertTrue(stored <= acknowledged.size() + FLEET_RECORDS + 10, stored + " records stored, " + acknowledged.size() + " pushes acknowledged, "
                + FLEET_RECORDS + " pulled: a record was stored twice");

        // The killed server comes back as the standby; then the active one is paused past its lease.
        assertTrue(servers.get(1 - now).start(ear));
        assertTrue(Consortium.waitUntilServing(servers.get(1 - now), validators.get(1).password("admin")));
        assertEquals("standby", role(node0[1 - now]));
        fencing(servers.get(now), node0[now], servers.get(1 - now), node0[1 - now], node0Id);
    }

    private void fencing(NodeProcess paused, NodeClient pausedClient, NodeProcess otherServer, NodeClient other, String node0Id) throws Exception {
        long pid = paused.running().orElseThrow().pid();
        signal("STOP", pid);
        java.time.LocalDateTime resumedAt;
        try {
            await("the other server takes over").atMost(WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> "active".equals(role(other)));
            long atTakeover = validators.get(1).height();
            // A block proposed by node0 or carrying its seal: a proposal at a time until one is (a quorum of two of the
            // three validators need not include node0's seal, but node0 proposes every third block).
            AtomicInteger proposals = new AtomicInteger();
            await("the chain goes on with the new active server").atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (signedAfter(node0Id, atTakeover + 1)) {
                    return true;
                }
                long h = validators.get(1).height();
                validators.get(1).post("admin", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"fence-" + run + "-" + proposals.getAndIncrement() + "\"}");
                await().atMost(WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> validators.get(1).height() > h);
                return signedAfter(node0Id, atTakeover + 1);
            });
            resumedAt = java.time.LocalDateTime.now(); // the log is stamped by this machine's clock, in this time zone
        } finally {
            signal("CONT", pid);
        }
        // The resumed server learns it was taken over, and stands down: it is the member's standby again.
        await("the resumed server stands down").atMost(WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> "standby".equals(role(pausedClient)));
        String after = logSince(paused, resumedAt);
        assertTrue(after.contains("REPLICA STOOD DOWN") && (after.contains("lost the member's replica lease")
                || after.contains("the store refused this server's persist")), after);
        assertFalse(after.contains("committed block"), "the paused server committed after it resumed: " + after);
        // A working standby: a push to it is handed to the active server and acknowledged (a 503 with Retry-After only until
        // its first look at the lease after standing down says where the active server serves).
        String viaStoodDown = "stood-down-" + run;
        await("a push through the server that stood down").atMost(WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> {
            NodeClient.Reply handed = pausedClient.post("manufacturer", "/records", "[" + battery(viaStoodDown) + "]");
            assertTrue(handed.status() == 202 || handed.status() == 503, handed.status() + " " + handed.body());
            return handed.status() == 202;
        });
        await("the push through the server that stood down is anchored").atMost(WITHIN).pollInterval(Duration.ofMillis(500))
                .until(() -> other.get("auditor", "/records/" + viaStoodDown + "/proof").status() == 200);

        // And it takes over again when the active server dies in turn: a second term in the same server (its peer links
        // opened again, its replica from the store), and node0 signs.
        java.time.LocalDateTime tookOverAgain = java.time.LocalDateTime.now();
        assertTrue(otherServer.kill());
        await("the server that stood down takes over again").atMost(WITHIN).pollInterval(Duration.ofMillis(250))
                .until(() -> "active".equals(role(pausedClient)));
        // It signs the next block: a push through it gives the chain one (no load runs now, and no block is empty).
        AtomicInteger again = new AtomicInteger();
        AtomicReference<String> lastPush = new AtomicReference<>("none");
        try {
            await("and signs").atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (signedSinceStart(pausedClient)) {
                    return true;
                }
                NodeClient.Reply r = pausedClient.post("manufacturer", "/records", "[" + battery("second-term-" + run + "-" + again.getAndIncrement()) + "]");
                lastPush.set(r.status() + " " + r.body());
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // What a reader of the build's output needs to tell why: the server's view of the chain, its peers, its log. The
            // first line is what the build's summary shows: the health (linked peers, a pause) and the counters.
            throw new AssertionError("the server that took over again signed nothing; its /health: " + orWhy(() -> pausedClient.get("auditor", "/health").body())
                    + " last push: " + lastPush.get().lines().findFirst().orElse("") + "\n" + e.getMessage()
                    + "\nits /chain: " + orWhy(() -> pausedClient.get("auditor", "/chain").body())
                    + "\nnode1's /chain: " + orWhy(() -> validators.get(1).get("auditor", "/chain").body())
                    + "\nits metrics: " + orWhy(() -> pausedClient.get("admin", "/metrics").body().lines().filter(l -> !l.startsWith("#")
                            && (l.contains("view") || l.contains("peer") || l.contains("undelivered") || l.contains("height") || l.contains("signed") || l.contains("pool"))).toList().toString())
                    + "\nits log since it took over again:\n" + orWhy(() -> logSince(paused, tookOverAgain)), e);
        }
        // One chain: at every height up to the lowest head, node0's active server and the other validators hold the same block.
        List<NodeClient> all = new ArrayList<>(validators.subList(1, validators.size()));
        all.add(other);
        long top = all.stream().mapToLong(NodeClient::height).min().orElseThrow();
        for (long h = Math.max(1, top - 20); h <= top; h++) {
            String hash = all.get(0).get("auditor", "/blocks/" + h).as(Jsonp::object).getString("hash");
            for (NodeClient n : all) {
                assertEquals(hash, n.get("auditor", "/blocks/" + h).as(Jsonp::object).getString("hash"), "block " + h);
            }
        }
        for (JsonValue v : validators.get(1).get("auditor", "/nodes").as(Jsonp::structure).asJsonArray()) {
            JsonObject n = v.asJsonObject();
            if (n.getString("name").equals("node0") && n.containsKey("evidence")) {
                assertFalse(n.getJsonObject("evidence").getJsonObject("faults").containsKey("EQUIVOCATION"), "node0 contradicted itself: " + n);
            }
        }
    }

    /**
     * Pushes batteries to node0, ten a submission, to its two servers in turn; a submission either refused (503) or cut
     * off goes to the other. Keeps the ids each 202 acknowledged.
     */
    private void push(NodeClient[] node0, AtomicBoolean pushing, AtomicInteger submissions, AtomicReference<Throwable> failed) {
        int next = 0;
        int server = 0;
        try {
            while (pushing.get()) {
                List<String> ids = new ArrayList<>();
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < 10; i++) {
                    String id = "ha-" + run + "-" + next++;
                    ids.add(id);
                    body.append(i == 0 ? "" : ",").append(battery(id));
                }
                NodeClient.Reply r;
                try {
                    r = node0[server].post("manufacturer", "/records", body.append(']').toString());
                } catch (java.io.IOException e) {
                    r = null; // the killed server: the other one
                }
                if (r != null && r.status() == 202) {
                    assertTrue(r.body().contains("\"rejected\":[]"), r.body());
                    acknowledged.addAll(ids);
                    acknowledgedAt.add(System.nanoTime());
                    submissions.incrementAndGet();
                    server = 1 - server;
                } else if (r == null || r.status() == 503) {
                    server = 1 - server; // a standby or a dead server: the same records to the other (idempotent by id)
                    next -= 10;
                } else {
                    throw new AssertionError("a push answered " + r.status() + ": " + r.body());
                }
            }
        } catch (Throwable t) {
            failed.set(t);
        }
    }

    /** A submitRecords SOAP call of one battery to the server at {@code httpPort}; the response envelope (HTTP 200). */
    private String soapSubmit(int httpPort, String id) throws Exception {
        String envelope = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:l=\"urn:batteryledger:ledger:1\">"
                + "<soapenv:Body><l:submitRecords>" + SoapIT.batteryXml(id, String.format("036HS%s%013d", run, Math.abs(id.hashCode()) % 10_000_000_000_000L))
                + "</l:submitRecords></soapenv:Body></soapenv:Envelope>";
        String basic = java.util.Base64.getEncoder().encodeToString(("manufacturer:" + validators.get(0).password("manufacturer")).getBytes(StandardCharsets.UTF_8));
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort + "/ledger/soap/BatteryLedger")).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "text/xml; charset=utf-8").header("SOAPAction", "\"urn:batteryledger:ledger:1:submitRecords\"")
                .header("Authorization", "Basic " + basic).POST(java.net.http.HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private String battery(String id) {
        return CrossMemberStory.battery(id, String.format("036HA%s%013d", run, Math.abs(id.hashCode()) % 10_000_000_000_000L), "CATL");
    }

    /** The server (0 or 1, not {@code not}) whose health says active. */
    private static int awaitActive(NodeClient[] node0, int not) {
        AtomicInteger found = new AtomicInteger(-1);
        await("a server of node0 active").atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (int s = 0; s < 2; s++) {
                if (s != not && "active".equals(role(node0[s]))) {
                    found.set(s);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    private static String role(NodeClient server) {
        try {
            NodeClient.Reply h = server.get("auditor", "/health");
            JsonObject o = h.as(Jsonp::object);
            return o.containsKey("replica") ? o.getString("replica") : "";
        } catch (Exception e) {
            return ""; // down, or not serving yet
        }
    }

    /** The lines of the server's log (its current file and the rotated ones: the log is size-capped) from {@code since} on. */
    private String logSince(NodeProcess server, java.time.LocalDateTime since) throws Exception {
        Path logs = dir.resolve(server.server() == 0 ? "nodes/node0/log" : "nodes/node0/log/server-1");
        java.time.format.DateTimeFormatter stamp = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(logs)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("server.log")).toList()) {
                boolean in = false;
                for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (line.length() >= 23 && Character.isDigit(line.charAt(0))) {
                        try {
                            in = !java.time.LocalDateTime.parse(line.substring(0, 23), stamp).isBefore(since);
                        } catch (java.time.format.DateTimeParseException e) {
                            // a continuation line that starts with a digit: as the entry it belongs to
                        }
                    }
                    if (in) {
                        out.append(line).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** For a failure's message: what {@code read} answers, or why it could not be read (the server may be down). */
    private static String orWhy(java.util.concurrent.Callable<String> read) {
        try {
            return read.call();
        } catch (Exception e) {
            return "(not read: " + e + ")";
        }
    }

    /** Whether a server of node0 signed a COMMIT or a PRE-PREPARE since its replica started (its own metrics). */
    private static boolean signedSinceStart(NodeClient server) throws Exception {
        String m = server.get("admin", "/metrics").body();
        return Metrics.value(m, "batteryledger_commits_signed_total") + Metrics.value(m, "batteryledger_proposals_signed_total") > 0;
    }

    /** Whether a block above {@code height} was proposed by {@code node} or carries its seal. */
    private boolean signedAfter(String node, long height) throws Exception {
        for (JsonValue v : validators.get(1).get("auditor", "/chain/blocks?limit=50").as(Jsonp::structure).asJsonArray()) {
            JsonObject b = v.asJsonObject();
            if (b.getJsonNumber("height").longValue() > height && (node.equals(b.getString("proposer"))
                    || b.getJsonArray("signers").getValuesAs(jakarta.json.JsonString::getString).contains(node))) {
                return true;
            }
        }
        return false;
    }

    private String nodeId(String name) throws Exception {
        for (JsonValue v : validators.get(1).get("auditor", "/nodes").as(Jsonp::structure).asJsonArray()) {
            if (v.asJsonObject().getString("name").equals(name)) {
                return v.asJsonObject().getString("id");
            }
        }
        throw new AssertionError("no node " + name);
    }

    private static void signal(String signal, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(), "kill -" + signal + " " + pid);
    }
}
