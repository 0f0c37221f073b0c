package org.batteryledger.web.api;

import org.batteryledger.node.fleet.FleetEntity;
import org.batteryledger.node.fleet.FleetIndex;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The fleet table's JSON: one row per battery, and the pictures of a filter (written by JSON-B; absent when null). */
final class FleetRows {
    private static final double SECONDS_PER_YEAR = 365.25 * 86_400;

    private FleetRows() {
    }

    /**
     * A battery of the fleet: the chain's facts, this node's latest assessment from the consortium's evidence, and how
     * complete that evidence was ({@code evidence}: verified, unanchored, incomplete, not-assessed, unavailable).
     */
    public record Row(String batteryCode, String unitKind, String chemistry, String manufacturer, String registeredBy,
                      String manufacturedAt, Double ageYears, Integer sessions, Double equivalentFullCycles,
                      Double stateOfHealth, Double stateOfHealthLow, Double stateOfHealthHigh, String status,
                      Double residualValue, Double residualValueLow, Double residualValueHigh, String currency,
                      String evidence, String evidenceDetail, int unanchored, String assessedAt, String certificateId) {
    }

    static Row row(FleetEntity e, long nowEpochSecond) {
        return new Row(e.batteryCode(), e.unitKind(), e.chemistry(), e.manufacturer(), e.registeredBy(),
                e.manufacturedAt() == null ? null : Instant.ofEpochSecond(e.manufacturedAt()).toString(),
                e.manufacturedAt() == null ? null : age(e.manufacturedAt(), nowEpochSecond), e.sessions(), e.equivalentFullCycles(),
                e.stateOfHealth(), e.stateOfHealthLow(), e.stateOfHealthHigh(), e.status(), e.residualValue(), e.residualValueLow(),
                e.residualValueHigh(), e.currency(), e.evidence(), e.evidenceDetail(), e.unanchored(),
                e.assessedAt() == null ? null : Instant.ofEpochMilli(e.assessedAt()).toString(), e.certificateId());
    }

    static double age(long manufacturedAt, long now) {
        return Math.round(Math.max(0, now - manufacturedAt) / SECONDS_PER_YEAR * 100) / 100.0;
    }

    /** A chemistry's state-of-health histogram: {@code counts[i]} batteries from {@code i × binWidth} up to the next bin. */
    public record Histogram(String chemistry, double binWidth, List<Long> counts) {
    }

    public record Point(String batteryCode, double ageYears, double residualValue, String status) {
    }

    /** The status bands: reuse at or above {@code reuseFrom}, recycling below {@code recycleBelow}, repurposing between. */
    public record Bands(double reuseFrom, double recycleBelow) {
    }

    /**
     * The pictures of the rows the filter matches: {@code count} is the table's total, the status and evidence mixes add
     * up to it; the histograms count the assessed rows; {@code points} are up to 1,000 of {@code pointsOf} rows with a
     * value, the first in battery code order.
     */
    public record Summary(String filter, long count, Map<String, Long> statuses, Map<String, Long> evidence, Bands bands,
                          List<Histogram> histograms, List<Point> points, long pointsOf) {
    }

    static Summary summary(String filter, FleetIndex.Summary s, Bands bands, long now) {
        List<Histogram> histograms = new ArrayList<>();
        s.histograms().forEach((chemistry, counts) -> histograms.add(new Histogram(chemistry, 1.0 / FleetIndex.BINS,
                Arrays.stream(counts).boxed().toList())));
        List<Point> points = s.points().stream().map(p -> new Point(p.batteryCode(), age(p.manufacturedAt(), now), p.residualValue(), p.status())).toList();
        return new Summary(filter == null ? "" : filter, s.count(), s.statuses(), s.evidence(), bands, histograms, points, s.pointsOf());
    }
}
