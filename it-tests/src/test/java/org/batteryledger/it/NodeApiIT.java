package org.batteryledger.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
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
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real EAR on the provisioned WildFly (managed by Arquillian), one node: the REST API end to end, with
 * authentication, roles, problem+json errors, and a governance transaction that becomes a block with its certificate.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class NodeApiIT {
    private static final String API = "http://127.0.0.1:8080/ledger/api";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return ShrinkWrap.create(ZipImporter.class, "battery-ledger.ear")
                .importFrom(new File(System.getProperty("it.ear"))).as(EnterpriseArchive.class);
    }

    private static String password(String user) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(System.getProperty("it.consortium.dir"), "users.properties"))) {
            p.load(r);
        }
        return p.getProperty(user);
    }

    private static HttpResponse<String> call(String user, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(API + path)).timeout(Duration.ofSeconds(60));
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonStructure json(HttpResponse<String> r) {
        return Json.createReader(new StringReader(r.body())).read();
    }

    @Test
    void everyApiNeedsAnAuthenticatedUser() throws Exception {
        assertEquals(401, call(null, "GET", "/chain", null).statusCode());
        assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create(API + "/nodes"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void governanceNeedsTheAdminRole() throws Exception {
        HttpResponse<String> r = call("auditor", "POST", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"x\"}");
        assertEquals(403, r.statusCode(), r.body());
    }

    @Test
    void chainAndNodeListDescribeTheConsortium() throws Exception {
        HttpResponse<String> chain = call("auditor", "GET", "/chain", null);
        assertEquals(200, chain.statusCode(), chain.body());
        JsonObject c = json(chain).asJsonObject();
        assertEquals(1, c.getJsonArray("validators").size());
        assertEquals(0, c.getInt("f"));
        assertEquals(64, c.getString("headHash").length());

        JsonArray nodes = json(call("recycler", "GET", "/nodes", null)).asJsonArray();
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
        HttpResponse<String> submitted = call("admin", "POST", "/admin/proposals",
                "{\"action\":\"set-parameter\",\"name\":\"txLifetimeBlocks\",\"value\":500}");
        assertEquals(202, submitted.statusCode(), submitted.body());
        String txHash = json(submitted).asJsonObject().getString("txHash");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("admin", "GET", "/admin/transactions/" + txHash, null).statusCode() == 200);
        JsonObject receipt = json(call("admin", "GET", "/admin/transactions/" + txHash, null)).asJsonObject();
        assertTrue(receipt.getBoolean("ok"), receipt.toString());
        long height = receipt.getJsonNumber("height").longValue();

        JsonObject block = json(call("auditor", "GET", "/blocks/" + height, null)).asJsonObject();
        assertEquals(height, block.getJsonNumber("height").longValue());
        JsonArray txs = block.getJsonArray("transactions");
        assertTrue(txs.stream().map(JsonValue::asJsonObject).anyMatch(t -> t.getString("hash").equals(txHash)), block.toString());
        assertEquals(1, block.getJsonArray("commitCertificate").size(), "one validator: a quorum of one seal");

        JsonArray proposals = json(call("admin", "GET", "/admin/proposals", null)).asJsonArray();
        assertTrue(proposals.stream().map(JsonValue::asJsonObject)
                .anyMatch(p -> p.getString("id").equals(txHash) && p.getString("status").equals("executed")), proposals.toString());
    }

    @Test
    void badInputGetsASpecificProblem() throws Exception {
        HttpResponse<String> badHeight = call("auditor", "GET", "/blocks/abc", null);
        assertEquals(400, badHeight.statusCode());
        assertTrue(badHeight.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(json(badHeight).asJsonObject().getString("detail").contains("whole number"), badHeight.body());

        assertEquals(404, call("auditor", "GET", "/blocks/999999", null).statusCode());

        HttpResponse<String> malformed = call("admin", "POST", "/admin/proposals", "{\"action\":");
        assertEquals(400, malformed.statusCode(), malformed.body());

        HttpResponse<String> unknownParam = call("admin", "POST", "/admin/proposals", "{\"action\":\"set-parameter\",\"name\":\"bogus\",\"value\":1}");
        assertEquals(422, unknownParam.statusCode(), unknownParam.body());
        assertTrue(json(unknownParam).asJsonObject().getString("detail").contains("unknown parameter bogus"), unknownParam.body());

        HttpResponse<String> missing = call("admin", "POST", "/admin/proposals", "{\"action\":\"remove-node\"}");
        assertEquals(400, missing.statusCode(), missing.body());
        assertTrue(json(missing).asJsonObject().getString("detail").contains("nodeId"), missing.body());
    }
}
