package org.batteryledger.web.api;

import org.eclipse.microprofile.openapi.annotations.media.DiscriminatorMapping;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.math.BigDecimal;

/**
 * The records of CONTRACT.md as the API description shows them: what {@code POST /records} takes, the WSDL's
 * {@code BatteryRecord} and {@code SessionRecord} with the same field names (JSON adds {@code type}, which SOAP says by
 * the element's name). Description only: the intake reads the body itself, strictly, and answers each record.
 */
@Schema(name = "SubmittedRecord", oneOf = {SubmittedRecord.BatteryRecord.class, SubmittedRecord.SessionRecord.class},
        discriminatorProperty = "type", discriminatorMapping = {
        @DiscriminatorMapping(value = "battery", schema = SubmittedRecord.BatteryRecord.class),
        @DiscriminatorMapping(value = "session", schema = SubmittedRecord.SessionRecord.class)})
public sealed interface SubmittedRecord {
    /** Battery master data, from a manufacturer. */
    @Schema(name = "BatteryRecord", description = "battery master data, from a manufacturer")
    record BatteryRecord(
            @Schema(required = true) String recordId,
            @Schema(required = true, enumeration = "battery") String type,
            @Schema(required = true, pattern = "^[A-Z0-9-]{1,64}$") String batteryCode,
            @Schema(required = true) String manufacturer,
            @Schema(required = true, enumeration = {"LFP", "NMC", "NCA", "LMO", "LTO"}) String chemistry,
            @Schema(required = true) BigDecimal ratedCapacityAh,
            @Schema(required = true) BigDecimal nominalVoltageV,
            @Schema(required = true, description = "full cycles to end of life at the rated depth and temperature") BigDecimal ratedCycleLife,
            @Schema(required = true, description = "0..1") BigDecimal ratedCycleDod,
            @Schema(required = true) BigDecimal ratedCycleTempC,
            @Schema(required = true, format = "date-time", description = "ISO-8601 UTC") String manufacturedAt) implements SubmittedRecord {
    }

    /** A charge or discharge session, from a charging or EV-operating company. */
    @Schema(name = "SessionRecord", description = "a charge or discharge session, from a charging or EV-operating company")
    record SessionRecord(
            @Schema(required = true) String recordId,
            @Schema(required = true, enumeration = "session") String type,
            @Schema(required = true, pattern = "^[A-Z0-9-]{1,64}$") String batteryCode,
            @Schema(required = true) String operator,
            @Schema(required = true, format = "date-time", description = "ISO-8601 UTC") String startedAt,
            @Schema(required = true, format = "date-time", description = "ISO-8601 UTC") String endedAt,
            @Schema(required = true, description = "0..1") BigDecimal socStart,
            @Schema(required = true, description = "0..1") BigDecimal socEnd,
            @Schema(required = true) BigDecimal energyKWh,
            @Schema(required = true) BigDecimal avgTempC,
            @Schema(required = true) BigDecimal maxTempC) implements SubmittedRecord {
    }
}
