package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real EAR on the provisioned WildFly (managed by Arquillian), one node: the REST API end to end, with
 * authentication, roles, problem+json errors, and a governance transaction that becomes a block with its certificate.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NodeApiIT {

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return ShrinkWrap.create(ZipImporter.class, "battery-ledger.ear")
                .importFrom(new File(System.getProperty("it.ear"))).as(EnterpriseArchive.class);
    }

    private static final NodeClient NODE = new NodeClient(8080, Path.of(System.getProperty("it.consortium.dir")));

    private static NodeClient.Reply call(String user, String method, String path, String json) throws Exception {
        return NODE.call(user, method, path, json);
    }

    @Test
    void theOpenApiDescriptionListsEveryPath() throws Exception {
        new GeneratedClient(NODE).descriptionListsEveryPath();
    }

    @Test
    void theWsdlAndTheOpenApiDescriptionNameFieldsAlike() throws Exception {
        new GeneratedClient(NODE).wsdlAndOpenApiUseTheSameFieldNames();
    }

    @Test
    void aClientGeneratedFromTheDescriptionSubmitsProvesAndValues() throws Exception {
        new GeneratedClient(NODE).submissionProofAndValuationThroughTheGeneratedClient();
    }

    @Test
    void everyApiNeedsAnAuthenticatedUser() throws Exception {
        assertEquals(401, call(null, "GET", "/chain", null).status());
        assertEquals(401, NODE.call("admin", "wrong", "GET", "/nodes", null).status());
    }

    @Test
    void governanceNeedsTheAdminRole() throws Exception {
        NodeClient.Reply r = call("auditor", "POST", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"x\"}");
        assertEquals(403, r.status(), r.body());
    }

    @Test
    void chainAndNodeListDescribeTheConsortium() throws Exception {
        NodeClient.Reply chain = call("auditor", "GET", "/chain", null);
        assertEquals(200, chain.status(), chain.body());
        JsonObject c = chain.as(Jsonp::structure).asJsonObject();
        assertEquals(1, c.getJsonArray("validators").size());
        assertEquals(0, c.getInt("f"));
        assertEquals(64, c.getString("headHash").length());

        JsonArray nodes = (call("recycler", "GET", "/nodes", null)).as(Jsonp::structure).asJsonArray();
        assertEquals(1, nodes.size());
        JsonObject n = nodes.getJsonObject(0);
        assertEquals("node0", n.getString("name"));
        assertEquals("consensus", n.getString("role"));
        assertEquals(0, n.getInt("idx"));
        assertEquals(0, n.getInt("blockNumber"));
        assertEquals(40, n.getString("id").length());
    }

    @Test
    void aProposalBecomesABlockWithItsCommitCertificate() throws Exception {
        NodeClient.Reply submitted = call("admin", "POST", "/admin/proposals",
                "{\"action\":\"set-parameter\",\"name\":\"txLifetimeBlocks\",\"value\":500}");
        assertEquals(202, submitted.status(), submitted.body());
        String txHash = submitted.as(Jsonp::structure).asJsonObject().getString("txHash");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("admin", "GET", "/admin/transactions/" + txHash, null).status() == 200);
        JsonObject receipt = (call("admin", "GET", "/admin/transactions/" + txHash, null)).as(Jsonp::structure).asJsonObject();
        assertTrue(receipt.getBoolean("ok"), receipt.toString());
        long height = receipt.getJsonNumber("height").longValue();

        JsonObject block = (call("auditor", "GET", "/blocks/" + height, null)).as(Jsonp::structure).asJsonObject();
        assertEquals(height, block.getJsonNumber("height").longValue());
        JsonArray txs = block.getJsonArray("transactions");
        assertTrue(txs.stream().map(JsonValue::asJsonObject).anyMatch(t -> t.getString("hash").equals(txHash)), block.toString());
        assertEquals(1, block.getJsonArray("commitCertificate").size(), "one validator: a quorum of one seal");

        JsonArray proposals = (call("admin", "GET", "/admin/proposals", null)).as(Jsonp::structure).asJsonArray();
        assertTrue(proposals.stream().map(JsonValue::asJsonObject)
                .anyMatch(p -> p.getString("id").equals(txHash) && p.getString("status").equals("executed")), proposals.toString());
    }

    /** A withdrawal is checked against the node's state first: a specific 4xx, never a transaction bound to fail. */
    @Test
    void aProposalThatIsNotOpenCannotBeWithdrawn() throws Exception {
        // one agency: its own approval is the quorum, so its proposals execute at once (not an added agency, which would
        // raise the quorum for the other tests: the parameter's default value, unchanged)
        NodeClient.Reply submitted = call("admin", "POST", "/admin/proposals", "{\"action\":\"set-parameter\",\"name\":\"maxBlockTxs\",\"value\":5000}");
        assertEquals(202, submitted.status(), submitted.body());
        String txHash = submitted.as(Jsonp::structure).asJsonObject().getString("txHash");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("admin", "GET", "/admin/transactions/" + txHash, null).status() == 200);
        NodeClient.Reply decided = call("admin", "DELETE", "/admin/proposals/" + txHash, null);
        assertEquals(409, decided.status(), decided.body());
        assertTrue(decided.body().contains("is already executed"), decided.body());
        NodeClient.Reply unknown = call("admin", "DELETE", "/admin/proposals/" + "ab".repeat(32), null);
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(unknown.contentType().startsWith("application/problem+json"), unknown.contentType());
        assertEquals(400, call("admin", "DELETE", "/admin/proposals/not-a-hash", null).status());
        assertEquals(403, call("auditor", "DELETE", "/admin/proposals/" + txHash, null).status());
    }

    @Test
    void badInputGetsASpecificProblem() throws Exception {
        NodeClient.Reply badHeight = call("auditor", "GET", "/blocks/abc", null);
        assertEquals(400, badHeight.status());
        assertTrue(badHeight.contentType().startsWith("application/problem+json"), badHeight.contentType());
        assertTrue(badHeight.as(Jsonp::structure).asJsonObject().getString("detail").contains("whole number"), badHeight.body());

        assertEquals(404, call("auditor", "GET", "/blocks/999999", null).status());

        NodeClient.Reply malformed = call("admin", "POST", "/admin/proposals", "{\"action\":");
        assertEquals(400, malformed.status(), malformed.body());

        NodeClient.Reply unknownParam = call("admin", "POST", "/admin/proposals", "{\"action\":\"set-parameter\",\"name\":\"bogus\",\"value\":1}");
        assertEquals(422, unknownParam.status(), unknownParam.body());
        assertTrue(unknownParam.as(Jsonp::structure).asJsonObject().getString("detail").contains("unknown parameter bogus"), unknownParam.body());

        NodeClient.Reply missing = call("admin", "POST", "/admin/proposals", "{\"action\":\"remove-node\"}");
        assertEquals(400, missing.status(), missing.body());
        assertTrue(missing.as(Jsonp::structure).asJsonObject().getString("detail").contains("nodeId"), missing.body());
    }

    // CONTRACT.md: no answer carries a stack trace or an exception's class (issue 14): what the JAX-RS runtime raises too.
    @Test
    void problemsNeverNameAJavaClass() throws Exception {
        Pattern java = Pattern.compile("[a-z]\\w*(\\.\\w+)*\\.[A-Z]\\w*|\\w+Exception\\b|\\w+Error\\b|\\.java:\\d+|RESTEASY\\d+");
        NodeClient.Reply badParameter = call("auditor", "GET", "/nodes/participation?buckets=abc", null);
        assertEquals(400, badParameter.status(), badParameter.body());
        assertEquals(405, call("auditor", "DELETE", "/chain", null).status());
        assertEquals(404, call("auditor", "GET", "/no-such-thing", null).status());
        for (NodeClient.Reply r : List.of(badParameter, call("admin", "POST", "/admin/proposals", "{\"action\":"),
                call("auditor", "DELETE", "/chain", null), call("auditor", "GET", "/no-such-thing", null), call("auditor", "GET", "/blocks/abc", null))) {
            assertTrue(r.status() >= 400 && r.status() < 500, r.status() + " " + r.body());
            assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType() + " " + r.body());
            assertFalse(r.as(Jsonp::structure).asJsonObject().getString("detail").isBlank(), r.body());
            assertFalse(java.matcher(r.body()).find(), "a Java name in " + r.body());
        }
    }

    /**
     * Issue 17: Basic credentials that are not base64 made WildFly's BASIC mechanism answer 500 with its HTML error
     * page and a stack trace, on every path. Sent over a raw socket, as a client could send them (bytes no HTTP
     * library would put in a header among them).
     */
    @Test
    void malformedBasicCredentialsGetA401ProblemOnEveryPath() throws Exception {
        List<byte[]> headers = List.of("Basic %%%notbase64".getBytes(StandardCharsets.US_ASCII), "Basic YWRtaW46d3Jvbmc".getBytes(StandardCharsets.US_ASCII),
                "Basic YWRt aW46".getBytes(StandardCharsets.US_ASCII), new byte[]{'B', 'a', 's', 'i', 'c', ' ', (byte) 0xc3, '(', 'a', 'b', 'c'});
        for (String path : List.of("/ledger/api/chain", "/ledger/api/records", "/ledger/soap/BatteryLedger", "/ledger/console/")) {
            for (byte[] header : headers) {
                String answer = raw(path, header);
                String what = path + " with Authorization: " + new String(header, StandardCharsets.ISO_8859_1) + "\n" + answer;
                assertTrue(answer.startsWith("HTTP/1.1 401 "), what);
                assertTrue(answer.contains("Content-Type: application/problem+json"), what);
                assertTrue(answer.contains("WWW-Authenticate: Basic realm="), what);
                assertTrue(answer.contains("\"detail\":\"the Authorization header's Basic credentials are not base64"), what);
                assertFalse(answer.contains("Exception") || answer.contains("<html"), what);
            }
        }
        // Well-formed credentials still go to the realm: wrong ones are its 401, right ones pass.
        assertTrue(raw("/ledger/api/chain", ("Basic " + java.util.Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 401 "));
        String admin = "admin:" + NODE.password("admin");
        assertTrue(raw("/ledger/api/chain", ("Basic " + java.util.Base64.getEncoder().encodeToString(admin.getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 "));
    }

    /** A GET over a plain socket with the given Authorization value; the whole answer. */
    private static String raw(String path, byte[] authorization) throws Exception {
        return raw("GET", path, authorization, java.util.Map.of(), new byte[0]);
    }

    /** A request over a plain socket, headers and body as given; the whole answer. */
    private static String raw(String method, String path, byte[] authorization, java.util.Map<String, String> headers, byte[] body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", 8080)) {
            socket.setSoTimeout(30_000);
            java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\nContent-Length: "
                    + body.length + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            request.writeBytes((head + "Authorization: ").getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(authorization);
            request.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(body);
            socket.getOutputStream().write(request.toByteArray());
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] basic(String user) throws Exception {
        return ("Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + NODE.password(user)).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Issue 17: bodies and headers that got a 500 from the REST runtime or the SOAP stack get a 4xx that names what
     * is wrong: numbers beyond a double, 10,000-deep nesting, a charset the node has no decoder for, a weight that is
     * not a number, bytes that are no CMS.
     */
    @Test
    void hostileBodiesAndHeadersGetA4xxThatNamesTheProblem() throws Exception {
        java.util.Map<String, String> json = java.util.Map.of("Content-Type", "application/json");
        String record = "{\"recordId\":\"hostile-1\",\"type\":\"battery\",\"batteryCode\":\"036PE0B1A2C3D4E5F6G7HOST\",\"manufacturer\":\"CATL\","
                + "\"chemistry\":\"LFP\",\"ratedCapacityAh\":280,\"nominalVoltageV\":3.2,\"ratedCycleLife\":6000,\"ratedCycleDod\":1,"
                + "\"ratedCycleTempC\":25,\"manufacturedAt\":\"2024-03-01T00:00:00Z\",\"note\":2e308}";
        byte[] deep = ("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.US_ASCII);
        byte[] random = new byte[500];
        new java.util.Random(17).nextBytes(random);
        record Probe(String user, String method, String path, java.util.Map<String, String> headers, byte[] body, String status, String says) {
        }
        for (Probe p : List.of(
                new Probe("auditor", "POST", "/ledger/api/records/verify", json, record.getBytes(StandardCharsets.US_ASCII), "400", "beyond the range of an IEEE double"),
                new Probe("recycler", "POST", "/ledger/api/valuations", json, "{\"batteryCode\":\"X\",\"partial\":1e2147483648}".getBytes(StandardCharsets.US_ASCII), "400", "number out of range"),
                new Probe("recycler", "POST", "/ledger/api/valuations", json, deep, "400", "nested deeper than 64 levels"),
                new Probe("recycler", "POST", "/ledger/api/valuations/lots", json, deep, "400", "nested deeper than 64 levels"),
                new Probe("admin", "POST", "/ledger/api/admin/proposals", json, deep, "400", "nested deeper than 64 levels"),
                new Probe("manufacturer", "POST", "/ledger/api/records", java.util.Map.of("Content-Type", "application/json; charset=bogus"), "[]".getBytes(StandardCharsets.US_ASCII), "415", "charset 'bogus'"),
                new Probe("auditor", "GET", "/ledger/api/chain", java.util.Map.of("Accept", "*/*;q=bogus"), new byte[0], "400", "weight q=bogus"),
                new Probe("auditor", "POST", "/ledger/api/valuations/verify", java.util.Map.of("Content-Type", "application/octet-stream"), random, "400", "not a CMS SignedData"),
                new Probe("auditor", "POST", "/ledger/soap/BatteryLedger", java.util.Map.of("Content-Type", "text/xml; charset=ebcdic"), "<x/>".getBytes(StandardCharsets.US_ASCII), "415", "<faultcode>soap:Client</faultcode>"),
                new Probe("auditor", "POST", "/ledger/soap/BatteryLedger", java.util.Map.of("Content-Type", "multipart/related"), "<x/>".getBytes(StandardCharsets.US_ASCII), "415", "no boundary parameter"))) {
            String answer = raw(p.method(), p.path(), basic(p.user()), p.headers(), p.body());
            String what = p.method() + " " + p.path() + " " + p.headers() + "\n" + answer.substring(0, Math.min(answer.length(), 600));
            assertTrue(answer.startsWith("HTTP/1.1 " + p.status() + " "), what);
            assertTrue(answer.contains(p.says()), what);
            assertFalse(answer.contains("Exception") || answer.contains("<html") || answer.contains("RESTEASY"), what);
        }
        // A record with such a number is refused by name in the submission's answer, and nothing of it is stored.
        NodeClient.Reply submitted = call("manufacturer", "POST", "/records", "[" + record + "]");
        assertTrue(submitted.body().contains("field 'note' holds 2E+308, beyond the range of an IEEE double"), submitted.body());
        assertEquals(0, submitted.as(Jsonp::object).getJsonArray("accepted").size(), submitted.body());
        assertEquals(404, call("auditor", "GET", "/records/hostile-1", null).status());
    }

    @Test
    void healthAndPrometheusMetricsDescribeTheNode() throws Exception {
        NodeClient.Reply health = call("auditor", "GET", "/health", null);
        assertEquals(200, health.status(), health.body());
        assertEquals("UP", health.as(Jsonp::structure).asJsonObject().getString("status"));
        assertTrue(health.as(Jsonp::object).getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                        .anyMatch(c -> c.getString("name").equals("routes") && c.getString("status").equals("UP")),
                "the Camel context is started: " + health.body());

        NodeClient.Reply metrics = call("auditor", "GET", "/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());
        for (String name : new String[]{"batteryledger_height ", "batteryledger_participation{", "batteryledger_log_directory_bytes ",
                "batteryledger_log_cap_bytes ", "batteryledger_disk_free_bytes ", "batteryledger_commit_latency_seconds_bucket{le=\"0.05\"} ",
                "batteryledger_commit_latency_seconds_bucket{le=\"+Inf\"} ", "batteryledger_commit_latency_seconds_count ",
                "batteryledger_signatures_verified_total ", "batteryledger_signatures_vouched_total "}) {
            assertTrue(metrics.body().contains(name), name + " missing from\n" + metrics.body());
        }
        long entries = Metrics.value(metrics.body(), "batteryledger_state_entries");
        long replay = Metrics.value(metrics.body(), "batteryledger_replay_index_transactions");
        assertTrue(replay >= 0 && entries >= 2 * replay, "each remembered transaction is two entries: " + replay + " of " + entries);
    }
}
