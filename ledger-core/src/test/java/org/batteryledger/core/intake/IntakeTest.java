package org.batteryledger.core.intake;

import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.batteryledger.core.record.RecordSchemaTest.BATTERY;
import static org.batteryledger.core.record.RecordSchemaTest.SESSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Intake end to end on the memory store: per-record outcomes, dead letters, and a partner's cursor. */
class IntakeTest {
    static final Set<String> BOTH = Set.of("battery", "session");
    final MemoryStore store = new MemoryStore();

    static String session(String id, String code) {
        return SESSION.replace("\"cpo-9\"", "\"" + id + "\"").replace("036PE0B1A2C3D4E5F6G7H8J9", code);
    }

    static String battery(String id, String code) {
        return BATTERY.replace("\"erp-1\"", "\"" + id + "\"").replace("036PE0B1A2C3D4E5F6G7H8J9", code);
    }

    static List<Object> records(String... json) {
        List<Object> out = new ArrayList<>();
        for (String j : json) {
            out.add(Json.parse(j));
        }
        return out;
    }

    List<Outcome> push(Set<String> allowed, String... json) {
        return Intake.take(Suites.ecdsa(), Intake.validate(records(json), "rest:test", allowed, null), store, 0);
    }

    List<Outcome> pull(long now, String... json) {
        String start = store.cursor("cpo").position();
        return Intake.take(Suites.ecdsa(), Intake.validate(records(json), "pull:cpo", Set.of("session"),
                new Intake.PullOrigin("cpo", start, 1_000)), store, now);
    }

    @Test
    void everyRecordGetsAnOutcomeAndEveryRefusalIsADeadLetter() {
        List<Outcome> out = push(BOTH, BATTERY, SESSION, SESSION.replace("0.9", "1.9"), SESSION.replace("0.63", "0.64"), "[1]");
        assertInstanceOf(Outcome.Accepted.class, out.get(0));
        assertInstanceOf(Outcome.Accepted.class, out.get(1));
        assertTrue(((Outcome.Rejected) out.get(2)).reason().contains("socEnd"), out.get(2).toString());
        assertTrue(((Outcome.Rejected) out.get(3)).reason().startsWith("conflict: record cpo-9"), out.get(3).toString());
        assertInstanceOf(Outcome.Rejected.class, out.get(4));
        assertEquals(List.of(0, 1, 2, 3, 4), out.stream().map(Outcome::index).toList());
        assertEquals(2, store.records().size());
        assertEquals(3, store.deadLetters().size());
        assertEquals("rest:test", store.deadLetters().get(0).source());
    }

    @Test
    void theSameSubmissionTwiceIsStoredOnce() {
        push(BOTH, BATTERY, SESSION);
        List<Outcome> again = push(BOTH, BATTERY, SESSION);
        assertTrue(again.stream().allMatch(o -> o instanceof Outcome.Accepted a && a.duplicate()), again.toString());
        assertEquals(2, store.records().size());
    }

    @Test
    void aSenderSendsOnlyItsTypes() {
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, push(Set.of("session"), BATTERY).get(0));
        assertEquals("the sender may not submit 'battery' records (allowed: session)", r.reason());
    }

    @Test
    void aSubmissionAboveTheLimitIsRefusedWhole() {
        List<Object> many = new ArrayList<>();
        for (int i = 0; i <= Intake.MAX_RECORDS_PER_SUBMISSION; i++) {
            many.add(Json.parse(BATTERY));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intake.validate(many, "x", BOTH, null));
        assertEquals("a submission holds at most 1000 records, this one 1001; nothing was stored, split it", e.getMessage());
    }

    @Test
    void aPushedSessionOfAnUnknownBatteryIsRejectedAtOnce() {
        assertInstanceOf(Outcome.Rejected.class, push(BOTH, SESSION).get(0));
    }

    @Test
    void thePullCursorMovesToTheLastRecordOfAPageEvenPastARejectedOne() {
        push(BOTH, battery("b1", "A1"));
        pull(0, session("s1", "A1"), session("s2", "A1").replace("0.9", "1.9"), session("s3", "A1"));
        assertEquals(new Intake.Cursor("s3", 0), store.cursor("cpo"));
        assertEquals(1, store.deadLetters().size());
    }

    @Test
    void aPulledSessionOfAnUnknownBatteryStopsTheCursorBeforeItUntilItsBatteryComes() {
        push(BOTH, battery("b1", "A1"));
        List<Outcome> out = pull(100, session("s1", "A1"), session("s2", "B2"), session("s3", "A1"));
        assertInstanceOf(Outcome.Deferred.class, out.get(1));
        assertEquals(new Intake.Cursor("s1", 100), store.cursor("cpo"), "served again from after s1");
        assertEquals(0, store.deadLetters().size(), "a deferred record is not a dead letter");
        // Its battery arrives through the ERP; the partner serves s2 and s3 again.
        push(BOTH, battery("b2", "B2"));
        out = pull(200, session("s2", "B2"), session("s3", "A1"));
        assertEquals(List.of(false, true), out.stream().map(o -> ((Outcome.Accepted) o).duplicate()).toList());
        assertEquals(new Intake.Cursor("s3", 0), store.cursor("cpo"));
        assertEquals(3, store.records().stream().filter(s -> s.record().record().type().equals("session")).count());
    }

    @Test
    void aSessionWhoseBatteryNeverComesIsRejectedOnceTheDeferralRunsOut() {
        pull(100, session("s1", "B2"));
        assertEquals(new Intake.Cursor(null, 100), store.cursor("cpo"), "stopped at the start");
        pull(1_099, session("s1", "B2"));
        assertEquals(new Intake.Cursor(null, 100), store.cursor("cpo"), "deferral not yet run out");
        Outcome.Rejected r = assertInstanceOf(Outcome.Rejected.class, pull(1_100, session("s1", "B2")).get(0));
        assertTrue(r.reason().startsWith("unknown battery B2"), r.reason());
        assertEquals(new Intake.Cursor("s1", 0), store.cursor("cpo"));
        assertEquals(1, store.deadLetters().size());
    }
}
