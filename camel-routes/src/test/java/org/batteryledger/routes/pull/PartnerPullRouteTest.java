package org.batteryledger.routes.pull;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Submission;
import org.batteryledger.core.json.Json;
import org.batteryledger.routes.intake.MemoryOffchainStore;
import org.batteryledger.routes.intake.RecordIntakeRoute;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The partner routes against stand-in partners (AdviceWith puts a MockEndpoint answering as the partner in place of
 * each HTTP call; outages are intercepted sends that throw). Waits are NotifyBuilder or bounded polls of the store,
 * never sleeps; retries back off in milliseconds here.
 */
class PartnerPullRouteTest {
    static final PullSettings FAST = new PullSettings(0, 4, 1, 4, 1_000);
    static final Duration BOUND = Duration.ofSeconds(60);

    final MemoryOffchainStore store = new MemoryOffchainStore();
    final FakePartners partners = new FakePartners();
    final List<CamelContext> contexts = new ArrayList<>();
    Partner erp = new Partner("erp", Partner.Kind.ERP_SOAP, "http://127.0.0.1:9/erp", 20, 4, 600_000);
    Partner cpo = new Partner("cpo", Partner.Kind.CHARGING_REST, "http://127.0.0.1:9/charging", 20, 4, 600_000);
    PartnerRoutes routes;

    @AfterEach
    void stop() {
        contexts.forEach(CamelContext::stop);
    }

    /** A node's routes with the partners' HTTP calls answered by the stand-ins; {@code advice} adds outages. */
    CamelContext start(List<Partner> pulled, Consumer<AdviceWithRouteBuilder> erpAdvice, Consumer<AdviceWithRouteBuilder> cpoAdvice)
            throws Exception {
        CamelContext camel = new DefaultCamelContext();
        routes = PartnerRoutes.of(pulled, FAST, store);
        camel.addRoutes(new RecordIntakeRoute(store));
        for (RoutesBuilder b : routes.builders()) {
            camel.addRoutes(b);
        }
        for (Partner p : pulled) {
            Consumer<AdviceWithRouteBuilder> extra = p == erp ? erpAdvice : cpoAdvice;
            AdviceWith.adviceWith(camel, p.fetchRouteId(), a -> {
                a.weaveById("call-" + p.name()).replace().to("mock:" + p.name());
                if (extra != null) {
                    extra.accept(a);
                }
            });
        }
        camel.getEndpoint("mock:erp", MockEndpoint.class).whenAnyExchangeReceived(partners::erp);
        camel.getEndpoint("mock:cpo", MockEndpoint.class).whenAnyExchangeReceived(partners::charging);
        camel.start();
        contexts.add(camel);
        return camel;
    }

    void awaitStored(long batteries, long sessions) {
        await().atMost(BOUND).until(() -> store.batteries() == batteries && store.sessions() == sessions);
    }

    @Test
    void bothFeedsArePulledPageByPageAndTheCursorsMoveWithTheRecords() throws Exception {
        partners.fleet(6, 21);
        start(List.of(erp, cpo), null, null);
        awaitStored(6, 21);
        assertEquals("MFR-B-" + FakePartners.code(5), store.position("erp"));
        await().atMost(BOUND).until(() -> "CPO-S-00000020".equals(store.position("cpo")));
        assertEquals(0, store.deadLetters().size());
        assertEquals(21, routes.statuses().get("cpo").taken(), "each session stored once");
        assertEquals(0, routes.statuses().get("erp").duplicates(), "the ERP's feed is never served twice");
        // The charging feed may be: when a session waited for its battery, the page is served again from the cursor,
        // and the sessions after it that were taken the first time come back as duplicates (stored once, as above).
        if (routes.statuses().get("cpo").deferred() == 0) {
            assertEquals(0, routes.statuses().get("cpo").duplicates());
        }
    }

    @Test
    void aRestartedNodeNeitherSkipsNorRetakes() throws Exception {
        partners.fleet(3, 10);
        CamelContext first = start(List.of(erp, cpo), null, null);
        awaitStored(3, 10);
        first.stop();
        partners.sessions.add(partners.session(10, 1));
        partners.sessions.add(partners.session(11, 2));
        partners.chargingAsked.clear();
        start(List.of(erp, cpo), null, null);
        awaitStored(3, 12);
        assertEquals("CPO-S-00000009", partners.chargingAsked.get(0), "the restarted route asks after the last record it stored");
        assertEquals(0, routes.statuses().get("cpo").duplicates());
        assertEquals(2, routes.statuses().get("cpo").taken());
    }

