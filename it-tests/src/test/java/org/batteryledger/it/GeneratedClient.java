package org.batteryledger.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.json.JsonObject;
import org.batteryledger.client.ApiClient;
import org.batteryledger.client.ApiException;
import org.batteryledger.client.api.RecordsApi;
import org.batteryledger.client.api.ValuationsApi;
import org.batteryledger.client.model.IssueRequest;
import org.batteryledger.client.model.Issued;
import org.batteryledger.client.model.Proof;
import org.batteryledger.client.model.Submission;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's API as an integration team meets it: the OpenAPI description served at {@code /ledger/api/openapi} (every
 * public path, HTTP basic security, problem+json errors), and a client generated from that very file by
 * openapi-generator (it-tests' pom) running a record submission, a proof fetch and a valuation against the real EAR.
 */
final class GeneratedClient {
    /** Every path the resources serve, as the API description must list them (the description itself aside). */
    static final Set<String> PUBLIC_PATHS = new TreeSet<>(List.of("/api/admin/node-requests", "/api/admin/node-requests/csr",
            "/api/admin/node-requests/{nodeId}", "/api/admin/proposals", "/api/admin/proposals/{id}/approvals",
            "/api/admin/transactions/{hash}", "/api/agencies", "/api/batteries", "/api/batteries/summary", "/api/batteries/{code}",
            "/api/blocks/{height}", "/api/chain", "/api/chain/blocks", "/api/disclosures", "/api/health", "/api/metrics", "/api/nodes",
            "/api/nodes/concentration", "/api/nodes/participation", "/api/records", "/api/records/verify", "/api/records/{recordId}",
            "/api/records/{recordId}/proof", "/api/revocations", "/api/session", "/api/signers", "/api/signers/{fingerprint}",
            "/api/signers/{fingerprint}/certificate", "/api/signers/{fingerprint}/revocation", "/api/storage",
            "/api/storage/logs/archive", "/api/storage/logs/cleanup", "/api/storage/nodes", "/api/valuations", "/api/valuations/lots",
            "/api/valuations/lots/{id}", "/api/valuations/lots/{id}/cancel", "/api/valuations/lots/{id}/certificates.zip",
            "/api/valuations/lots/{id}/report.csv", "/api/valuations/lots/{id}/report.pdf", "/api/valuations/registrations",
            "/api/valuations/verify", "/api/valuations/{id}"));

    private final NodeClient node;

    GeneratedClient(NodeClient node) {
        this.node = node;
    }

    void descriptionListsEveryPath() throws Exception {
        NodeClient.Reply served = node.get("auditor", "/openapi");
        assertEquals(200, served.status(), served.body());
        JsonObject doc = served.object();
        assertTrue(doc.getString("openapi").startsWith("3."), doc.getString("openapi"));
        assertEquals(PUBLIC_PATHS, new TreeSet<>(doc.getJsonObject("paths").keySet()));
        assertEquals("/ledger", doc.getJsonArray("servers").getJsonObject(0).getString("url"));
        JsonObject basic = doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("basic");
        assertEquals("http", basic.getString("type"));
        assertEquals("basic", basic.getString("scheme"));
        assertTrue(doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem").getJsonObject("properties")
                .containsKey("detail"));
        JsonObject submit = doc.getJsonObject("paths").getJsonObject("/api/records").getJsonObject("post");
        assertEquals("submitRecords", submit.getString("operationId"), "the WSDL's operation names");
        assertTrue(submit.getJsonObject("responses").getJsonObject("default").getJsonObject("content").containsKey("application/problem+json"));
        NodeClient.Reply yaml = node.get("auditor", "/openapi?format=yaml");
        assertEquals(200, yaml.status());
        assertTrue(yaml.body().contains("openapi: 3."), yaml.body().substring(0, Math.min(200, yaml.body().length())));
        assertEquals(400, node.get("auditor", "/openapi?format=xml").status());
        assertEquals(401, node.call(null, "GET", "/openapi", null).status());
    }

    void submissionProofAndValuationThroughTheGeneratedClient() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String code = "036GEN0B1A2C3D4E5F" + run.substring(0, 6);
        List<Object> records = new ArrayList<>();
        Map<String, Object> master = new LinkedHashMap<>();
        master.put("recordId", "gen-erp-" + run);
        master.put("type", "battery");
        master.put("batteryCode", code);
        master.put("manufacturer", "CATL");
        master.put("chemistry", "LFP");
        master.put("ratedCapacityAh", 100);
        master.put("nominalVoltageV", 400);
        master.put("ratedCycleLife", 3000);
        master.put("ratedCycleDod", 0.8);
        master.put("ratedCycleTempC", 25);
        master.put("manufacturedAt", "2024-01-15T00:00:00Z");
        records.add(master);
        Instant t = Instant.parse("2024-03-01T07:00:00Z");
        for (int i = 0; i < 10; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("recordId", "gen-" + run + "-" + i);
            s.put("type", "session");
            s.put("batteryCode", code);
            s.put("operator", "ChargeCo");
            s.put("startedAt", t.toString());
            s.put("endedAt", t.plus(Duration.ofMinutes(90)).toString());
            s.put("socStart", 0.2);
            s.put("socEnd", 0.9);
            s.put("energyKWh", 28.0);
            s.put("avgTempC", 22);
            s.put("maxTempC", 27);
            records.add(s);
            t = t.plus(Duration.ofDays(1));
        }
        Submission submitted = new RecordsApi(client("admin")).submitRecords(records);
        assertEquals(11, submitted.getAccepted().size(), submitted.toString());
        assertTrue(submitted.getRejected().isEmpty());
        assertNull(submitted.getAccepted().get(0).getDuplicate());

        // The node's problem+json, as the generated client hands it over.
        ApiException refused = assertThrows(ApiException.class, () -> new RecordsApi(client("admin")).submitRecords(List.of()));
        assertEquals(400, refused.getCode());
        JsonNode problem = new ObjectMapper().readTree(refused.getResponseBody());
        assertEquals("the array holds no records", problem.path("detail").asText());

        RecordsApi records2 = new RecordsApi(client("auditor"));
        String last = "gen-" + run + "-9";
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> records2.getProof(last) != null && records2.getProof("gen-erp-" + run) != null);
        Proof proof = records2.getProof(last);
        assertEquals(submitted.getAccepted().get(10).getHash(), proof.getRecordHash());
        assertTrue(proof.getBlockHeight() > 0 && proof.getTreeSize() >= 1, proof.toString());
        assertEquals(64, proof.getBatchRoot().length());

        Issued issued = new ValuationsApi(client("recycler")).issueValuation(new IssueRequest().batteryCode(code));
        assertEquals(code, issued.getBatteryCode());
        assertEquals("registered", issued.getRegistration().getStatus(), issued.toString());
        assertEquals(issued.getCertificateHash(), issued.getRegistration().getCertificateHash());
        assertTrue(issued.getCertificateId().startsWith("VC-"));
        assertEquals(code, ((Map<?, ?>) ((Map<?, ?>) issued.getCertificate()).get("battery")).get("batteryCode"));
    }

    private ApiClient client(String user) throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:8080/ledger");
        String credentials = Base64.getEncoder().encodeToString((user + ":" + node.password(user)).getBytes(StandardCharsets.UTF_8));
        client.setRequestInterceptor(b -> b.header("Authorization", "Basic " + credentials));
        client.setReadTimeout(Duration.ofSeconds(120));
        return client;
    }
}
