package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One consortium, not silos, on four nodes each run by its member: the manufacturer (agency-a) registers a battery at
 * node0; charging operators send its sessions to node1 (agency-b) and node3 (agency-a); the recycler (agency-c) at node2
 * sees the whole history, each record verified and marked with its holder, and verifies records it does not hold. Bad
 * records are refused with their reasons and nothing of them is stored; a policy refusal is explicit and in the
 * holder's disclosure log. Part of {@link ConsortiumScenario}, which owns the nodes.
 */
final class CrossMemberStory {
    private static final Duration WITHIN = Duration.ofSeconds(120);
    private final List<NodeClient> nodes;
    final String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    final String code = "036PE0B1A2C3D4E5F6" + run;

    CrossMemberStory(List<NodeClient> nodes) {
        this.nodes = nodes;
    }

    static String battery(String id, String code, String manufacturer) {
        return "{\"recordId\":\"" + id + "\",\"type\":\"battery\",\"batteryCode\":\"" + code + "\",\"manufacturer\":\"" + manufacturer
                + "\",\"chemistry\":\"NMC\",\"ratedCapacityAh\":60,\"nominalVoltageV\":350,\"ratedCycleLife\":2000,\"ratedCycleDod\":0.8,"
                + "\"ratedCycleTempC\":25,\"manufacturedAt\":\"2024-03-01T00:00:00Z\"}";
    }

    static String session(String id, String code, String operator, String startedAt, String endedAt) {
        return "{\"recordId\":\"" + id + "\",\"type\":\"session\",\"batteryCode\":\"" + code + "\",\"operator\":\"" + operator
                + "\",\"startedAt\":\"" + startedAt + "\",\"endedAt\":\"" + endedAt + "\",\"socStart\":0.2,\"socEnd\":0.8,"
                + "\"energyKWh\":12.6,\"avgTempC\":24,\"maxTempC\":29}";
    }

    static String day(int d, int hour) {
        return Instant.parse("2024-05-01T00:00:00Z").plus(Duration.ofDays(d).plusHours(hour)).toString();
    }

    static JsonArray rejected(NodeClient.Reply r) {
        assertEquals(202, r.status(), r.body());
        return r.as(Jsonp::object).getJsonArray("rejected");
    }

    static String reason(NodeClient.Reply r) {
        JsonArray rejected = rejected(r);
        assertEquals(1, rejected.size(), r.body());
        return rejected.getJsonObject(0).getString("reason");
    }

    /** agency-b declares its party by governance: proposed at node1 (agency-b), approved at node2 (agency-c). */
    void agencyBSpeaksForChargeCoB() throws Exception {
        NodeClient.Reply p = nodes.get(1).post("admin", "/admin/proposals",
                "{\"action\":\"set-member\",\"agency\":\"agency-b\",\"kinds\":[\"charging\",\"manufacturer\"],\"parties\":[\"ChargeCo B\"]}");
        assertEquals(202, p.status(), p.body());
        String tx = p.as(Jsonp::object).getString("txHash");
        await().atMost(WITHIN).until(() -> nodes.get(2).get("admin", "/admin/transactions/" + tx).status() == 200);
        assertEquals(202, nodes.get(2).post("admin", "/admin/proposals/" + tx + "/approvals", null).status());
        await().atMost(WITHIN).until(() -> nodes.stream().allMatch(n -> agencyB(n).getJsonArray("parties").size() == 1));
        assertEquals(List.of("manufacturer", "charging"), agencyB(nodes.get(0)).getJsonArray("kinds").getValuesAs(jakarta.json.JsonString::getString));
    }

