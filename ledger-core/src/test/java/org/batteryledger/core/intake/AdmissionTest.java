package org.batteryledger.core.intake;

import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.ParsedRecord;
import org.batteryledger.core.record.RecordSchema;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotent intake: once by id and hash, conflicts refused, sessions only of known batteries. */
class AdmissionTest {
    final Map<String, String> held = new HashMap<>();
    final Set<String> heldBatteries = new HashSet<>();
    final Admission.Holdings holdings = new Admission.Holdings() {
        @Override
        public Optional<String> hashOf(String recordId) {
            return Optional.ofNullable(held.get(recordId));
        }

        @Override
        public java.util.OptionalLong manufacturedAt(String batteryCode) {
            return heldBatteries.contains(batteryCode) ? java.util.OptionalLong.of(0) : java.util.OptionalLong.empty();
        }
    };

    static ParsedRecord parse(String json) {
        return assertInstanceOf(RecordSchema.Valid.class, RecordSchema.check(Json.parse(json))).parsed();
    }

    static final ParsedRecord BATTERY = parse(org.batteryledger.core.record.RecordSchemaTest.BATTERY);
    static final ParsedRecord SESSION = parse(org.batteryledger.core.record.RecordSchemaTest.SESSION);
    static final ParsedRecord SESSION_CHANGED = parse(org.batteryledger.core.record.RecordSchemaTest.SESSION.replace("\"energyKWh\":0.63", "\"energyKWh\":0.64"));

    Admission admission() {
        return new Admission(Suites.ecdsa(), holdings);
    }

    @Test
    void aNewRecordIsTakenWithItsHash() {
        Admission.Take t = assertInstanceOf(Admission.Take.class, admission().admit(BATTERY));
        assertEquals(BATTERY.hash(Suites.ecdsa()).hex(), t.hash());
    }

    @Test
    void theSameRecordAgainIsADuplicateWithinASubmissionAndAcrossSubmissions() {
        Admission a = admission();
        a.admit(BATTERY);
        assertEquals(new Admission.Duplicate(BATTERY.hash(Suites.ecdsa()).hex()), a.admit(BATTERY));
        held.put("erp-1", BATTERY.hash(Suites.ecdsa()).hex());
        assertInstanceOf(Admission.Duplicate.class, admission().admit(BATTERY));
    }

    @Test
    void theSameIdWithOtherContentIsAConflictThatNamesBothHashes() {
        heldBatteries.add("036PE0B1A2C3D4E5F6G7H8J9");
        Admission a = admission();
        a.admit(SESSION);
        String reason = assertInstanceOf(Admission.Conflict.class, a.admit(SESSION_CHANGED)).reason();
        assertTrue(reason.contains(SESSION.hash(Suites.ecdsa()).hex()) && reason.contains(SESSION_CHANGED.hash(Suites.ecdsa()).hex()), reason);
        held.put("cpo-9", SESSION_CHANGED.hash(Suites.ecdsa()).hex());
        assertInstanceOf(Admission.Conflict.class, admission().admit(SESSION));
    }

    @Test
    void aSessionNeedsItsBatteryHeldOrEarlierInTheSubmission() {
        String reason = assertInstanceOf(Admission.UnknownBattery.class, admission().admit(SESSION)).reason();
        assertEquals("unknown battery 036PE0B1A2C3D4E5F6G7H8J9: no member registered it on chain and this node has no battery "
                + "record for it; the manufacturer's battery record comes first", reason);
        Admission a = admission();
        a.admit(BATTERY);
        assertInstanceOf(Admission.Take.class, a.admit(SESSION));
        heldBatteries.add("036PE0B1A2C3D4E5F6G7H8J9");
        assertInstanceOf(Admission.Take.class, admission().admit(SESSION));
    }

    @Test
    void anUnknownBatterySessionIsNotRememberedAsAdmitted() {
        Admission a = admission();
        a.admit(SESSION);
        a.admit(BATTERY);
        assertInstanceOf(Admission.Take.class, a.admit(SESSION), "refused once, taken once its battery is known");
    }
}
