package org.batteryledger.partners;

import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.RecordSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both simulators over real HTTP on an ephemeral port, with the JDK's client. */
class SimulatorsHttpTest {
    static final String ERP = ErpService.NS;
    static Fleet fleet;
    static PartnerSimulators sims;
    static HttpClient http;

    @BeforeAll
    static void start() {
        fleet = Fleet.generate(7, 120, 30);
        sims = PartnerSimulators.start("127.0.0.1", 0, fleet);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        sims.close();
    }

    @BeforeEach
    void clearFaults() {
        sims.faults().reset();
    }

    // ------------------------------------------------------------------------------------------------ ERP (SOAP)

    static String envelope(String after, String maxResults) {
        return "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:erp=\"" + ERP + "\">"
                + "<soapenv:Header/><soapenv:Body><erp:GetBatteryMasterData>"
                + (after == null ? "" : "<erp:after>" + after + "</erp:after>")
                + (maxResults == null ? "" : "<erp:maxResults>" + maxResults + "</erp:maxResults>")
                + "</erp:GetBatteryMasterData></soapenv:Body></soapenv:Envelope>";
    }

    static HttpResponse<String> soap(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(sims.erpUrl())).header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"urn:batteryledger:partner:erp:1:GetBatteryMasterData\"")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Document xml(String text) throws Exception {
        // The test reads the wire with the JDK's DOM, not with the simulator's JAXB and SAAJ: it checks the bytes.
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        javax.xml.parsers.DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A page: the batteries as CONTRACT JSON trees (type added back), and more. */
    record ErpPage(List<Map<String, Object>> batteries, boolean more) {
    }

    static ErpPage erpPage(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/xml"));
        Element body = child(xml(response.body()).getDocumentElement(), ErpService.SOAP_NS, "Body");
        Element answer = child(body, ERP, "GetBatteryMasterDataResponse");
        List<Map<String, Object>> batteries = new ArrayList<>();
        Boolean more = null;
        List<String> numbers = List.of("ratedCapacityAh", "nominalVoltageV", "ratedCycleLife", "ratedCycleDod", "ratedCycleTempC");
        for (Element e : children(answer)) {
            assertEquals(ERP, e.getNamespaceURI());
            if (e.getLocalName().equals("battery")) {
                assertEquals(null, more, "more comes last");
                Map<String, Object> o = new LinkedHashMap<>();
                for (Element f : children(e)) {
                    assertEquals(ERP, f.getNamespaceURI());
                    String v = f.getTextContent();
                    o.put(f.getLocalName(), numbers.contains(f.getLocalName()) ? new BigDecimal(v) : v);
                    if (o.size() == 1) {
                        o.put("type", "battery");
                    }
                }
                assertEquals(List.of("recordId", "type", "batteryCode", "manufacturer", "chemistry", "ratedCapacityAh", "nominalVoltageV",
                        "ratedCycleLife", "ratedCycleDod", "ratedCycleTempC", "manufacturedAt"), new ArrayList<>(o.keySet()));
                batteries.add(o);
            } else {
                assertEquals("more", e.getLocalName());
                more = Boolean.parseBoolean(e.getTextContent());
            }
        }
        return new ErpPage(batteries, more);
    }

    static Element child(Element parent, String ns, String name) {
        for (Element e : children(parent)) {
            if (ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                return e;
            }
        }
        throw new AssertionError("no {" + ns + "}" + name + " in " + parent.getTagName());
    }

    static List<Element> children(Element parent) {
        List<Element> l = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                l.add(e);
            }
        }
        return l;
    }

    @ParameterizedTest(name = "maxResults {0}")
    @ValueSource(ints = {1, 7, 50, 500, 1000})
    void pagingThroughTheErpGivesEveryBatteryOnceInOrder(int size) throws Exception {
        List<String> expected = fleet.batteries().stream().map(b -> Json.write(b.toJson())).toList();
        List<String> got = new ArrayList<>();
        String after = null;
        while (true) {
            ErpPage page = erpPage(soap(envelope(after, Integer.toString(size))));
            assertTrue(page.batteries.size() <= size);
            for (Map<String, Object> b : page.batteries) {
                assertInstanceOf(RecordSchema.Valid.class, RecordSchema.check(Json.parse(Json.write(b))));
                got.add(Json.write(b));
            }
            if (!page.more) {
                break;
            }
            after = (String) page.batteries.get(page.batteries.size() - 1).get("recordId");
        }
        assertEquals(expected, got);
    }

    @Test
    void erpDefaultsToFiveHundredFromTheStartAndResumesAfterTheLastIdOfAPage() throws Exception {
        ErpPage all = erpPage(soap(envelope(null, null)));
        assertEquals(fleet.batteries().size(), all.batteries.size());
        assertFalse(all.more);
        ErpPage first = erpPage(soap(envelope("", "10")));
        assertTrue(first.more);
        String last = (String) first.batteries.get(9).get("recordId");
        ErpPage next = erpPage(soap(envelope(last, "10")));
        assertEquals(all.batteries.subList(10, 20), next.batteries);
        ErpPage end = erpPage(soap(envelope(fleet.batteries().get(fleet.batteries().size() - 1).recordId(), "10")));
        assertEquals(List.of(), end.batteries);
        assertFalse(end.more);
    }

    @Test
    void wsdlIsServedWellFormedWithTheLiveAddressAndTakesNoFault() throws Exception {
        sims.faults().arm(FaultInjector.Target.ERP, FaultInjector.Mode.ERROR, 1, 0);
        long before = sims.faults().requests(FaultInjector.Target.ERP);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sims.erpUrl() + "?wsdl")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Document wsdl = xml(r.body());
        assertEquals("definitions", wsdl.getDocumentElement().getLocalName());
        assertEquals(ERP, wsdl.getDocumentElement().getAttribute("targetNamespace"));
        Element address = (Element) wsdl.getElementsByTagNameNS("http://schemas.xmlsoap.org/wsdl/soap/", "address").item(0);
        assertEquals(sims.erpUrl(), address.getAttribute("location"));
        assertTrue(sims.erpUrl().contains(":" + sims.port() + "/"));
        assertEquals(before, sims.faults().requests(FaultInjector.Target.ERP));
        assertEquals(500, soap(envelope(null, "1")).statusCode(), "the armed fault is still there for the next data request");
    }

    static void assertClientFault(HttpResponse<String> r, String faultstringPart) throws Exception {
        assertEquals(500, r.statusCode(), r.body());
        Element body = child(xml(r.body()).getDocumentElement(), ErpService.SOAP_NS, "Body");
        Element fault = child(body, ErpService.SOAP_NS, "Fault");
        assertEquals("soap:Client", fault.getElementsByTagName("faultcode").item(0).getTextContent());
        String faultstring = fault.getElementsByTagName("faultstring").item(0).getTextContent();
        assertTrue(faultstring.contains(faultstringPart), faultstring);
    }

    @Test
    void erpAnswersAClientFaultForUnknownAfterBadMaxResultsAndMalformedEnvelopes() throws Exception {
        assertClientFault(soap(envelope("Q7A-B-NOSUCHBATTERY", "10")), "unknown after: no battery record with recordId 'Q7A-B-NOSUCHBATTERY'");
        assertClientFault(soap(envelope(null, "0")), "maxResults must be a whole number from 1 to 1000, was '0'");
        assertClientFault(soap(envelope(null, "1001")), "maxResults must be a whole number from 1 to 1000, was '1001'");
        assertClientFault(soap(envelope(null, "many")), "maxResults must be a whole number from 1 to 1000, was 'many'");
        assertClientFault(soap("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"),
                "malformed SOAP envelope");
        assertClientFault(soap(""), "malformed SOAP envelope");
        assertClientFault(soap("<Envelope/>"), "not a SOAP 1.1 envelope");
        assertClientFault(soap("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><erp:Other xmlns:erp=\"" + ERP
                + "\"/></s:Body></s:Envelope>"), "unknown operation");
        assertClientFault(soap("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><erp:GetBatteryMasterData xmlns:erp=\""
                + ERP + "\"><erp:before>x</erp:before></erp:GetBatteryMasterData></s:Body></s:Envelope>"), "does not match the WSDL: unexpected element");
        assertClientFault(soap("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>&e;</s:Body></s:Envelope>"), "DOCTYPE");
        HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(URI.create(sims.erpUrl())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(envelope(null, null))).build(), HttpResponse.BodyHandlers.ofString());
        assertClientFault(wrongType, "Content-Type must be text/xml");
    }

    // ------------------------------------------------------------------------------------------------ charging (REST)

    static HttpResponse<String> sessions(String query) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(sims.chargingUrl() + "/sessions" + query)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> sessionPage(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        Map<String, Object> page = (Map<String, Object>) Json.parse(r.body());
        assertEquals(List.of("sessions", "more"), new ArrayList<>(page.keySet()));
        return page;
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(ints = {1, 9, 250, 1000})
    @SuppressWarnings("unchecked")
    void pagingThroughTheSessionsGivesEverySessionOnceInOrder(int limit) {
        List<String> expected = fleet.sessions().stream().map(s -> Json.write(s.toJson())).toList();
        List<String> got = new ArrayList<>();
        String after = null;
        try {
            while (true) {
                Map<String, Object> page = sessionPage(sessions("?limit=" + limit + (after == null ? "" : "&after=" + after)));
                List<Object> records = (List<Object>) page.get("sessions");
                assertTrue(records.size() <= limit);
                for (Object o : records) {
                    assertInstanceOf(RecordSchema.Valid.class, RecordSchema.check(o));
                    got.add(Json.write(o));
                }
                if (!(Boolean) page.get("more")) {
                    break;
                }
                after = (String) ((Map<String, Object>) records.get(records.size() - 1)).get("recordId");
            }
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(expected, got);
    }

    @Test
    @SuppressWarnings("unchecked")
    void sessionsDefaultToFiveHundredAndResumeAfterTheLastIdOfAPage() throws Exception {
        Map<String, Object> first = sessionPage(sessions(""));
        assertEquals(500, ((List<Object>) first.get("sessions")).size());
        assertEquals(true, first.get("more"));
        Map<String, Object> small = sessionPage(sessions("?after=&limit=5"));
        List<Object> five = (List<Object>) small.get("sessions");
        String last = (String) ((Map<String, Object>) five.get(4)).get("recordId");
        Map<String, Object> next = sessionPage(sessions("?after=" + last + "&limit=5"));
        assertEquals(((List<Object>) first.get("sessions")).subList(5, 10), next.get("sessions"));
        Map<String, Object> end = sessionPage(sessions("?after=" + fleet.sessions().get(fleet.sessions().size() - 1).recordId()));
        assertEquals(List.of(), end.get("sessions"));
        assertEquals(false, end.get("more"));
    }

    static void assertProblem(HttpResponse<String> r, int status, String detail) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) Json.parse(r.body());
        assertEquals(new BigDecimal(status), p.get("status"));
        assertEquals(detail, p.get("detail"));
    }

    @Test
    void badLimitOrUnknownAfterIsA400Problem() throws Exception {
        assertProblem(sessions("?limit=0"), 400, "limit must be a whole number from 1 to 1000, was '0'");
        assertProblem(sessions("?limit=1001"), 400, "limit must be a whole number from 1 to 1000, was '1001'");
        assertProblem(sessions("?limit=ten"), 400, "limit must be a whole number from 1 to 1000, was 'ten'");
        assertProblem(sessions("?after=CHG-S-99999999"), 400, "unknown after: no session with recordId 'CHG-S-99999999'");
        assertProblem(http.send(HttpRequest.newBuilder(URI.create(sims.chargingUrl() + "/nothing")).build(), HttpResponse.BodyHandlers.ofString()),
                404, "no resource /charging/api/nothing; the sessions are at /charging/api/sessions");
    }

    // ------------------------------------------------------------------------------------------------ faults

    static HttpResponse<String> control(String pathAndQuery, String method) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(sims.controlUrl() + pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static long stat(String target, String name) throws Exception {
        Map<String, Object> stats = (Map<String, Object>) Json.parse(control("/stats", "GET").body());
        return ((BigDecimal) ((Map<String, Object>) stats.get(target)).get(name)).longValueExact();
    }

    @Test
    void errorFaultFailsTheNextNRequestsThenServiceRecovers() throws Exception {
        long faultsBefore = stat("charging", "faultsApplied");
        long requestsBefore = stat("charging", "requests");
        assertEquals(200, control("/faults?target=charging&mode=error&count=2", "POST").statusCode());
        assertEquals(500, sessions("?limit=3").statusCode());
        assertEquals(500, sessions("?limit=3").statusCode());
        sessionPage(sessions("?limit=3"));
        assertEquals(faultsBefore + 2, stat("charging", "faultsApplied"));
        assertEquals(requestsBefore + 3, stat("charging", "requests"));

        assertEquals(200, control("/faults?target=erp&mode=error&count=1", "POST").statusCode());
        HttpResponse<String> r = soap(envelope(null, "3"));
        assertEquals(500, r.statusCode());
        Element fault = child(child(xml(r.body()).getDocumentElement(), ErpService.SOAP_NS, "Body"), ErpService.SOAP_NS, "Fault");
        assertEquals("soap:Server", fault.getElementsByTagName("faultcode").item(0).getTextContent());
        assertEquals(3, erpPage(soap(envelope(null, "3"))).batteries.size());
    }

    @Test
    void malformedFaultSendsATruncatedBodyWith200ThenServiceRecovers() throws Exception {
        control("/faults?target=charging&mode=malformed&count=1", "POST");
        HttpResponse<String> bad = sessions("?limit=3");
        assertEquals(200, bad.statusCode());
        assertThrows(RuntimeException.class, () -> Json.parse(bad.body()));
        sessionPage(sessions("?limit=3"));

        control("/faults?target=erp&mode=malformed&count=1", "POST");
        HttpResponse<String> badXml = soap(envelope(null, "3"));
        assertEquals(200, badXml.statusCode());
        assertThrows(Exception.class, () -> xml(badXml.body()));
        assertEquals(3, erpPage(soap(envelope(null, "3"))).batteries.size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void invalidRecordFaultPutsOneOutOfRangeRecordInANormalPage() throws Exception {
        control("/faults?target=charging&mode=invalid-record&count=1", "POST");
        List<Object> page = (List<Object>) sessionPage(sessions("?limit=4")).get("sessions");
        RecordSchema.Result bad = RecordSchema.check(page.get(0));
        assertInstanceOf(RecordSchema.Invalid.class, bad);
        assertTrue(((RecordSchema.Invalid) bad).reason().contains("socEnd"), bad.toString());
        for (Object o : page.subList(1, 4)) {
            assertInstanceOf(RecordSchema.Valid.class, RecordSchema.check(o));
        }
        for (Object o : (List<Object>) sessionPage(sessions("?limit=4")).get("sessions")) {
            assertInstanceOf(RecordSchema.Valid.class, RecordSchema.check(o));
        }

        control("/faults?target=erp&mode=invalid-record&count=1", "POST");
        ErpPage erp = erpPage(soap(envelope(null, "4")));
        RecordSchema.Result badBattery = RecordSchema.check(Json.parse(Json.write(erp.batteries.get(0))));
        assertInstanceOf(RecordSchema.Invalid.class, badBattery);
        assertTrue(((RecordSchema.Invalid) badBattery).reason().contains("ratedCycleDod"), badBattery.toString());
        for (Map<String, Object> b : erpPage(soap(envelope(null, "4"))).batteries) {
            assertInstanceOf(RecordSchema.Valid.class, RecordSchema.check(Json.parse(Json.write(b))));
        }
    }

    @Test
    void timeoutFaultOutlastsTheClientTimeoutWithoutHoldingUpOtherRequests() throws Exception {
        assertEquals(200, control("/faults?target=charging&mode=timeout&count=1&delayMillis=3000", "POST").statusCode());
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(URI.create(sims.chargingUrl() + "/sessions?limit=2"))
                .timeout(Duration.ofMillis(300)).build(), HttpResponse.BodyHandlers.ofString());
        // meanwhile the other target and the same target answer at once
        assertEquals(2, erpPage(soap(envelope(null, "2"))).batteries.size());
        Exception e = assertThrows(Exception.class, slow::join);
        assertInstanceOf(HttpTimeoutException.class, e.getCause());
        long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMillis >= 300 && waitedMillis < 3000, waitedMillis + " ms");
        sessionPage(sessions("?limit=2"));

        control("/faults?target=erp&mode=timeout&count=1&delayMillis=3000", "POST");
        HttpRequest request = HttpRequest.newBuilder(URI.create(sims.erpUrl())).header("Content-Type", "text/xml")
                .timeout(Duration.ofMillis(300)).POST(HttpRequest.BodyPublishers.ofString(envelope(null, "2"))).build();
        assertThrows(HttpTimeoutException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(2, erpPage(soap(envelope(null, "2"))).batteries.size());
    }

    @Test
    void controlRejectsBadFaultsAndResetClearsThem() throws Exception {
        assertProblem(control("/faults?target=crm&mode=error", "POST"), 400, "target must be erp or charging, not 'crm'");
        assertProblem(control("/faults?target=erp&mode=explode", "POST"), 400,
                "mode must be error, timeout, malformed or invalid-record, not 'explode'");
        assertProblem(control("/faults?target=erp&mode=error&count=0", "POST"), 400, "count must be a whole number from 1 to 1000000, was '0'");
        assertProblem(control("/faults?target=erp&mode=error", "GET"), 405, "GET is not allowed here; use POST");
        control("/faults?target=charging&mode=error&count=5", "POST");
        assertEquals(200, control("/reset", "POST").statusCode());
        sessionPage(sessions("?limit=1"));
    }
}
