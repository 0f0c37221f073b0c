package org.batteryledger.core.record;

import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record formats of CONTRACT.md: every field checked, every problem named, the hash any JCS tool reproduces. */
public class RecordSchemaTest {
    public static final String BATTERY = "{\"recordId\":\"erp-1\",\"type\":\"battery\",\"batteryCode\":\"036PE0B1A2C3D4E5F6G7H8J9\","
            + "\"manufacturer\":\"CATL\",\"chemistry\":\"LFP\",\"ratedCapacityAh\":280.0,\"nominalVoltageV\":3.2,"
            + "\"ratedCycleLife\":6000,\"ratedCycleDod\":1,\"ratedCycleTempC\":25,\"manufacturedAt\":\"2024-03-01T00:00:00Z\"}";
    public static final String SESSION = "{\"recordId\":\"cpo-9\",\"type\":\"session\",\"batteryCode\":\"036PE0B1A2C3D4E5F6G7H8J9\","
            + "\"operator\":\"ChargeCo\",\"startedAt\":\"2024-05-01T08:00:00Z\",\"endedAt\":\"2024-05-01T09:10:00.5Z\","
            + "\"socStart\":0.2,\"socEnd\":0.9,\"energyKWh\":0.63,\"avgTempC\":27.5,\"maxTempC\":31}";

    static RecordSchema.Result check(String json) {
        return RecordSchema.check(Json.parse(json));
    }

    static String reason(String json) {
        return assertInstanceOf(RecordSchema.Invalid.class, check(json)).reason();
    }

    @Test
    void aBatteryRecordIsReadWithItsTypes() {
        ParsedRecord p = assertInstanceOf(RecordSchema.Valid.class, check(BATTERY)).parsed();
        BatteryRecord.Master m = assertInstanceOf(BatteryRecord.Master.class, p.record());
        assertEquals(Chemistry.LFP, m.chemistry());
        assertEquals(6000, m.ratedCycleLife());
        assertEquals(0.896, m.ratedEnergyKWh(), 1e-9);
        assertEquals(Instant.parse("2024-03-01T00:00:00Z"), m.manufacturedAt());
    }

    @Test
    void aSessionIsReadWithItsTypes() {
        BatteryRecord.Session s = assertInstanceOf(BatteryRecord.Session.class,
                assertInstanceOf(RecordSchema.Valid.class, check(SESSION)).parsed().record());
        assertTrue(s.isCharge());
        assertEquals(0.7, s.depth(), 1e-12);
        assertEquals(Instant.parse("2024-05-01T09:10:00.5Z"), s.endedAt());
    }