    @Test
    void anOutageIsRetriedWithBackoffAndNothingIsLost() throws Exception {
        partners.fleet(2, 9);
        AtomicInteger outages = new AtomicInteger(3);
        start(List.of(erp, cpo), null, a -> a.interceptSendToEndpoint("mock:cpo").when(e -> outages.getAndDecrement() > 0)
                .skipSendToOriginalEndpoint().throwException(new ConnectException("Connection refused")));
        awaitStored(2, 9);
        assertEquals(0, routes.statuses().get("cpo").failedCycles(), "three failures are within one cycle's four retries");
        assertTrue(outages.get() < 0);
    }

    @Test
    void aPartnerThatStaysDownEndsItsCyclesWithTheReasonWhileTheOtherGoesOn() throws Exception {
        partners.fleet(2, 9);
        // The batteries are known already (pushed), so the charging feed does not wait for the ERP.
        List<Object> masters = new ArrayList<>(partners.batteries);
        store.take(Intake.validate(masters, "rest:test", Set.of("battery"), null));
        CamelContext camel = start(List.of(erp, cpo), a -> a.interceptSendToEndpoint("mock:erp").skipSendToOriginalEndpoint()
                .throwException(new ConnectException("Connection refused")), null);
        NotifyBuilder twoFailedCycles = new NotifyBuilder(camel).fromRoute(erp.routeId()).whenDone(2).create();
        assertTrue(twoFailedCycles.matches(BOUND.toSeconds(), TimeUnit.SECONDS));
        awaitStored(2, 9);
        PullStatus down = routes.statuses().get("erp");
        assertTrue(down.consecutiveFailures() >= 2, "failed cycles: " + down.consecutiveFailures());
        assertEquals("ConnectException: Connection refused", down.lastError());
        assertEquals(0, down.pages());
        assertEquals(0, routes.statuses().get("cpo").consecutiveFailures());
    }

