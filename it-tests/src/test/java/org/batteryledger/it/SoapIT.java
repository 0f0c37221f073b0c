package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import org.batteryledger.core.json.Jcs;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's SOAP endpoint in the real EAR, over real HTTP with raw SOAP 1.1 envelopes (no JAX-WS client): the WSDL,
 * per-record answers with the same hashes as REST, faults with a code and a reason, BASIC authentication, roles,
 * verification of an anchored record with its proof, and the passport view of a battery.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SoapIT {
    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return ShrinkWrap.create(ZipImporter.class, "battery-ledger.ear")
                .importFrom(new File(System.getProperty("it.ear"))).as(EnterpriseArchive.class);
    }

    private static final String NS = "urn:batteryledger:ledger:1";
    private static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final URI ENDPOINT = URI.create("http://127.0.0.1:8080/ledger/soap/BatteryLedger");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final NodeClient NODE = new NodeClient(8080, Path.of(System.getProperty("it.consortium.dir")));
    /** Fresh ids per run: the node's database outlives a run of this class. */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    private static final String CODE = "036SOAP0B1A2C3D4E5" + RUN.substring(0, 6);

    record Reply(int status, String body) {
        Document xml() throws Exception {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(body)));
        }

        /** The SOAP body's first element. */
        Element payload() throws Exception {
            Element body = (Element) xml().getElementsByTagNameNS(ENVELOPE_NS, "Body").item(0);
            for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    return e;
                }
            }
            throw new AssertionError("empty SOAP body: " + this.body);
        }
    }

    // ------------------------------------------------------------------------------------------------ records

    static String batteryXml(String id, String code) {
        return "<l:battery><l:recordId>" + id + "</l:recordId><l:batteryCode>" + code + "</l:batteryCode><l:manufacturer>CATL</l:manufacturer>"
                + "<l:chemistry>LFP</l:chemistry><l:ratedCapacityAh>280</l:ratedCapacityAh><l:nominalVoltageV>3.2</l:nominalVoltageV>"
                + "<l:ratedCycleLife>6000</l:ratedCycleLife><l:ratedCycleDod>1</l:ratedCycleDod><l:ratedCycleTempC>25</l:ratedCycleTempC>"
                + "<l:manufacturedAt>2024-03-01T00:00:00Z</l:manufacturedAt></l:battery>";
    }

    /** The same record as REST takes it. */
    static String batteryJson(String id, String code) {
        return RecordsIT.battery(id, code);
    }

    static String sessionXml(String id, String code, String socEnd, String energyKWh) {
        return "<l:session><l:recordId>" + id + "</l:recordId><l:batteryCode>" + code + "</l:batteryCode><l:operator>ChargeCo</l:operator>"
                + "<l:startedAt>2024-05-01T08:00:00Z</l:startedAt><l:endedAt>2024-05-01T09:00:00.250Z</l:endedAt>"
                + "<l:socStart>0.20</l:socStart><l:socEnd>" + socEnd + "</l:socEnd><l:energyKWh>" + energyKWh + "</l:energyKWh>"
                + "<l:avgTempC>27.5</l:avgTempC><l:maxTempC>31</l:maxTempC></l:session>";
    }

    static String sessionJson(String id, String code, String socEnd, String energyKWh) {
        return "{\"recordId\":\"" + id + "\",\"type\":\"session\",\"batteryCode\":\"" + code + "\",\"operator\":\"ChargeCo\","
                + "\"startedAt\":\"2024-05-01T08:00:00Z\",\"endedAt\":\"2024-05-01T09:00:00.250Z\",\"socStart\":0.20,\"socEnd\":" + socEnd
                + ",\"energyKWh\":" + energyKWh + ",\"avgTempC\":27.5,\"maxTempC\":31}";
    }

    static String sha256OfJcs(String json) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Jcs.canonicalBytes(json)));
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    static Reply soap(String user, String operation, String bodyXml) throws Exception {
        return post(user, operation, "<soapenv:Envelope xmlns:soapenv=\"" + ENVELOPE_NS + "\" xmlns:l=\"" + NS + "\"><soapenv:Body>"
                + bodyXml + "</soapenv:Body></soapenv:Envelope>");
    }

    static Reply post(String user, String operation, String envelope) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(ENDPOINT).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"" + NS + ":" + operation + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8));
        if (user != null) {
            b.header("Authorization", basic(user));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body());
    }

    static String basic(String user) throws Exception {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + NODE.password(user)).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------------ XML

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static Element child(Element parent, String localName) {
        return children(parent).stream().filter(e -> e.getLocalName().equals(localName)).findFirst().orElse(null);
    }

    static String text(Element parent, String localName) {
        Element e = child(parent, localName);
        return e == null ? null : e.getTextContent();
    }

    /** A fault's code and reason from its LedgerFault detail, and the SOAP fault code. */
    record Fault(String faultCode, String code, String reason) {
        static Fault of(Reply r) throws Exception {
            assertEquals(500, r.status(), r.body());
            Element fault = r.payload();
            assertEquals("Fault", fault.getLocalName(), r.body());
            Element detail = child(fault, "detail");
            Element ledger = detail == null ? null : child(detail, "ledgerFault");
            return new Fault(text(fault, "faultcode"), ledger == null ? null : text(ledger, "code"), ledger == null ? null : text(ledger, "reason"));
        }
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void wsdlIsServedBehindBasicAuthenticationAndNamesTheOperations() throws Exception {
        HttpResponse<String> wsdl = HTTP.send(HttpRequest.newBuilder(URI.create(ENDPOINT + "?wsdl")).header("Authorization", basic("auditor")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, wsdl.statusCode(), wsdl.body());
        Reply parsed = new Reply(200, wsdl.body());
        Element definitions = parsed.xml().getDocumentElement();
        assertEquals(NS, definitions.getAttribute("targetNamespace"));
        List<String> operations = new ArrayList<>();
        Element portType = (Element) definitions.getElementsByTagNameNS("http://schemas.xmlsoap.org/wsdl/", "portType").item(0);
        for (Element op : children(portType)) {
            if (op.getLocalName().equals("operation")) {
                operations.add(op.getAttribute("name"));
            }
        }
        assertEquals(List.of("submitRecords", "verifyRecord", "getBattery", "issueValuation", "verifyValuation"), operations);
        assertTrue(wsdl.body().contains("ledger/soap/BatteryLedger"), "the address is the endpoint's: " + wsdl.body());
        assertTrue(wsdl.body().contains("name=\"UtcTime\""), "the hand-written WSDL is published, not one derived from Java: " + wsdl.body());

        assertEquals(401, HTTP.send(HttpRequest.newBuilder(URI.create(ENDPOINT + "?wsdl")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        Reply anonymous = soap(null, "getBattery", "<l:getBattery><l:batteryCode>" + CODE + "</l:batteryCode></l:getBattery>");
        assertEquals(401, anonymous.status(), anonymous.body());
    }

    @Test
    void recordsAreAnsweredOneByOneWithRestsHashesAnchoredVerifiedAndShownInThePassport() throws Exception {
        String batteryId = "soap-erp-" + RUN;
        Reply m = soap("manufacturer", "submitRecords", "<l:submitRecords>" + batteryXml(batteryId, CODE) + "</l:submitRecords>");
        assertEquals(200, m.status(), m.body());
        List<Element> answers = children(m.payload());
        assertEquals(1, answers.size(), m.body());
        assertEquals("accepted", answers.get(0).getLocalName(), m.body());
        String batteryHash = text(answers.get(0), "hash");
        assertEquals(sha256OfJcs(batteryJson(batteryId, CODE)), batteryHash, "SHA-256 of the RFC 8785 form of the same JSON record");
        assertEquals("false", text(answers.get(0), "duplicate"));

        String ok = "soap-cpo-" + RUN + "-1";
        String outOfRange = "soap-cpo-" + RUN + "-2";
        String wrongRole = "soap-erp-" + RUN + "-2";
        Reply c = soap("charging", "submitRecords", "<l:submitRecords>" + sessionXml(ok, CODE, "0.90", "0.6")
                + sessionXml(outOfRange, CODE, "1.7", "0.6") + batteryXml(wrongRole, CODE + "-2") + "</l:submitRecords>");
        assertEquals(200, c.status(), c.body());
        answers = children(c.payload());
        assertEquals(List.of("accepted", "rejected", "rejected"), answers.stream().map(Element::getLocalName).toList(), c.body());
        assertEquals("0", text(answers.get(0), "index"));
        assertEquals(ok, text(answers.get(0), "recordId"));
        String sessionHash = text(answers.get(0), "hash");
        assertEquals(sha256OfJcs(sessionJson(ok, CODE, "0.90", "0.6")), sessionHash);
        assertEquals("1", text(answers.get(1), "index"));
        assertEquals(outOfRange, text(answers.get(1), "recordId"));
        assertTrue(text(answers.get(1), "reason").contains("field 'socEnd' must be at least 0 and at most 1"), c.body());
        assertEquals("2", text(answers.get(2), "index"));
        assertTrue(text(answers.get(2), "reason").contains("may not submit 'battery' records"), c.body());

        // The same values through REST: the same record, so the same hash, taken as a duplicate.
        NodeClient.Reply rest = NODE.post("charging", "/records", "[" + sessionJson(ok, CODE, "0.90", "0.6") + "]");
        assertEquals(202, rest.status(), rest.body());
        assertEquals(sessionHash, rest.as(Jsonp::object).getJsonArray("accepted").getJsonObject(0).getString("hash"), rest.body());
        assertTrue(rest.as(Jsonp::object).getJsonArray("accepted").getJsonObject(0).getBoolean("duplicate"), rest.body());

        // Anchored: valid, with a proof of the same hash.
        String verify = "<l:verifyRecord>" + sessionXml(ok, CODE, "0.90", "0.6") + "</l:verifyRecord>";
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> "true".equals(text(soap("recycler", "verifyRecord", verify).payload(), "valid")));
        Element verified = soap("auditor", "verifyRecord", verify).payload();
        Element proof = child(verified, "proof");
        assertNotNull(proof, "an anchored record comes with its proof");
        assertEquals(sessionHash, text(proof, "recordHash"));
        assertTrue(Long.parseLong(text(proof, "treeSize")) > Long.parseLong(text(proof, "leafIndex")));
        assertEquals(children(child(proof, "auditPath")).size(), NODE.get("auditor", "/records/" + ok + "/proof").as(Jsonp::object).getJsonArray("auditPath").size());
        long blockHeight = Long.parseLong(text(proof, "blockHeight"));
        assertTrue(blockHeight > 0);
        assertEquals(64, text(proof, "batchRoot").length());
        assertEquals(64, text(proof, "txHash").length());
        assertFalse(text(proof, "evidence").isEmpty());

        Element changed = soap("recycler", "verifyRecord", "<l:verifyRecord>" + sessionXml(ok, CODE, "0.90", "6") + "</l:verifyRecord>").payload();
        assertEquals("false", text(changed, "valid"));
        assertTrue(text(changed, "reason").startsWith("the record does not match the anchored hash"), text(changed, "reason"));

        // The passport.
        Element passport = soap("recycler", "getBattery", "<l:getBattery><l:batteryCode>" + CODE + "</l:batteryCode></l:getBattery>").payload();
        assertEquals("getBatteryResponse", passport.getLocalName());
        assertEquals(CODE, text(passport, "batteryCode"));
        Element master = child(passport, "master");
        assertEquals(batteryId, text(master, "recordId"));
        assertEquals("LFP", text(master, "chemistry"));
        assertEquals(0, new java.math.BigDecimal("3.2").compareTo(new java.math.BigDecimal(text(master, "nominalVoltageV"))));
        assertEquals("2024-03-01T00:00:00Z", text(master, "manufacturedAt"));
        assertEquals(batteryHash, text(passport, "masterHash"));
        assertEquals(0, new java.math.BigDecimal("0.35").compareTo(new java.math.BigDecimal(text(passport, "equivalentFullCycles"))), m.body());
        assertEquals("1", text(passport, "sessionCount"));
        List<Element> sessions = children(child(passport, "sessions"));
        assertEquals(1, sessions.size());
        Element s = sessions.get(0);
        assertEquals(ok, text(s, "recordId"));
        assertEquals(sessionHash, text(s, "hash"));
        assertEquals("2024-05-01T09:00:00.250Z", text(s, "endedAt"), "times as sent");
        assertEquals(0, new java.math.BigDecimal("0.9").compareTo(new java.math.BigDecimal(text(s, "socEnd"))));
        assertEquals("anchored", text(child(s, "anchor"), "status"));
        assertEquals(blockHeight, Long.parseLong(text(child(s, "anchor"), "blockHeight")));
    }

    @Test
    void errorsAreFaultsWithACodeAndAReason() throws Exception {
        StringBuilder big = new StringBuilder("<l:submitRecords>");
        for (int i = 0; i <= 1000; i++) {
            big.append(batteryXml("soap-big-" + RUN + "-" + i, "BIG" + RUN));
        }
        Fault tooMany = Fault.of(soap("manufacturer", "submitRecords", big.append("</l:submitRecords>").toString()));
        assertEquals("TooManyRecords", tooMany.code());
        assertTrue(tooMany.reason().contains("at most 1000 records, this one 1001"), tooMany.reason());
        NodeClient.Reply none = NODE.get("auditor", "/records/soap-big-" + RUN + "-0/proof");
        assertEquals(404, none.status(), none.body());
        assertTrue(none.as(Jsonp::object).getString("detail").contains("holds no record"), "nothing of it was stored: " + none.body());

        assertEquals("EmptySubmission", Fault.of(soap("manufacturer", "submitRecords", "<l:submitRecords/>")).code());
        Fault forbidden = Fault.of(soap("auditor", "submitRecords", "<l:submitRecords>" + batteryXml("soap-x-" + RUN, CODE) + "</l:submitRecords>"));
        assertEquals("Forbidden", forbidden.code(), forbidden.reason());

        Fault notFound = Fault.of(soap("auditor", "getBattery", "<l:getBattery><l:batteryCode>NOSUCH" + RUN + "</l:batteryCode></l:getBattery>"));
        assertEquals("NotFound", notFound.code());
        assertTrue(notFound.reason().contains("no member holds a battery record for NOSUCH" + RUN), notFound.reason());

        Fault noId = Fault.of(soap("auditor", "verifyRecord", "<l:verifyRecord><l:battery><l:batteryCode>" + CODE + "</l:batteryCode></l:battery></l:verifyRecord>"));
        assertEquals("InvalidRecord", noId.code(), noId.reason());

        Fault malformed = Fault.of(post("charging", "submitRecords", "<soapenv:Envelope xmlns:soapenv=\"" + ENVELOPE_NS + "\" xmlns:l=\"" + NS
                + "\"><soapenv:Body><l:submitRecords><l:session><l:recordId>x</l:session></soapenv:Body></soapenv:Envelope>"));
        assertTrue(malformed.faultCode().endsWith(":Client"), malformed.toString());
        assertNull(malformed.code(), "the runtime's fault, not the ledger's");
        Fault notANumber = Fault.of(soap("charging", "submitRecords", "<l:submitRecords>"
                + sessionXml("soap-nan-" + RUN, CODE, "abc", "0.6") + "</l:submitRecords>"));
        assertTrue(notANumber.faultCode().endsWith(":Client"), notANumber.toString());
    }
}
