package org.batteryledger.core.intake;

import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.RecordSchemaTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The record rules that only make sense across members: a session of a battery another member registered is taken;
 * a code registered by another agency is refused; records name only their agency's parties; sessions lie neither in
 * the future nor before their battery was made. A refused record is a dead letter with its reason, never stored.
 */
class ConsortiumRulesTest {
    static final String CODE = "036PE0B1A2C3D4E5F6G7H8J9";
    static final long MADE = Instant.parse("2024-03-01T00:00:00Z").getEpochSecond();
    static final long NOW = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();
    static final Admission.Rules CHARGECO = new Admission.Rules("agency-b", new Member(Set.of(MemberKind.CHARGING), List.of("ChargeCo")), 300);

    final MemoryStore store = new MemoryStore();

    List<Outcome> take(String json, Set<String> types, Admission.Rules rules) {
        return Intake.take(Suites.ecdsa(), Intake.validate((List<?>) Json.parse(json), "rest:test", types, null), store, NOW, rules);
    }

    static String session(String id, String operator, String startedAt, String endedAt) {
        return RecordSchemaTest.SESSION.replace("cpo-9", id).replace("ChargeCo", operator)
                .replace("2024-05-01T08:00:00Z", startedAt).replace("2024-05-01T09:10:00.5Z", endedAt);
    }

    static String rejection(Outcome o) {
        return assertInstanceOf(Outcome.Rejected.class, o).reason();
    }

    @Test
    void aSessionOfABatteryAnotherMemberRegisteredIsTaken() {
        store.registeredOnChain(CODE, MADE);
        List<Outcome> out = take("[" + RecordSchemaTest.SESSION + "]", Set.of("session"), CHARGECO);
        assertInstanceOf(Outcome.Accepted.class, out.get(0));
        assertEquals(1, store.records().size());
    }

    @Test
    void aMasterRecordOfACodeAnotherAgencyRegisteredIsRefusedAndNotStored() {
        String reason = "battery " + CODE + " is registered by agency-a since block 7; a battery code belongs to one agency";
        store.refuseRegistration(CODE, reason);
        List<Outcome> out = take("[" + RecordSchemaTest.BATTERY + "]", Set.of("battery"), Admission.Rules.NONE);
        assertEquals(reason, rejection(out.get(0)));
        assertTrue(store.records().isEmpty());
        assertEquals(reason, store.deadLetters().get(0).reason());
    }

    @Test
    void aRecordNamingAPartyItsAgencyDoesNotSpeakForIsRefused() {
        store.registeredOnChain(CODE, MADE);
        List<Outcome> out = take("[" + session("s-1", "GridHop Networks", "2024-05-01T08:00:00Z", "2024-05-01T09:00:00Z") + "]",
                Set.of("session"), CHARGECO);
        assertEquals("operator 'GridHop Networks' is not a party of agency agency-b (it speaks for ChargeCo); "
                + "a member submits only its own records", rejection(out.get(0)));
        Admission.Rules maker = new Admission.Rules("agency-a", new Member(Set.of(MemberKind.MANUFACTURER), List.of("BYD")), 300);
        out = take("[" + RecordSchemaTest.BATTERY + "]", Set.of("battery"), maker);
        assertEquals("manufacturer 'CATL' is not a party of agency agency-a (it speaks for BYD); a member submits only its own records",
                rejection(out.get(0)));
        assertTrue(store.records().isEmpty());
    }

    @Test
    void aSessionEndingBeyondTheClockSkewIsRefusedOneWithinItIsTaken() {
        store.registeredOnChain(CODE, MADE);
        List<Outcome> out = take("[" + session("s-late", "ChargeCo", "2024-05-31T23:50:00Z", "2024-06-01T00:05:01Z") + ","
                + session("s-ok", "ChargeCo", "2024-05-31T23:50:00Z", "2024-06-01T00:05:00Z") + "]", Set.of("session"), CHARGECO);
        assertEquals("endedAt 2024-06-01T00:05:01Z lies in the future: this node's clock reads 2024-06-01T00:00:00Z and allows 300 s of skew",
                rejection(out.get(0)));
        assertInstanceOf(Outcome.Accepted.class, out.get(1));
    }

    @Test
    void aSessionBeforeItsBatteryWasMadeIsRefusedWhereverTheBatteryIsKnownFrom() {
        store.registeredOnChain(CODE, MADE);
        String early = session("s-early", "ChargeCo", "2024-02-29T23:00:00Z", "2024-03-01T01:00:00Z");
        assertEquals("startedAt 2024-02-29T23:00:00Z is before battery " + CODE + " was manufactured (2024-03-01T00:00:00Z)",
                rejection(take("[" + early + "]", Set.of("session"), CHARGECO).get(0)));
        // the battery's master record earlier in the same submission counts the same way
        MemoryStore fresh = new MemoryStore();
        List<Outcome> out = Intake.take(Suites.ecdsa(), Intake.validate((List<?>) Json.parse("[" + RecordSchemaTest.BATTERY + "," + early + "]"),
                "rest:test", Set.of("battery", "session"), null), fresh, NOW, Admission.Rules.NONE);
        assertInstanceOf(Outcome.Accepted.class, out.get(0));
        assertTrue(rejection(out.get(1)).startsWith("startedAt 2024-02-29T23:00:00Z is before battery"));
    }

    @Test
    void withoutRulesNothingIsBoundAndNoClockIsRead() {
        store.registeredOnChain(CODE, MADE);
        List<Outcome> out = take("[" + session("s-far", "Anyone", "2099-01-01T00:00:00Z", "2099-01-01T01:00:00Z") + "]",
                Set.of("session"), Admission.Rules.NONE);
        assertInstanceOf(Outcome.Accepted.class, out.get(0));
    }
}