    /** The hash is SHA-256 of the RFC 8785 form, so anyone's JCS tool and sha256sum give the same hex. */
    @Test
    void theHashIsSha256OfTheCanonicalJson() throws Exception {
        String shuffled = "{ \"maxTempC\": 31.0, \"avgTempC\": 27.50, \"energyKWh\": 0.63, \"socEnd\": 0.9, \"socStart\": 2e-1,"
                + " \"endedAt\": \"2024-05-01T09:10:00.5Z\", \"startedAt\": \"2024-05-01T08:00:00Z\", \"operator\": \"ChargeCo\","
                + " \"batteryCode\": \"036PE0B1A2C3D4E5F6G7H8J9\", \"type\": \"session\", \"recordId\": \"cpo-9\" }";
        ParsedRecord a = assertInstanceOf(RecordSchema.Valid.class, check(SESSION)).parsed();
        ParsedRecord b = assertInstanceOf(RecordSchema.Valid.class, check(shuffled)).parsed();
        String expectedCanonical = "{\"avgTempC\":27.5,\"batteryCode\":\"036PE0B1A2C3D4E5F6G7H8J9\",\"endedAt\":\"2024-05-01T09:10:00.5Z\","
                + "\"energyKWh\":0.63,\"maxTempC\":31,\"operator\":\"ChargeCo\",\"recordId\":\"cpo-9\",\"socEnd\":0.9,\"socStart\":0.2,"
                + "\"startedAt\":\"2024-05-01T08:00:00Z\",\"type\":\"session\"}";
        assertEquals(expectedCanonical, a.canonicalJson());
        assertEquals(expectedCanonical, b.canonicalJson());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expectedCanonical.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sha256, a.hash(Suites.ecdsa()).hex());
    }

    @Test
    void extraFieldsAreKeptAndHashed() {
        ParsedRecord p = assertInstanceOf(RecordSchema.Valid.class, check(SESSION.replace("}", ",\"chargerId\":\"C-17\"}"))).parsed();
        assertTrue(p.canonicalJson().contains("\"chargerId\":\"C-17\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"recordId\":\"erp-1\",|\"recordId\":\"erp 1\",|field 'recordId' must be 1-128 characters of [A-Za-z0-9._:-], not \"erp 1\"",
            "\"type\":\"battery\",|\"type\":\"cell\",|field 'type' must be \"battery\" or \"session\", not \"cell\"",
            "\"chemistry\":\"LFP\",|\"chemistry\":\"LiPo\",|field 'chemistry' must be one of LFP, NMC, NCA, LMO, LTO, not \"LiPo\"",
            "\"ratedCapacityAh\":280.0,|\"ratedCapacityAh\":\"280\",|field 'ratedCapacityAh' must be a number, not the string \"280\"",
            "\"ratedCapacityAh\":280.0,|\"ratedCapacityAh\":0,|field 'ratedCapacityAh' must be above 0 and at most 10000 Ah, was 0",
            "\"ratedCycleLife\":6000,|\"ratedCycleLife\":6000.5,|field 'ratedCycleLife' must be a whole number from 1 to 100000, was 6000.5",
            "\"ratedCycleLife\":6000,|\"ratedCycleLife\":0,|field 'ratedCycleLife' must be from 1 to 100000, was 0",
            "\"ratedCycleDod\":1,|\"ratedCycleDod\":1.2,|field 'ratedCycleDod' must be above 0 and at most 1 (a share of capacity), was 1.2",
            "\"batteryCode\":\"036PE0B1A2C3D4E5F6G7H8J9\",|\"batteryCode\":\"036pe0\",|field 'batteryCode' must be 1-64 characters of [A-Z0-9-], not \"036pe0\"",
            "\"manufacturedAt\":\"2024-03-01T00:00:00Z\"|\"manufacturedAt\":\"2024-03-01 00:00\"|field 'manufacturedAt' must be an ISO-8601 UTC time like 2024-05-01T08:30:00Z, not \"2024-03-01 00:00\"",
            "\"manufacturedAt\":\"2024-03-01T00:00:00Z\"|\"manufacturedAt\":\"2024-02-30T00:00:00Z\"|field 'manufacturedAt' is not a valid time: \"2024-02-30T00:00:00Z\"",
            "\"manufacturer\":\"CATL\",|\"manufacturer\":null,|field 'manufacturer' is required",
            "\"manufacturer\":\"CATL\",|\"manufacturer\":\" \",|field 'manufacturer' must be 1-128 characters, not blank",
    })
    void eachBadBatteryFieldIsNamed(String field, String replacement, String expected) {
        assertTrue(BATTERY.contains(field), field);
        assertEquals(expected, reason(BATTERY.replace(field, replacement)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"socEnd\":0.9,|\"socEnd\":1.5,|field 'socEnd' must be at least 0 and at most 1 (state of charge), was 1.5",
            "\"socStart\":0.2,|\"socStart\":-0.1,|field 'socStart' must be at least 0 and at most 1 (state of charge), was -0.1",
            "\"energyKWh\":0.63,|\"energyKWh\":true,|field 'energyKWh' must be a number, not true",
            "\"endedAt\":\"2024-05-01T09:10:00.5Z\"|\"endedAt\":\"2024-05-01T07:00:00Z\"|endedAt (2024-05-01T07:00:00Z) must be after startedAt (2024-05-01T08:00:00Z)",
            "\"maxTempC\":31|\"maxTempC\":20|maxTempC (20.0) must not be below avgTempC (27.5)",
            "\"operator\":\"ChargeCo\",|\"operator\":[\"ChargeCo\"],|field 'operator' must be a string, not an array",
    })
    void eachBadSessionFieldIsNamed(String field, String replacement, String expected) {
        assertTrue(SESSION.contains(field), field);
        assertEquals(expected, reason(SESSION.replace(field, replacement)));
    }

    @Test
    void everyProblemIsListedNotJustTheFirst() {
        String r = reason("{\"recordId\":\"x\",\"type\":\"session\",\"socStart\":2}");
        for (String f : new String[]{"batteryCode", "operator", "startedAt", "endedAt", "socEnd", "energyKWh", "avgTempC", "maxTempC"}) {
            assertTrue(r.contains("field '" + f + "' is required"), r);
        }
        assertTrue(r.contains("field 'socStart' must be at least 0 and at most 1"), r);
    }

    @Test
    void aRecordMustBeAnObject() {
        RecordSchema.Invalid i = assertInstanceOf(RecordSchema.Invalid.class, RecordSchema.check(Json.parse("[1,2]")));
        assertNull(i.recordId());
        assertEquals("a record is a JSON object, not an array", i.reason());
        assertEquals("field 'recordId' is required; field 'type' is required", reason("{}"));
    }

    /** Issue 17: numbers a hostile client picks are refused by name, never reach the canonical form and never grow. */
    @Test
    void numbersNoDoubleCanHoldAreRefusedWhereverTheyAre() {
        String tail = BATTERY.substring(0, BATTERY.length() - 1);
        assertEquals("field 'note' holds 2E+308, beyond the range of an IEEE double (RFC 8785 writes numbers as doubles)",
                reason(tail + ",\"note\":2e308}"));
        assertEquals("field 'extra.list[1]' holds -1E+400, beyond the range of an IEEE double (RFC 8785 writes numbers as doubles)",
                reason(tail + ",\"extra\":{\"list\":[1,-1e400]}}"));
        assertTrue(reason(BATTERY.replace("\"ratedCapacityAh\":280.0", "\"ratedCapacityAh\":2e308"))
                .startsWith("field 'ratedCapacityAh' must be above 0 and at most 10000 Ah, was 2E+308"));
        // Twenty thousand digits: refused with the first forty shown, not echoed whole.
        String digits = "9".repeat(20_000);
        String r = reason(BATTERY.replace("\"ratedCycleLife\":6000", "\"ratedCycleLife\":" + digits));
        assertTrue(r.startsWith("field 'ratedCycleLife' must be a whole number from 1 to 100000, was " + "9".repeat(40) + "..."), r);
        assertTrue(r.length() < 200, r);
        // A value too small for a double reads as 0, which is a double: not refused for that.
        assertInstanceOf(RecordSchema.Valid.class, check(tail + ",\"tiny\":1e-400}"));
    }
}
