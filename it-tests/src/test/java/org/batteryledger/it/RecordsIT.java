package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordVerifier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Battery records pushed over REST into the real EAR: per-record answers, roles, dedupe and conflicts, bad input
 * refused whole, anchoring in a Merkle batch, and a proof that verifies offline with only the chain's certificates.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RecordsIT {
    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return ShrinkWrap.create(ZipImporter.class, "battery-ledger.ear")
                .importFrom(new File(System.getProperty("it.ear"))).as(EnterpriseArchive.class);
    }

    private static final Path CONSORTIUM = Path.of(System.getProperty("it.consortium.dir"));
    private static final NodeClient NODE = new NodeClient(8080, CONSORTIUM);
    /** Fresh ids per run: the node's database outlives a run of this class. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    private static final String CODE = "036PE0B1A2C3D4E5F6" + RUN.substring(0, 6);

    static String battery(String id, String code) {
        return "{\"recordId\":\"" + id + "\",\"type\":\"battery\",\"batteryCode\":\"" + code + "\",\"manufacturer\":\"CATL\",\"chemistry\":\"LFP\","
                + "\"ratedCapacityAh\":280,\"nominalVoltageV\":3.2,\"ratedCycleLife\":6000,\"ratedCycleDod\":1,\"ratedCycleTempC\":25,"
                + "\"manufacturedAt\":\"2024-03-01T00:00:00Z\"}";
    }

    static String session(String id, String code, double socEnd) {
        return "{\"recordId\":\"" + id + "\",\"type\":\"session\",\"batteryCode\":\"" + code + "\",\"operator\":\"ChargeCo\","
                + "\"startedAt\":\"2024-05-01T08:00:00Z\",\"endedAt\":\"2024-05-01T09:00:00Z\",\"socStart\":0.2,\"socEnd\":" + socEnd
                + ",\"energyKWh\":0.6,\"avgTempC\":27.5,\"maxTempC\":31}";
    }

    static String sha256(String canonical) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void pushedRecordsAreAnsweredOneByOneAnchoredAndProvable() throws Exception {
        String master = battery("erp-" + RUN, CODE);
        NodeClient.Reply m = NODE.call("manufacturer", "POST", "/records", "[" + master + "]");
        assertEquals(202, m.status(), m.body());
        JsonObject accepted = m.as(Jsonp::object).getJsonArray("accepted").getJsonObject(0);
        assertEquals(sha256(new String(Jcs.canonicalBytes(master), StandardCharsets.UTF_8)), accepted.getString("hash"),
                "the hash is SHA-256 of the RFC 8785 form");

        String s1 = session("cpo-" + RUN + "-1", CODE, 0.9);
        String unknown = session("cpo-" + RUN + "-2", "NOSUCHBATTERY" + RUN, 0.9);
        String outOfRange = session("cpo-" + RUN + "-3", CODE, 1.5);
        String conflict = session("cpo-" + RUN + "-1", CODE, 0.8);
        NodeClient.Reply c = NODE.call("charging", "POST", "/records", "[" + s1 + "," + unknown + "," + outOfRange + "," + s1 + "," + conflict + "]");
        assertEquals(202, c.status(), c.body());
        JsonArray ok = c.as(Jsonp::object).getJsonArray("accepted");
        JsonArray bad = c.as(Jsonp::object).getJsonArray("rejected");
        assertEquals(2, ok.size(), c.body());
        assertTrue(ok.getJsonObject(1).getBoolean("duplicate"), "the same record twice is accepted once: " + c.body());
        assertEquals(3, bad.size(), c.body());
        assertEquals(1, bad.getJsonObject(0).getInt("index"));
        assertTrue(bad.getJsonObject(0).getString("reason").startsWith("unknown battery NOSUCHBATTERY"), c.body());
        assertTrue(bad.getJsonObject(1).getString("reason").contains("field 'socEnd' must be at least 0 and at most 1"), c.body());
        assertTrue(bad.getJsonObject(2).getString("reason").startsWith("conflict: record cpo-" + RUN + "-1 was taken in with hash"), c.body());

        NodeClient.Reply wrongRole = NODE.call("manufacturer", "POST", "/records", "[" + session("cpo-" + RUN + "-4", CODE, 0.5) + "]");
        assertTrue(wrongRole.as(Jsonp::object).getJsonArray("rejected").getJsonObject(0).getString("reason").contains("may not submit 'session' records"));
        assertEquals(403, NODE.call("auditor", "POST", "/records", "[" + s1 + "]").status());

        String proofPath = "/records/cpo-" + RUN + "-1/proof";
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> NODE.call("auditor", "GET", proofPath, null).status() == 200);
        JsonObject proof = NODE.call("recycler", "GET", proofPath, null).as(Jsonp::object);
        assertEquals(ok.getJsonObject(0).getString("hash"), proof.getString("recordHash"));

        // Offline: only the chain CA, the node's certificate chain and the chain id; no node in the loop.
        Path data = CONSORTIUM.resolve("nodes/node0/data");
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        X509Certificate ca = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(data.resolve("ca.crt"))));
        X509Certificate node = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(data.resolve("node.crt"))));
        X509Certificate agency = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(data.resolve("agency-ca.crt"))));
        Hash chainId = Hash.fromHex(NODE.call("auditor", "GET", "/chain", null).as(Jsonp::object).getString("chainId"));
        RecordVerifier verifier = RecordVerifier.fromCertificates(Suites.ecdsa(), chainId, ca, List.of(List.of(node, agency)), Instant.now());
        AnchorEvidence evidence = AnchorEvidence.decode(Hex.decode(proof.getString("evidence")));
        RecordVerifier.Verdict v = verifier.verify(Jcs.canonicalBytes(s1), evidence);
        assertTrue(v.valid(), v.reason());
        assertFalse(verifier.verify(Jcs.canonicalBytes(conflict), evidence).valid());

        NodeClient.Reply verified = NODE.call("recycler", "POST", "/records/verify", s1);
        assertTrue(verified.as(Jsonp::object).getBoolean("valid"), verified.body());
        NodeClient.Reply changed = NODE.call("recycler", "POST", "/records/verify", s1.replace("\"energyKWh\":0.6", "\"energyKWh\":6"));
        assertFalse(changed.as(Jsonp::object).getBoolean("valid"), changed.body());
        assertTrue(changed.as(Jsonp::object).getString("reason").startsWith("the record does not match the anchored hash"), changed.body());

        String metrics = NODE.call("auditor", "GET", "/metrics", null).body();
        assertTrue(metrics.contains("batteryledger_records_stored_total ") && metrics.contains("batteryledger_records_rejected_total "), metrics);

        JsonObject passport = NODE.call("recycler", "GET", "/batteries/" + CODE, null).as(Jsonp::object);
        assertEquals(1, passport.getInt("sessionCount"), passport.toString());
        assertEquals(0.35, passport.getJsonNumber("equivalentFullCycles").doubleValue(), 1e-9);
    }

    @Test
    void badInputIsRefusedWholeWithAPreciseProblem() throws Exception {
        NodeClient.Reply malformed = NODE.call("charging", "POST", "/records", "[{\"recordId\": \"x\",}]");
        assertEquals(400, malformed.status(), malformed.body());
        assertTrue(malformed.contentType().startsWith("application/problem+json"), malformed.contentType());
        assertTrue(malformed.as(Jsonp::object).getString("detail").startsWith("malformed JSON"), malformed.body());
        assertTrue(malformed.as(Jsonp::object).getString("detail").contains("column"), malformed.body());

        NodeClient.Reply single = NODE.call("charging", "POST", "/records", session("x-" + RUN, CODE, 0.5));
        assertEquals(400, single.status(), single.body());

        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i <= 1000; i++) {
            big.append(i == 0 ? "" : ",").append(battery("big-" + RUN + "-" + i, "BIG" + RUN));
        }
        NodeClient.Reply oversized = NODE.call("manufacturer", "POST", "/records", big.append("]").toString());
        assertEquals(413, oversized.status(), oversized.body());
        assertTrue(oversized.as(Jsonp::object).getString("detail").contains("at most 1000 records, this one 1001"), oversized.body());
        NodeClient.Reply none = NODE.call("auditor", "GET", "/records/big-" + RUN + "-0/proof", null);
        assertEquals(404, none.status());
        assertTrue(none.as(Jsonp::object).getString("detail").contains("holds no record"), "nothing of it was stored: " + none.body());
    }
}