    /** Issue 17: while the node's store takes no records (disk at its floor, database away) the partner is not asked. */
    @Test
    void aStoreThatTakesNoRecordsPausesThePullUntilItDoes() throws Exception {
        partners.fleet(3, 0);
        store.refusal = "the node's disk is at its floor";
        CamelContext camel = start(List.of(erp), null, null);
        NotifyBuilder threeCycles = new NotifyBuilder(camel).fromRoute(erp.routeId()).whenDone(3).create();
        assertTrue(threeCycles.matches(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, camel.getEndpoint("mock:erp", MockEndpoint.class).getReceivedCounter(), "a paused route asks the partner nothing");
        assertEquals("the node's disk is at its floor", routes.statuses().get("erp").paused());
        assertEquals(0, routes.statuses().get("erp").failedCycles(), "a pause is not a partner's failure");

        store.refusal = null;
        awaitStored(3, 0);
        assertEquals(null, routes.statuses().get("erp").paused());
    }

    @Test
    void aMalformedAnswerIsRetriedAsAnOutage() throws Exception {
        partners.fleet(3, 0);
        AtomicInteger garbled = new AtomicInteger(2);
        start(List.of(erp), a -> a.interceptSendToEndpoint("mock:erp").when(e -> garbled.getAndDecrement() > 0).skipSendToOriginalEndpoint()
                .setBody(a.constant("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Bo")), null);
        awaitStored(3, 0);
        assertEquals(0, store.deadLetters().size());
    }

    @Test
    void anInvalidRecordInAPageIsADeadLetterAndTheCursorMovesPastIt() throws Exception {
        partners.fleet(2, 6);
        partners.sessions.get(3).put("socEnd", new BigDecimal("1.7"));
        store.take(Intake.validate(new ArrayList<Object>(partners.batteries), "rest:test", Set.of("battery"), null));
        start(List.of(cpo), null, null);
        awaitStored(2, 5);
        await().atMost(BOUND).until(() -> "CPO-S-00000005".equals(store.position("cpo")));
        assertEquals(1, store.deadLetters().size());
        assertEquals("CPO-S-00000003", store.deadLetters().get(0).recordId());
        assertEquals("pull:cpo", store.deadLetters().get(0).source());
        assertTrue(store.deadLetters().get(0).reason().contains("socEnd"), store.deadLetters().get(0).reason());
        assertEquals(1, routes.statuses().get("cpo").rejected());
    }

    @Test
    void sessionsWaitForTheirBatteryRecordWhileTheErpIsDown() throws Exception {
        partners.fleet(2, 6);
        AtomicBoolean erpDown = new AtomicBoolean(true);
        CamelContext camel = start(List.of(erp, cpo), a -> a.interceptSendToEndpoint("mock:erp").when(e -> erpDown.get())
                .skipSendToOriginalEndpoint().throwException(new ConnectException("Connection refused")), null);
        NotifyBuilder deferredTwice = new NotifyBuilder(camel).fromRoute(cpo.routeId()).whenDone(2).create();
        assertTrue(deferredTwice.matches(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, store.sessions());
        assertEquals(null, store.position("cpo"), "the cursor waits before the first session of an unknown battery");
        assertTrue(routes.statuses().get("cpo").deferred() >= 2);
        assertEquals(0, store.deadLetters().size());
        erpDown.set(false);
        awaitStored(2, 6);
        assertEquals(0, store.deadLetters().size());
    }

    @Test
    void aSessionWhoseBatteryNeverComesIsRejectedOnceTheDeferralRunsOut() throws Exception {
        partners.fleet(2, 4);
        partners.sessions.get(1).put("batteryCode", "NO-SUCH-BATTERY");
        store.take(Intake.validate(new ArrayList<Object>(partners.batteries), "rest:test", Set.of("battery"), null));
        cpo = new Partner("cpo", Partner.Kind.CHARGING_REST, "http://127.0.0.1:9/charging", 20, 4, 50);
        start(List.of(cpo), null, null);
        await().atMost(BOUND).until(() -> routes.statuses().get("cpo").deferred() > 0);
        store.now.addAndGet(50); // the store's clock passes the deferral
        awaitStored(2, 3);
        await().atMost(BOUND).until(() -> "CPO-S-00000003".equals(store.position("cpo")));
        assertEquals(1, store.deadLetters().size());
        assertTrue(store.deadLetters().get(0).reason().startsWith("unknown battery NO-SUCH-BATTERY"), store.deadLetters().get(0).reason());
    }

    @Test
    void pageParsersKeepBadValuesForTheSchemaToName() {
        PullPage page = ErpEnvelope.read("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<e:GetBatteryMasterDataResponse xmlns:e=\"urn:batteryledger:partner:erp:1\"><e:battery><e:recordId>r1</e:recordId>"
                + "<e:ratedCapacityAh>lots</e:ratedCapacityAh><e:ratedCycleLife>4000</e:ratedCycleLife></e:battery><e:more>false</e:more>"
                + "</e:GetBatteryMasterDataResponse></s:Body></s:Envelope>");
        assertEquals("{\"type\":\"battery\",\"recordId\":\"r1\",\"ratedCapacityAh\":\"lots\",\"ratedCycleLife\":4000}", Json.write(page.records().get(0)));
        assertEquals("soap:Client: unknown record id X", ErpEnvelope.faultString("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>unknown record id X</faultstring></soap:Fault></soap:Body></soap:Envelope>"));
        assertEquals("urn:batteryledger:partner:erp:1:GetBatteryMasterData", ErpEnvelope.SOAP_ACTION, "the WSDL binding's soapAction");
        String request = ErpEnvelope.request("r<1>", 20);
        assertTrue(request.contains("Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"") && request.contains(":after>r&lt;1&gt;</")
                && request.contains(":maxResults>20</") && request.contains("=\"urn:batteryledger:partner:erp:1\""), request);
        assertTrue(assertThrows(PartnerFormatException.class, () -> ErpEnvelope.read("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                + "\"file:///etc/passwd\">]><x>&e;</x>")).getMessage().startsWith("the answer is not a SOAP 1.1 envelope"));
        assertEquals("the GetBatteryMasterDataResponse has no 'more' element", assertThrows(PartnerFormatException.class, () -> ErpEnvelope.read(
                "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><e:GetBatteryMasterDataResponse "
                + "xmlns:e=\"urn:batteryledger:partner:erp:1\"/></s:Body></s:Envelope>")).getMessage());
        assertEquals("the answer is not a page of sessions ({\"sessions\": [...], \"more\": true|false})",
                org.junit.jupiter.api.Assertions.assertThrows(PartnerFormatException.class, () -> ChargingPage.read("{\"items\":[]}")).getMessage());
        assertEquals(Submission.class, Intake.validate(List.of(), "x", Set.of(), null).getClass());
    }
}
