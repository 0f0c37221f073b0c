package org.batteryledger.it;

import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.json.Jcs;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.valuation.certificate.CertificateSigner;
import org.batteryledger.core.valuation.certificate.ValuationCertificate;
import eu.europa.esig.dss.enumerations.Indication;
import eu.europa.esig.dss.simplereport.SimpleReport;
import org.batteryledger.core.valuation.certificate.DssValidation;
import org.batteryledger.node.directory.NodeDirectory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's document signer over its life, on the real EAR: {@code ./consortium rotate-signer} (the node registers the
 * new signer before it signs, retiring the old; what the old one signed still verifies), a key compromise revoked over
 * REST with its reason (what the chain registered before still verifies; a certificate forged with the stolen key
 * does not, and says why; the node signs nothing more until it has a new key), the CRLs {@code ./consortium crl}
 * publishes taken by EU DSS (the retired signer's certificate passes, the revoked one's fails), and a new signer after.
 */
final class SignerLifecycle {
    private final NodeClient node;
    private final Path consortium;
    private final String batteryCode;

    SignerLifecycle(NodeClient node, Path consortium, String batteryCode) {
        this.node = node;
        this.consortium = consortium;
        this.batteryCode = batteryCode;
    }

    /** @param firstCms a certificate node0 signed before any of this, with its first signer */
    void run(byte[] firstCms) throws Exception {
        NodeDirectory node0 = new NodeDirectory(consortium.resolve("nodes/node0"));
        String first = current(node0);

        assertEquals(0, Consortium.at(consortium).rotateSigner("node0"));
        byte[] secondCms;
        NodeDirectory.DocumentSigner stolen;
        try {
            String thirdId = issue();
            String second = current(node0);
            assertNotEquals(first, second);
            JsonObject old = signer(first);
            assertEquals("retired", old.getString("status"), old.toString());
            assertEquals(second, old.getString("retiredBy"));
            assertTrue(verify(firstCms).getBoolean("valid"), "signed before the rotation: still valid");
            secondCms = ValuationIT.raw("auditor", "GET", "/valuations/" + thirdId, "application/pkcs7-mime", null, null).body();
            assertTrue(verify(secondCms).getBoolean("valid"));
            stolen = node0.documentSigner().orElseThrow();

            // The new key leaks: its agency revokes it at once.
            assertEquals(400, node.post("admin", "/signers/" + second + "/revocation", "{\"reason\":\"lost\"}").status());
            assertEquals(400, node.post("admin", "/signers/XYZ/revocation", "{}").status());
            assertEquals(404, node.post("admin", "/signers/" + "0".repeat(64) + "/revocation", "{}").status());
            assertEquals(403, node.post("recycler", "/signers/" + second + "/revocation", "{}").status());
            NodeClient.Reply revoked = node.post("admin", "/signers/" + second + "/revocation", "{\"reason\":\"keyCompromise\"}");
            assertEquals(202, revoked.status(), revoked.body());
            String tx = revoked.as(Jsonp::object).getString("txHash");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> node.get("admin", "/admin/transactions/" + tx).status() == 200);
            assertTrue(node.get("admin", "/admin/transactions/" + tx).as(Jsonp::object).getBoolean("ok"));
            JsonObject record = signer(second);
            assertEquals("revoked", record.getString("status"), record.toString());
            assertEquals("keyCompromise", record.getString("reason"));
            assertEquals(409, node.post("admin", "/signers/" + second + "/revocation", "{}").status());

            JsonObject registeredBefore = verify(secondCms);
            assertTrue(registeredBefore.getBoolean("valid"), "registered on chain before the revocation: " + registeredBefore);
            JsonObject forged = verify(forge(secondCms, node0, stolen));
            assertFalse(forged.getBoolean("valid"), forged.toString());
            assertTrue(forged.getString("reason").contains("was revoked at block " + record.getJsonNumber("revokedHeight").longValue()
                    + ": keyCompromise"), forged.toString());
            // Outsiders learn it from the CRLs the launcher publishes: EU DSS passes the retired signer's certificate
            // and fails the revoked one's, as the chain does for anything it did not register before.
            assertEquals(0, Consortium.at(consortium).publishCrls(8080));
            List<byte[]> crls = List.of(Files.readAllBytes(consortium.resolve("crl/chain-ca.crl")),
                    Files.readAllBytes(consortium.resolve("crl/" + node0.properties().getProperty("agency") + ".crl")));
            SimpleReport passed = DssValidation.validate(firstCms, node0.chainCa(), crls, Instant.now());
            assertEquals(Indication.TOTAL_PASSED, passed.getIndication(passed.getFirstSignatureId()),
                    passed.getSubIndication(passed.getFirstSignatureId()) + " " + passed.getAdESValidationErrors(passed.getFirstSignatureId()));
            SimpleReport failed = DssValidation.validate(secondCms, node0.chainCa(), crls, Instant.now());
            String sub = String.valueOf(failed.getSubIndication(failed.getFirstSignatureId()));
            assertNotEquals(Indication.TOTAL_PASSED, failed.getIndication(failed.getFirstSignatureId()));
            assertTrue(sub.startsWith("REVOKED"), failed.getIndication(failed.getFirstSignatureId()) + " " + sub);

            NodeClient.Reply refused = node.post("recycler", "/valuations", "{\"batteryCode\":\"" + batteryCode + "\"}");
            assertEquals(409, refused.status(), refused.body());
            assertTrue(refused.as(Jsonp::object).getString("detail").contains("rotate-signer"), refused.body());
        } finally {
            Consortium.at(consortium).rotateSigner("node0"); // the other tests value with node0
        }
        issue();
        String third = current(node0);
        assertEquals("current", signer(third).getString("status"));
        JsonObject revoked = signer(stolenFingerprint(node0, stolen));
        assertEquals("revoked", revoked.getString("status"));
        assertTrue(!revoked.containsKey("retiredBy") || revoked.isNull("retiredBy"), "a new signer retires nothing revoked: " + revoked);
    }

    private String issue() throws Exception {
        NodeClient.Reply issued = node.post("recycler", "/valuations", "{\"batteryCode\":\"" + batteryCode + "\"}");
        assertEquals(201, issued.status(), issued.body());
        assertEquals("registered", issued.as(Jsonp::object).getJsonObject("registration").getString("status"), issued.body());
        return issued.as(Jsonp::object).getString("certificateId");
    }

    private static String current(NodeDirectory node0) throws Exception {
        return stolenFingerprint(node0, node0.documentSigner().orElseThrow());
    }

    private static String stolenFingerprint(NodeDirectory node0, NodeDirectory.DocumentSigner s) throws Exception {
        return org.batteryledger.core.pki.CertificateFingerprint.of(node0.suite(), s.certificate()).hex();
    }

    private JsonObject signer(String fingerprint) throws Exception {
        NodeClient.Reply r = node.get("auditor", "/signers/" + fingerprint);
        assertEquals(200, r.status(), r.body());
        JsonArray all = (JsonArray) node.get("auditor", "/signers").as(Jsonp::structure);
        assertTrue(all.stream().anyMatch(s -> s.asJsonObject().getString("fingerprint").equals(fingerprint)), all.toString());
        return r.as(Jsonp::object);
    }

    private static JsonObject verify(byte[] cms) throws Exception {
        return ValuationIT.json(ValuationIT.raw("auditor", "POST", "/valuations/verify", null, "application/pkcs7-mime", cms));
    }

    /** What a thief does with the key: the same battery, issued "now" with a better state of health, signed with it. */
    @SuppressWarnings("unchecked")
    private static byte[] forge(byte[] genuineCms, NodeDirectory node0, NodeDirectory.DocumentSigner key) throws Exception {
        EcSuite suite = node0.suite();
        byte[] content = (byte[]) new org.bouncycastle.cms.CMSSignedData(genuineCms).getSignedContent().getContent();
        Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) Json.parse(new String(content, StandardCharsets.UTF_8)));
        doc.remove("certificateId");
        doc.put("issuedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, Object> results = new LinkedHashMap<>((Map<String, Object>) doc.get("results"));
        results.put("stateOfHealth", new java.math.BigDecimal("0.99"));
        doc.put("results", results);
        doc.put("certificateId", "VC-" + suite.hash(Jcs.canonicalize(doc).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 24));
        ValuationCertificate forged = ValuationCertificate.read(suite, Jcs.canonicalize(doc).getBytes(StandardCharsets.UTF_8));
        return CertificateSigner.sign(suite, key.signer(), List.of(key.certificate(), node0.agencyCa()), forged);
    }
}
