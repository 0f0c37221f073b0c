package org.batteryledger.routes.intake;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;
import org.batteryledger.core.json.Json;
import org.batteryledger.node.records.InvalidInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** direct:record-intake: validation, dead letters, dedupe and conflicts, refusal of an oversized submission. */
class RecordIntakeRouteTest {
    static final String BATTERY = "{\"recordId\":\"erp-1\",\"type\":\"battery\",\"batteryCode\":\"036PE0B1A2C3D4E5F6G7H8J9\","
            + "\"manufacturer\":\"CATL\",\"chemistry\":\"LFP\",\"ratedCapacityAh\":280.0,\"nominalVoltageV\":3.2,"
            + "\"ratedCycleLife\":6000,\"ratedCycleDod\":1,\"ratedCycleTempC\":25,\"manufacturedAt\":\"2024-03-01T00:00:00Z\"}";
    static final String SESSION = "{\"recordId\":\"cpo-9\",\"type\":\"session\",\"batteryCode\":\"036PE0B1A2C3D4E5F6G7H8J9\","
            + "\"operator\":\"ChargeCo\",\"startedAt\":\"2024-05-01T08:00:00Z\",\"endedAt\":\"2024-05-01T09:10:00Z\","
            + "\"socStart\":0.2,\"socEnd\":0.9,\"energyKWh\":0.63,\"avgTempC\":27.5,\"maxTempC\":31}";
    static final Set<String> BOTH = Set.of("battery", "session");

    final MemoryOffchainStore store = new MemoryOffchainStore();
    CamelContext camel;
    ProducerTemplate template;
    MockEndpoint validated;

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.addRoutes(new RecordIntakeRoute(store));
        // What the validator hands the store, observed on its way.
        AdviceWith.adviceWith(camel, "record-intake", a -> a.weaveById("store").before().to("mock:validated"));
        camel.start();
        template = camel.createProducerTemplate();
        validated = camel.getEndpoint("mock:validated", MockEndpoint.class);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @SuppressWarnings("unchecked")
    List<Outcome> send(Set<String> allowed, String... json) {
        List<Object> records = new ArrayList<>();
        for (String j : json) {
            records.add(Json.parse(j));
        }
        return template.requestBody(RecordIntakeRoute.URI, new IntakeRequest(records, "test", allowed, null), List.class);
    }

    @Test
    void invalidRecordsReachTheStoreWithTheirReasonAndBecomeDeadLetters() throws Exception {
        validated.expectedMessageCount(1);
        List<Outcome> out = send(BOTH, BATTERY, BATTERY.replace("\"LFP\"", "\"LiPo\"").replace("erp-1", "erp-2"));
        validated.assertIsSatisfied();
        Submission s = validated.getExchanges().get(0).getMessage().getBody(Submission.class);
        assertInstanceOf(Submission.Valid.class, s.candidates().get(0));
        assertEquals("field 'chemistry' must be one of LFP, NMC, NCA, LMO, LTO, not \"LiPo\"",
                assertInstanceOf(Submission.Invalid.class, s.candidates().get(1)).reason());
        assertInstanceOf(Outcome.Accepted.class, out.get(0));
        assertInstanceOf(Outcome.Rejected.class, out.get(1));
        assertEquals(1, store.deadLetters().size());
        assertEquals("erp-2", store.deadLetters().get(0).recordId());
    }

    @Test
    void theSameRecordTwiceIsTakenOnceAndAChangedOneIsAConflict() {
        send(BOTH, BATTERY, SESSION);
        List<Outcome> again = send(BOTH, BATTERY, SESSION, SESSION.replace("0.63", "0.64"));
        assertTrue(((Outcome.Accepted) again.get(0)).duplicate());
        assertTrue(((Outcome.Accepted) again.get(1)).duplicate());
        assertTrue(((Outcome.Rejected) again.get(2)).reason().startsWith("conflict: record cpo-9 was taken in with hash "));
        assertEquals(1, store.batteries());
        assertEquals(1, store.sessions());
        assertEquals(1, store.deadLetters().size());
    }

    @Test
    void aSenderMayOnlySendItsTypes() {
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, send(Set.of("session"), BATTERY).get(0));
        assertEquals("the sender may not submit 'battery' records (allowed: session)", r.reason());
    }

    @Test
    void anOversizedSubmissionIsRefusedWholeBeforeTheStore() {
        String[] many = new String[1_001];
        java.util.Arrays.fill(many, BATTERY);
        validated.expectedMessageCount(0);
        CamelExecutionException e = assertThrows(CamelExecutionException.class, () -> send(BOTH, many));
        assertInstanceOf(InvalidInput.class, e.getCause());
        assertEquals(0, store.batteries() + store.deadLetters().size());
    }
}
