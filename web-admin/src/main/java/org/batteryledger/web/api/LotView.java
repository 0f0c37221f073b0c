package org.batteryledger.web.api;

import org.batteryledger.node.lot.LotItemEntity;
import org.batteryledger.node.lot.LotService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A lot valuation job as the API shows it: its state, counts, progress (the share of batteries finished: valued, failed
 * or left out by a cancel), its value per currency with the band (the sum of the batteries' lows and highs, a band
 * that assumes their errors go the same way), the first failures with their reasons, and its links.
 */
public record LotView(String lotId, String status, String createdAt, String createdBy, String selection, boolean partial, int total,
                      long pending, long started, long valued, long failed, long cancelled, double progress, List<Value> value,
                      String finishedAt, List<Failure> failures, Links links) {

    public record Value(String currency, double amount, double low, double high) {
    }

    public record Failure(String batteryCode, String reason) {
    }

    public record Links(String self, String csv, String pdf, String certificates, String cancel) {
    }

    static LotView of(LotService.Lot l, String base) {
        Map<LotItemEntity.State, Long> c = l.counts();
        long done = c.get(LotItemEntity.State.VALUED) + c.get(LotItemEntity.State.FAILED) + c.get(LotItemEntity.State.CANCELLED);
        List<Value> value = new ArrayList<>();
        l.totals().forEach((currency, t) -> value.add(new Value(currency, round(t[0]), round(t[1]), round(t[2]))));
        var lot = l.lot();
        return new LotView(lot.lotId(), lot.status().name().toLowerCase(Locale.ROOT), Instant.ofEpochMilli(lot.createdAt()).toString(),
                lot.createdBy(), lot.selection(), lot.partial(), lot.total(), c.get(LotItemEntity.State.PENDING),
                c.get(LotItemEntity.State.STARTED), c.get(LotItemEntity.State.VALUED), c.get(LotItemEntity.State.FAILED),
                c.get(LotItemEntity.State.CANCELLED), lot.total() == 0 ? 1 : Math.round(done * 1000.0 / lot.total()) / 1000.0, value,
                lot.finishedAt() == null ? null : Instant.ofEpochMilli(lot.finishedAt()).toString(), null,
                new Links(base, base + "/report.csv", base + "/report.pdf", base + "/certificates.zip", base + "/cancel"));
    }

    LotView withFailures(List<Failure> f) {
        return new LotView(lotId, status, createdAt, createdBy, selection, partial, total, pending, started, valued, failed, cancelled, progress,
                value, finishedAt, f, links);
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
