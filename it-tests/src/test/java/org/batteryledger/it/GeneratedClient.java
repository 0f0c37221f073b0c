package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
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
import org.batteryledger.client.model.BatteryRecord;
import org.batteryledger.client.model.SessionRecord;
import org.batteryledger.client.model.Submission;
import org.batteryledger.client.model.SubmittedRecord;

import java.nio.charset.StandardCharsets;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
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
 * openapi-generator (consortium-cli's build: the launcher's typed client) running a record submission, a proof fetch and a valuation against the real EAR.
 */
final class GeneratedClient {
    /** Every path the resources serve, as the API description must list them (the description itself aside). */
    static final Set<String> PUBLIC_PATHS = new TreeSet<>(List.of("/api/admin/node-requests", "/api/admin/node-requests/csr",
            "/api/admin/node-requests/{nodeId}", "/api/admin/proposals", "/api/admin/proposals/{id}", "/api/admin/proposals/{id}/approvals",
            "/api/admin/transactions/{hash}", "/api/agencies", "/api/batteries", "/api/batteries/summary", "/api/batteries/{code}",
            "/api/blocks/{height}", "/api/chain", "/api/chain/blocks", "/api/disclosures", "/api/health", "/api/metrics", "/api/nodes",
            "/api/nodes/concentration", "/api/nodes/participation", "/api/records", "/api/records/verify", "/api/records/{recordId}",
            "/api/records/{recordId}/proof", "/api/revocations", "/api/session", "/api/signers", "/api/signers/{fingerprint}",
            "/api/signers/{fingerprint}/certificate", "/api/signers/{fingerprint}/revocation", "/api/storage",
            "/api/storage/logs/archive", "/api/storage/logs/cleanup", "/api/storage/nodes", "/api/valuations", "/api/valuations/lots",
            "/api/valuations/lots/{id}", "/api/valuations/lots/{id}/cancel", "/api/valuations/lots/{id}/certificates.zip",
            "/api/valuations/lots/{id}/report.csv", "/api/valuations/lots/{id}/report.pdf", "/api/valuations/registrations",
            "/api/valuations/verify", "/api/valuations/{id}", "/api/valuations/{id}/bundle", "/api/valuations/{id}/evidence"));

    private final NodeClient node;

    GeneratedClient(NodeClient node) {
        this.node = node;
    }

    void descriptionListsEveryPath() throws Exception {
        NodeClient.Reply served = node.get("auditor", "/openapi");
        assertEquals(200, served.status(), served.body());
        JsonObject doc = served.as(Jsonp::object);
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

    /**
     * The WSDL and the OpenAPI description name the same things alike: each type both describe has the same fields (JSON
     * records add {@code type}, which SOAP says by the element's name).
     */
    void wsdlAndOpenApiUseTheSameFieldNames() throws Exception {
        JsonObject schemas = node.get("auditor", "/openapi").as(Jsonp::object).getJsonObject("components").getJsonObject("schemas");
        org.w3c.dom.Document wsdl = javax.xml.parsers.DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder()
                .parse(java.nio.file.Path.of("../web-admin/src/main/webapp/WEB-INF/wsdl/BatteryLedger.wsdl").toFile());
        org.w3c.dom.NodeList types = wsdl.getElementsByTagNameNS("http://www.w3.org/2001/XMLSchema", "complexType");
        Set<String> compared = new TreeSet<>();
        for (int i = 0; i < types.getLength(); i++) {
            org.w3c.dom.Element type = (org.w3c.dom.Element) types.item(i);
            String name = type.getAttribute("name");
            if (name.isEmpty() || !schemas.containsKey(name)) {
                continue;
            }
            Set<String> soap = new TreeSet<>();
            org.w3c.dom.Node sequence = type.getElementsByTagNameNS("http://www.w3.org/2001/XMLSchema", "sequence").item(0);
            for (org.w3c.dom.Node c = sequence.getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c instanceof org.w3c.dom.Element e && e.getLocalName().equals("element")) {
                    soap.add(e.getAttribute("name"));
                }
            }
            Set<String> rest = new TreeSet<>(schemas.getJsonObject(name).getJsonObject("properties").keySet());
            rest.remove("type");
            assertEquals(soap, rest, name + ": the WSDL's fields and the OpenAPI description's");
            compared.add(name);
        }
        assertEquals(new TreeSet<>(List.of("Accepted", "Anchor", "BatteryRecord", "Holder", "Proof", "Registration", "Rejected", "SessionRecord")), compared);
    }

    void submissionProofAndValuationThroughTheGeneratedClient() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String code = "036GEN0B1A2C3D4E5F" + run.substring(0, 6);
        List<SubmittedRecord> records = new ArrayList<>();
        records.add(new SubmittedRecord(new BatteryRecord().recordId("gen-erp-" + run).type(BatteryRecord.TypeEnum.BATTERY).batteryCode(code)
                .manufacturer("CATL").chemistry(BatteryRecord.ChemistryEnum.LFP).ratedCapacityAh(new BigDecimal("100"))
                .nominalVoltageV(new BigDecimal("400")).ratedCycleLife(new BigDecimal("3000")).ratedCycleDod(new BigDecimal("0.8"))
                .ratedCycleTempC(new BigDecimal("25")).manufacturedAt(OffsetDateTime.parse("2024-01-15T00:00:00Z"))));
        OffsetDateTime t = OffsetDateTime.parse("2024-03-01T07:00:00Z");
        for (int i = 0; i < 10; i++) {
            records.add(new SubmittedRecord(new SessionRecord().recordId("gen-" + run + "-" + i).type(SessionRecord.TypeEnum.SESSION)
                    .batteryCode(code).operator("ChargeCo").startedAt(t).endedAt(t.plusMinutes(90)).socStart(new BigDecimal("0.2"))
                    .socEnd(new BigDecimal("0.9")).energyKWh(new BigDecimal("28.0")).avgTempC(new BigDecimal("22")).maxTempC(new BigDecimal("27"))));
            t = t.plusDays(1);
        }
        Submission submitted = new RecordsApi(client("admin")).submitRecords(records);
        assertEquals(11, submitted.getAccepted().size(), submitted.toString());
        assertTrue(submitted.getRejected().isEmpty());
        assertNull(submitted.getAccepted().get(0).getDuplicate());
        assertEquals(10, submitted.getAccepted().get(10).getIndex());

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

    /** The launcher's typed client, generated from the description the node serves; a valuation may take its time. */
    private ApiClient client(String user) throws Exception {
        return node.withTimeout(Duration.ofSeconds(120)).typed(user);
    }
}