    private static JsonObject agencyB(NodeClient n) {
        try {
            return n.get("auditor", "/agencies").as(Jsonp::structure).asJsonArray().stream().map(JsonValue::asJsonObject)
                    .filter(a -> a.getString("agency").equals("agency-b")).findFirst().orElseThrow();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The battery at node0; once its registration is on chain, node1 and node3 take its sessions. */
    void recordsAtThreeMembers() throws Exception {
        assertTrue(rejected(nodes.get(0).post("manufacturer", "/records", "[" + battery("erp-" + run, code, "CATL") + "]")).isEmpty());
        await().atMost(WITHIN).until(() -> nodes.get(1).get("auditor", "/batteries/" + code).status() == 200
                && !nodes.get(1).get("auditor", "/batteries/" + code).as(Jsonp::object).isNull("registration"));
        String s1 = "[" + session("b-" + run + "-1", code, "ChargeCo B", day(0, 8), day(0, 9)) + ","
                + session("b-" + run + "-2", code, "ChargeCo B", day(2, 8), day(2, 9)) + ","
                + session("b-" + run + "-3", code, "ChargeCo B", day(4, 8), day(4, 9)) + "]";
        assertTrue(rejected(nodes.get(1).post("charging", "/records", s1)).isEmpty());
        String s3 = "[" + session("a-" + run + "-1", code, "VoltWay Charging", day(1, 8), day(1, 9)) + ","
                + session("a-" + run + "-2", code, "VoltWay Charging", day(3, 8), day(3, 9)) + "]";
        assertTrue(rejected(nodes.get(3).post("charging", "/records", s3)).isEmpty());
    }

    /** Each of the cross-member rules refuses with its reason, and none of the refused records is stored. */
    void badRecordsAreRefusedWithTheirReasonAndNotStored() throws Exception {
        NodeClient node1 = nodes.get(1);
        assertTrue(reason(node1.post("manufacturer", "/records", "[" + battery("dup-" + run, code, "ChargeCo B") + "]"))
                .startsWith("battery " + code + " is registered by agency-a since block "));
        assertTrue(reason(node1.post("charging", "/records", "[" + session("unreg-" + run, "NOSUCH" + run, "ChargeCo B", day(0, 1), day(0, 2)) + "]"))
                .startsWith("unknown battery NOSUCH" + run + ": no member registered it on chain"));
        String future = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        assertTrue(reason(node1.post("charging", "/records", "[" + session("fut-" + run, code, "ChargeCo B", day(0, 1), future) + "]"))
                .startsWith("endedAt " + future + " lies in the future"));
        assertTrue(reason(node1.post("charging", "/records", "[" + session("early-" + run, code, "ChargeCo B", "2024-02-01T00:00:00Z",
                "2024-02-01T01:00:00Z") + "]")).startsWith("startedAt 2024-02-01T00:00:00Z is before battery " + code + " was manufactured"));
        assertEquals("operator 'VoltWay Charging' is not a party of agency agency-b (it speaks for ChargeCo B); a member submits only its own records",
                reason(node1.post("charging", "/records", "[" + session("op-" + run, code, "VoltWay Charging", day(5, 1), day(5, 2)) + "]")));
        for (String id : List.of("dup-", "unreg-", "fut-", "early-", "op-")) {
            assertEquals(404, node1.get("auditor", "/records/" + id + run).status(), id + " was stored");
        }
    }

    void awaitAnchored() {
        for (var holderAndId : List.of(List.of(0, "erp-" + run), List.of(1, "b-" + run + "-3"), List.of(3, "a-" + run + "-2"))) {
            NodeClient holder = nodes.get((Integer) holderAndId.get(0));
            await().atMost(WITHIN).until(() -> holder.get("auditor", "/records/" + holderAndId.get(1) + "/proof").status() == 200);
        }
    }

    /** node2 (the recycler) sees every member's records of the battery, each verified and marked with its holder. */
    JsonObject recyclerSeesTheWholeHistory() throws Exception {
        JsonObject view = nodes.get(2).get("recycler", "/batteries/" + code).as(Jsonp::object);
        assertTrue(view.getBoolean("complete"), view.toString());
        assertEquals("node0", view.getJsonObject("masterHolder").getString("node"));
        assertTrue(view.getJsonObject("masterHolder").getBoolean("verified"), view.toString());
        assertEquals("agency-a", view.getJsonObject("registration").getString("agency"));
        JsonArray sessions = view.getJsonArray("sessions");
        assertEquals(5, sessions.size(), view.toString());
        List<String> holders = sessions.stream().map(s -> s.asJsonObject().getJsonObject("holder").getString("node")).toList();
        assertEquals(List.of("node1", "node3", "node1", "node3", "node1"), holders, "merged by start time over the holders");
        assertTrue(sessions.stream().allMatch(s -> s.asJsonObject().getJsonObject("holder").getBoolean("verified")), view.toString());
        assertEquals(1.5, view.getJsonNumber("equivalentFullCycles").doubleValue(), 1e-9, "5 sessions of 0.6 depth, halved");
        assertTrue(view.getJsonArray("failed").isEmpty());
        JsonObject paged = nodes.get(2).get("recycler", "/batteries/" + code + "?limit=2").as(Jsonp::object);
        assertEquals(2, paged.getJsonArray("sessions").size());
        JsonObject next = nodes.get(2).get("recycler", "/batteries/" + code + "?limit=2&cursor=" + paged.getString("nextCursor")).as(Jsonp::object);
        assertEquals(sessions.getJsonObject(2).getString("hash"), next.getJsonArray("sessions").getJsonObject(0).getString("hash"));
        return view;
    }

    /** node2 holds none of the battery's records and verifies them all; a changed copy fails. */
    void recyclerVerifiesRecordsItDoesNotHold() throws Exception {
        String held = session("b-" + run + "-2", code, "ChargeCo B", day(2, 8), day(2, 9));
        NodeClient.Reply ok = nodes.get(2).post("recycler", "/records/verify", held);
        assertTrue(ok.as(Jsonp::object).getBoolean("valid"), ok.body());
        assertTrue(ok.as(Jsonp::object).getString("reason").endsWith("held by node1 (agency-b)"), ok.body());
        assertFalse(ok.as(Jsonp::object).isNull("proof"));
        NodeClient.Reply changed = nodes.get(2).post("recycler", "/records/verify", held.replace("12.6", "16.2"));
        assertFalse(changed.as(Jsonp::object).getBoolean("valid"), changed.body());
        assertTrue(changed.as(Jsonp::object).getString("reason").startsWith("no member node holds a record with hash"), changed.body());
    }

    /** agency-b (a charging operator that charged the battery) reads its master data, not agency-a's sessions: said, and logged. */
    void aPolicyRefusalIsExplicitAndLogged() throws Exception {
        JsonObject view = nodes.get(1).get("charging", "/batteries/" + code).as(Jsonp::object);
        assertEquals("node0", view.getJsonObject("masterHolder").getString("node"), "it charged the battery: master data is disclosed");
        List<String> refusals = view.getJsonArray("refusals").getValuesAs(jakarta.json.JsonString::getString);
        assertTrue(refusals.stream().anyMatch(r -> r.startsWith("node3: policy: agency-b (manufacturer, charging) may not read the sessions of battery "
                + code)), refusals.toString());
        assertTrue(view.getJsonArray("sessions").stream().allMatch(s -> s.asJsonObject().getJsonObject("holder").getString("node").equals("node1")));
        JsonArray log = nodes.get(3).get("auditor", "/disclosures").as(Jsonp::structure).asJsonArray();
        assertTrue(log.stream().map(JsonValue::asJsonObject).anyMatch(d -> d.getString("askerAgency").equals("agency-b")
                && d.getString("subject").equals(code) && d.getString("refused").contains("may not read the sessions")), log.toString());
        assertTrue(log.stream().map(JsonValue::asJsonObject).anyMatch(d -> d.getString("askerAgency").equals("agency-c")
                && d.getString("subject").equals(code) && d.getInt("disclosed") >= 2), log.toString());
    }

    /** Changes a stored record's content in a stopped node's H2 file, as a tampering operator would. */
    void changeRecordInH2(java.nio.file.Path database, String recordId) throws Exception {
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:h2:file:" + database, "sa", "sa");
             java.sql.PreparedStatement read = db.prepareStatement("select canonical from OFFCHAIN_RECORD where recordId = ?");
             java.sql.PreparedStatement write = db.prepareStatement("update OFFCHAIN_RECORD set canonical = ? where recordId = ?")) {
            read.setString(1, recordId);
            String stored;
            try (java.sql.ResultSet rs = read.executeQuery()) {
                assertTrue(rs.next(), recordId);
                stored = new String(rs.getBytes(1), java.nio.charset.StandardCharsets.UTF_8);
            }
            String changed = stored.replace("\"energyKWh\":12.6", "\"energyKWh\":2.6");
            assertFalse(changed.equals(stored), stored);
            write.setBytes(1, changed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            write.setString(2, recordId);
            assertEquals(1, write.executeUpdate());
        }
    }

    void changedRecordFailsAtItsHolder(String recordId, String holder) throws Exception {
        // node2 redials the restarted holder with backoff: until then the view names it as not answering.
        await().atMost(WITHIN).until(() -> nodes.get(2).get("recycler", "/batteries/" + code).as(Jsonp::object).getBoolean("complete"));
        JsonObject view = nodes.get(2).get("recycler", "/batteries/" + code).as(Jsonp::object);
        assertTrue(view.getBoolean("complete"), view.toString());
        JsonArray failed = view.getJsonArray("failed");
        assertEquals(1, failed.size(), view.toString());
        JsonObject f = failed.getJsonObject(0);
        assertEquals(recordId, f.getJsonObject("record").getString("recordId"));
        assertEquals(holder, f.getJsonObject("holder").getString("node"));
        assertFalse(f.getJsonObject("holder").getBoolean("verified"));
        assertTrue(f.getJsonObject("holder").getString("verification").endsWith("the record was changed"), f.toString());
        assertEquals(4, view.getJsonArray("sessions").size(), "the changed record is not counted: " + view);
    }

    /**
     * The recycler values the battery from every member's evidence: the certificate names each holder with the root of
     * the inputs it held, says the evidence was complete, and plain openssl verifies it against the chain CA.
     */
    void recyclerValuesFromEveryMembersEvidence(java.nio.file.Path consortiumDir) throws Exception {
        NodeClient.Reply r = nodes.get(2).post("recycler", "/valuations", "{\"batteryCode\":\"" + code + "\"}");
        assertEquals(201, r.status(), r.body());
        JsonObject evidence = r.as(Jsonp::object).getJsonObject("certificate").getJsonObject("evidence");
        assertEquals(6, evidence.getInt("records"), "the master record and five sessions: " + evidence);
        assertEquals(java.util.Map.of("node0", 1, "node1", 3, "node3", 2), evidence.getJsonArray("holders").stream().map(JsonValue::asJsonObject)
                .collect(java.util.stream.Collectors.toMap(h -> h.getString("node"), h -> h.getInt("records"))));
        assertTrue(evidence.getJsonObject("completeness").getBoolean("complete"), evidence.toString());
        String id = r.as(Jsonp::object).getString("certificateId");
        java.net.http.HttpResponse<byte[]> cms = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(nodes.get(2).api() + "/valuations/" + id)).header("Accept", "application/pkcs7-mime")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("auditor:" + nodes.get(2).password("auditor"))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, cms.statusCode());
        java.nio.file.Path p7m = java.nio.file.Files.createTempFile("cross-member-", ".p7m");
        java.nio.file.Files.write(p7m, cms.body());
        Process openssl = new ProcessBuilder("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7m.toString(), "-CAfile",
                consortiumDir.resolve("ca/ca.crt").toString(), "-out", "/dev/null").redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, openssl.exitValue(), out);
        assertTrue(out.contains("Verification successful"), out);
        java.nio.file.Files.delete(p7m);
    }

    /** With node3 stopped the evidence is incomplete: a valuation refuses with the reason, a partial one says so. */
    void withAMemberStoppedOnlyAPartialValuationIsIssued() throws Exception {
        NodeClient.Reply refused = nodes.get(2).post("recycler", "/valuations", "{\"batteryCode\":\"" + code + "\"}");
        assertEquals(409, refused.status(), refused.body());
        assertTrue(refused.as(Jsonp::object).getString("detail").contains("not answering: node3"), refused.body());
        NodeClient.Reply partial = nodes.get(2).post("recycler", "/valuations", "{\"batteryCode\":\"" + code + "\",\"partial\":true}");
        assertEquals(201, partial.status(), partial.body());
        JsonObject completeness = partial.as(Jsonp::object).getJsonObject("certificate").getJsonObject("evidence").getJsonObject("completeness");
        assertFalse(completeness.getBoolean("complete"));
        assertTrue(completeness.getBoolean("partial"));
        assertEquals(List.of("node3"), completeness.getJsonArray("missingHolders").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals(4, partial.as(Jsonp::object).getJsonObject("certificate").getJsonObject("evidence").getInt("records"));
    }
}
