package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Element;

import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A valuation certificate end to end on the real EAR: records pushed and anchored, a certificate issued over REST,
 * fetched as JSON, CMS and PDF, verified over REST and SOAP and with {@code openssl cms -verify} against the chain CA,
 * a changed byte caught, a newer certificate superseding the first, the battery exported as a BatteryPass, and the
 * node's document signer rotated and revoked ({@link SignerLifecycle}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ValuationIT {
    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return ShrinkWrap.create(ZipImporter.class, "battery-ledger.ear")
                .importFrom(new File(System.getProperty("it.ear"))).as(EnterpriseArchive.class);
    }

    private static final Path CONSORTIUM = Path.of(System.getProperty("it.consortium.dir"));
    private static final NodeClient NODE = new NodeClient(8080, CONSORTIUM);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String API = "http://127.0.0.1:8080/ledger/api";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    private static final String CODE = "036VAL0B1A2C3D4E5F" + RUN.substring(0, 6);
    private static final Path OUT = Path.of("target", "valuation-it");

    private static String sessions(int n) {
        List<String> out = new ArrayList<>();
        Instant t = Instant.parse("2024-03-01T07:00:00Z");
        double soc = 0.9;
        for (int i = 0; i < n; i++) {
            double to = i % 2 == 0 ? 0.25 : 0.9;
            Instant end = t.plus(Duration.ofMinutes(90));
            out.add("{\"recordId\":\"val-" + RUN + "-" + i + "\",\"type\":\"session\",\"batteryCode\":\"" + CODE + "\",\"operator\":\"ChargeCo\","
                    + "\"startedAt\":\"" + t + "\",\"endedAt\":\"" + end + "\",\"socStart\":" + soc + ",\"socEnd\":" + to
                    + ",\"energyKWh\":" + Math.round(Math.abs(to - soc) * 60 * 10) / 10.0 + ",\"avgTempC\":" + (i % 7 == 0 ? 34 : 22)
                    + ",\"maxTempC\":" + (i % 7 == 0 ? 39 : 26) + "}");
            soc = to;
            t = end.plus(Duration.ofHours(30));
        }
        return "[" + String.join(",", out) + "]";
    }

    static HttpResponse<byte[]> raw(String user, String method, String path, String accept, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(API + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + NODE.password(user)).getBytes(StandardCharsets.UTF_8)));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (body != null) {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonObject json(HttpResponse<byte[]> r) {
        return json(r.body()).asJsonObject();
    }

    private static jakarta.json.JsonValue json(byte[] body) {
        return Json.createReader(new StringReader(new String(body, StandardCharsets.UTF_8))).readValue();
    }

    private record Openssl(int exit, String output) {
    }

    private static Openssl openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("this test checks certificates with the openssl command line tool; install openssl", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        return new Openssl(p.exitValue(), out);
    }

    @Test
    void certificateIssuedVerifiedTamperedSupersededAndExported() throws Exception {
        Files.createDirectories(OUT);
        String master = "{\"recordId\":\"val-erp-" + RUN + "\",\"type\":\"battery\",\"batteryCode\":\"" + CODE + "\",\"manufacturer\":\"CATL\","
                + "\"chemistry\":\"NMC\",\"ratedCapacityAh\":117,\"nominalVoltageV\":350.4,\"ratedCycleLife\":1800,\"ratedCycleDod\":0.8,"
                + "\"ratedCycleTempC\":25,\"manufacturedAt\":\"2024-01-15T00:00:00Z\"}";
        assertEquals(202, NODE.post("manufacturer", "/records", "[" + master + "]").status());
        NodeClient.Reply pushed = NODE.post("charging", "/records", sessions(80));
        assertEquals(80, pushed.as(Jsonp::object).getJsonArray("accepted").size(), pushed.body());

        // Not anchored yet, or anchored: either way a precise answer. Wait for the anchors, then value.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                NODE.get("auditor", "/records/val-" + RUN + "-79/proof").status() == 200 && NODE.get("auditor", "/records/val-erp-" + RUN + "/proof").status() == 200);

        assertEquals(403, NODE.post("auditor", "/valuations", "{\"batteryCode\":\"" + CODE + "\"}").status());
        NodeClient.Reply unknown = NODE.post("recycler", "/valuations", "{\"batteryCode\":\"NOSUCHBATTERY" + RUN + "\"}");
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(unknown.as(Jsonp::object).getString("detail").startsWith("no member holds a battery record for NOSUCHBATTERY"), unknown.body());
        NodeClient.Reply malformed = NODE.post("recycler", "/valuations", "{\"batteryCode\":\"bad code\"}");
        assertEquals(400, malformed.status(), malformed.body());
        assertEquals(400, NODE.post("recycler", "/valuations", "{}").status());

        NodeClient.Reply issued = NODE.post("recycler", "/valuations", "{\"batteryCode\":\"" + CODE + "\"}");
        assertEquals(201, issued.status(), issued.body());
        JsonObject first = issued.as(Jsonp::object);
        String id = first.getString("certificateId");
        String hash = first.getString("certificateHash");
        assertEquals("registered", first.getJsonObject("registration").getString("status"), issued.body());
        JsonObject results = first.getJsonObject("certificate").getJsonObject("results");
        double soh = results.getJsonNumber("stateOfHealth").doubleValue();
        assertTrue(soh > 0.5 && soh < 1.0, "state of health " + soh);
        assertEquals(26.0, results.getJsonNumber("equivalentFullCycles").doubleValue(), 0.01); // 80 sessions of 0.65 depth, halved
        assertEquals(81, first.getJsonObject("certificate").getJsonObject("evidence").getInt("records"));
        // The fleet table's row comes from this very valuation before the answer (not from a second gathering later).
        JsonObject row = NODE.get("auditor", "/batteries?filter=" + java.net.URLEncoder.encode("batteryCode==" + CODE, StandardCharsets.UTF_8))
                .as(Jsonp::structure).asJsonArray().getJsonObject(0);
        assertEquals(id, row.getString("certificateId"), row.toString());
        assertEquals(Math.round(soh * 10_000) / 10_000.0, row.getJsonNumber("stateOfHealth").doubleValue(), 1e-4, row.toString());
        assertEquals("verified", row.getString("evidence"), row.toString());

        // JSON: the exact signed bytes, whose SHA-256 is the hash on chain.
        HttpResponse<byte[]> doc = raw("auditor", "GET", "/valuations/" + id, "application/json", null, null);
        assertEquals(200, doc.statusCode());
        assertEquals(hash, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(doc.body())));

        // CMS: openssl verifies it against the chain CA alone and gives back the same bytes.
        HttpResponse<byte[]> cms = raw("auditor", "GET", "/valuations/" + id, "application/pkcs7-mime", null, null);
        assertEquals(200, cms.statusCode());
        Path p7m = OUT.resolve(id + ".p7m");
        Path content = OUT.resolve(id + ".json");
        Files.write(p7m, cms.body());
        Path ca = CONSORTIUM.resolve("nodes/node0/data/ca.crt");
        Openssl ok = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", p7m.toString(), "-CAfile", ca.toString(),
                "-out", content.toString());
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("Verification successful"), ok.output());
        assertArrayEquals(doc.body(), Files.readAllBytes(content));

        JsonObject restCms = json(raw("recycler", "POST", "/valuations/verify", null, "application/pkcs7-mime", cms.body()));
        assertTrue(restCms.getBoolean("valid"), restCms.toString());
        assertTrue(restCms.getBoolean("current"), restCms.toString());
        JsonObject restJson = json(raw("auditor", "POST", "/valuations/verify", null, "application/json", doc.body()));
        assertTrue(restJson.getBoolean("valid"), restJson.toString());
        SoapIT.Reply soap = SoapIT.soap("auditor", "verifyValuation", "<l:verifyValuation><l:certificateCms>"
                + Base64.getEncoder().encodeToString(cms.body()) + "</l:certificateCms></l:verifyValuation>");
        assertEquals(200, soap.status(), soap.body());
        Element soapVerdict = soap.payload();
        assertEquals("true", SoapIT.text(soapVerdict, "valid"), soap.body());
        assertEquals(id, SoapIT.text(soapVerdict, "certificateId"));

        // The inputs behind the certificate's evidence root, and the bundle that proves them offline.
        assertTrue(cms.body().length <= 8 * 1024, "a certificate of format 2 is at most 8 KB as CMS: " + cms.body().length);
        JsonObject inputs = json(raw("auditor", "GET", "/valuations/" + id + "/evidence", null, null, null));
        assertEquals(81, inputs.getInt("records"), inputs.toString());
        assertEquals(first.getJsonObject("certificate").getJsonObject("evidence").getString("evidenceRoot"), inputs.getString("evidenceRoot"));
        assertEquals("val-erp-" + RUN, inputs.getJsonArray("inputs").getJsonObject(0).getString("recordId"));
        assertEquals(404, raw("auditor", "GET", "/valuations/VC-000000000000000000000000/evidence", null, null, null).statusCode());
        HttpResponse<byte[]> bundle = raw("auditor", "GET", "/valuations/" + id + "/bundle", null, null, null);
        assertEquals(200, bundle.statusCode(), new String(bundle.body(), StandardCharsets.UTF_8));
        JsonObject bundled = json(raw("auditor", "POST", "/valuations/verify", null, "application/json", bundle.body()));
        assertTrue(bundled.getBoolean("valid"), bundled.toString());
        assertTrue(bundled.getString("reason").contains("its 81 inputs are the ones of evidence root"), bundled.toString());
        // Offline, with the consortium directory's chain CA and node certificates alone: ./consortium verify-evidence.
        Path bundleFile = OUT.resolve(id + ".evidence.json");
        Files.write(bundleFile, bundle.body());
        assertEquals(0, org.batteryledger.launcher.Main.commandLine().execute("verify-evidence", "--dir", CONSORTIUM.toString(),
                bundleFile.toString()));
        String session = inputs.getJsonArray("inputs").getJsonObject(1).getString("hash");
        String swapped = new String(bundle.body(), StandardCharsets.UTF_8).replace(session, "00".repeat(32));
        JsonObject swappedVerdict = json(raw("auditor", "POST", "/valuations/verify", null, "application/json", swapped.getBytes(StandardCharsets.UTF_8)));
        assertFalse(swappedVerdict.getBoolean("valid"), swappedVerdict.toString());
        assertTrue(swappedVerdict.getString("reason").contains("they are not the inputs it valued"), swappedVerdict.toString());
        Path swappedFile = OUT.resolve(id + ".swapped.evidence.json");
        Files.writeString(swappedFile, swapped);
        assertEquals(1, org.batteryledger.launcher.Main.commandLine().execute("verify-evidence", "--dir", CONSORTIUM.toString(),
                swappedFile.toString()));
        HttpResponse<byte[]> hollow = raw("auditor", "POST", "/valuations/verify", null, "application/json",
                "{\"type\":\"battery-valuation-evidence\",\"formatVersion\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, hollow.statusCode(), new String(hollow.body(), StandardCharsets.UTF_8));
        assertTrue(new String(hollow.body(), StandardCharsets.UTF_8).contains("the evidence bundle is malformed"));

        // One byte changed, inside the signed content: openssl, REST and SOAP all refuse it.
        byte[] tampered = cms.body().clone();
        int at = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("\"stateOfHealth\":0.") + "\"stateOfHealth\":0.".length();
        tampered[at] = (byte) (tampered[at] == '9' ? '8' : tampered[at] + 1);
        Path bad = OUT.resolve(id + "-tampered.p7m");
        Files.write(bad, tampered);
        Openssl refused = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", bad.toString(), "-CAfile", ca.toString(),
                "-out", OUT.resolve("tampered.json").toString());
        assertNotEquals(0, refused.exit(), refused.output());
        assertTrue(refused.output().contains("Verification failure"), refused.output());
        JsonObject restBad = json(raw("recycler", "POST", "/valuations/verify", null, "application/pkcs7-mime", tampered));
        assertFalse(restBad.getBoolean("valid"), restBad.toString());
        assertTrue(restBad.getString("reason").startsWith("the signature does not verify"), restBad.toString());
        SoapIT.Reply soapBad = SoapIT.soap("auditor", "verifyValuation", "<l:verifyValuation><l:certificateCms>"
                + Base64.getEncoder().encodeToString(tampered) + "</l:certificateCms></l:verifyValuation>");
        assertEquals("false", SoapIT.text(soapBad.payload(), "valid"), soapBad.body());
        String changedJson = new String(doc.body(), StandardCharsets.UTF_8).replaceFirst("\"status\":\"[a-z]+\"", "\"status\":\"recycle-me\"");
        JsonObject restBadJson = json(raw("auditor", "POST", "/valuations/verify", null, "application/json", changedJson.getBytes(StandardCharsets.UTF_8)));
        assertFalse(restBadJson.getBoolean("valid"), restBadJson.toString());
        assertTrue(restBadJson.getString("reason").contains("does not match its content"), restBadJson.toString());

        // A newer certificate (over SOAP) supersedes the first; the first still verifies, as superseded.
        SoapIT.Reply second = SoapIT.soap("recycler", "issueValuation", "<l:issueValuation><l:batteryCode>" + CODE + "</l:batteryCode></l:issueValuation>");
        assertEquals(200, second.status(), second.body());
        String secondId = SoapIT.text(second.payload(), "certificateId");
        assertNotEquals(id, secondId);
        assertEquals("registered", SoapIT.text(SoapIT.child(second.payload(), "registration"), "status"), second.body());
        JsonObject old = json(raw("recycler", "POST", "/valuations/verify", null, "application/pkcs7-mime", cms.body()));
        assertTrue(old.getBoolean("valid"), old.toString());
        assertFalse(old.getBoolean("current"), old.toString());
        assertEquals(secondId, old.getString("supersededBy"));
        assertTrue(old.getString("reason").endsWith("superseded by " + secondId), old.toString());
        assertEquals(secondId, NODE.get("auditor", "/batteries/" + CODE).as(Jsonp::object).getJsonObject("latestValuation").getString("certificateId"));
        jakarta.json.JsonArray listed = json(raw("auditor", "GET", "/valuations?batteryCode=" + CODE, null, null, null).body()).asJsonArray();
        assertEquals(2, listed.size(), listed.toString());
        assertEquals(secondId, listed.getJsonObject(0).getString("certificateId")); // newest first
        assertTrue(listed.getJsonObject(0).getBoolean("current"));
        assertFalse(listed.getJsonObject(1).getBoolean("current"));
        assertEquals("Forbidden", SoapIT.Fault.of(SoapIT.soap("charging", "issueValuation",
                "<l:issueValuation><l:batteryCode>" + CODE + "</l:batteryCode></l:issueValuation>")).code());

        // The BatteryPass export, by media type and by query.
        HttpResponse<byte[]> pass = raw("auditor", "GET", "/batteries/" + CODE, "application/vnd.catenax.battery-pass+json", null, null);
        assertEquals(200, pass.statusCode(), new String(pass.body(), StandardCharsets.UTF_8));
        JsonObject bp = json(pass);
        assertEquals("urn:io.catenax.battery.battery_pass:6.1.0", bp.getString("specVersion"));
        JsonObject dynamic = bp.getJsonObject("performance").getJsonObject("dynamic");
        assertEquals(26, dynamic.getJsonObject("fullCycles").getInt("value"));
        double fade = dynamic.getJsonObject("capacity").getJsonObject("fade").getJsonNumber("value").doubleValue();
        assertTrue(fade > 0 && fade < 50, bp.toString());
        assertTrue(bp.getJsonArray("sources").getJsonObject(0).getString("content").endsWith("/valuations/" + secondId), bp.toString());
        JsonObject byQuery = json(raw("auditor", "GET", "/batteries/" + CODE + "?format=batterypass", null, null, null)); // valued anew: same figures
        assertEquals(bp.getJsonObject("identification"), byQuery.getJsonObject("identification"));
        assertEquals(dynamic.getJsonObject("fullCycles").getInt("value"),
                byQuery.getJsonObject("performance").getJsonObject("dynamic").getJsonObject("fullCycles").getInt("value"));
        assertTrue(NODE.get("auditor", "/batteries/" + CODE).body().contains("\"sessionCount\":80"));

        assertPdf(id);
        new SignerLifecycle(NODE, CONSORTIUM, CODE).run(cms.body());
    }

    private void assertPdf(String id) throws Exception {
        HttpResponse<byte[]> pdf = raw("recycler", "GET", "/valuations/" + id, "application/pdf", null, null);
        assertEquals(200, pdf.statusCode());
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
        Files.write(OUT.resolve(id + ".pdf"), pdf.body());
        PdfCheck.assertRendered(pdf.body(), id, OUT.resolve(id + ".png"));
        assertArrayEquals(pdf.body(), raw("recycler", "GET", "/valuations/" + id + "?format=pdf", null, null, null).body());
        // Without Accept (a browser link, curl): the JSON document.
        HttpResponse<byte[]> plain = raw("auditor", "GET", "/valuations/" + id, null, null, null);
        assertTrue(plain.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), plain.headers().toString());
    }
}
