package org.batteryledger.web.pdf;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

import static org.batteryledger.web.pdf.Sheet.INK;
import static org.batteryledger.web.pdf.Sheet.LEFT;
import static org.batteryledger.web.pdf.Sheet.MUTED;

/**
 * A lot valuation's summary as a PDF: what the lot is, how far the job got, the lot's value with its band, and one line
 * per battery (the first {@link #MAX_ROWS}; the CSV has them all). Each battery's certificate is the signed original.
 */
public final class LotPdf {
    static final int MAX_ROWS = 2_000;

    public record Summary(String lotId, String status, String createdAt, String createdBy, String selection, int total, long valued,
                          long failed, long cancelled, List<Value> values) {
    }

    public record Value(String currency, double amount, double low, double high) {
    }

    public record Row(int position, String batteryCode, String state, Double stateOfHealth, String status, Double residualValue,
                      String currency, String certificateId, String reason) {
    }

    private LotPdf() {
    }

    public static byte[] render(Summary s, List<Row> rows) {
        try (PDDocument pdf = new PDDocument()) {
            Sheet sheet = new Sheet(pdf, "Lot valuation " + s.lotId() + " (continued)");
            write(sheet, s, rows);
            sheet.finish("Lot valuation " + s.lotId() + " · a summary; each battery's signed certificate is the original");
            PDDocumentInformation info = new PDDocumentInformation();
            info.setTitle("Lot valuation " + s.lotId());
            info.setCreator("Battery Ledger");
            info.setProducer("Battery Ledger web-admin (Apache PDFBox)");
            pdf.setDocumentInformation(info);
            pdf.getDocumentCatalog().setLanguage("en");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering lot " + s.lotId() + " as PDF failed", e);
        }
    }

    private static void write(Sheet sheet, Summary s, List<Row> rows) throws IOException {
        sheet.text(sheet.bold, 16, LEFT, sheet.y() - 16, "Lot valuation " + s.lotId(), INK);
        sheet.down(30);
        line(sheet, "Status", s.status() + " · " + s.valued() + " valued, " + s.failed() + " failed, " + s.cancelled() + " left out, of "
                + s.total());
        line(sheet, "Created", s.createdAt() + " by " + s.createdBy());
        line(sheet, "Batteries", s.selection().isEmpty() ? "picked one by one" : "every battery matching " + s.selection());
        for (Value v : s.values()) {
            line(sheet, "Lot value", Figures.decimal(v.amount(), 2) + " " + v.currency() + "  (band " + Figures.decimal(v.low(), 2) + " – " + Figures.decimal(v.high(), 2) + ")");
        }
        if (s.values().isEmpty()) {
            line(sheet, "Lot value", "none valued yet");
        }
        sheet.down(8);
        sheet.rule();
        sheet.down(14);
        float[] x = {LEFT, LEFT + 36, LEFT + 200, LEFT + 262, LEFT + 322, LEFT + 400};
        String[] head = {"#", "Battery", "SoH", "Status", "Value", "Certificate / reason"};
        header(sheet, x, head);
        int shown = 0;
        for (Row r : rows) {
            if (shown++ == MAX_ROWS) {
                sheet.need(12);
                sheet.text(sheet.regular, 8, LEFT, sheet.y(), (rows.size() - MAX_ROWS) + " more batteries: see the CSV report", MUTED);
                break;
            }
            if (sheet.y() - 11 < Sheet.BOTTOM) {
                sheet.need(40);
                header(sheet, x, head);
            }
            String[] cells = {Integer.toString(r.position() + 1), r.batteryCode(),
                    r.stateOfHealth() == null ? "" : String.format(Locale.ROOT, "%.1f %%", r.stateOfHealth() * 100),
                    r.status() == null ? r.state() : r.status(),
                    r.residualValue() == null ? "" : Figures.decimal(r.residualValue(), 2) + " " + r.currency(),
                    r.certificateId() != null ? r.certificateId() : r.reason() == null ? r.state() : r.reason()};
            for (int i = 0; i < cells.length; i++) {
                float width = (i + 1 < x.length ? x[i + 1] : Sheet.RIGHT) - x[i] - 4;
                sheet.text(i == 1 || i == 5 ? sheet.mono : sheet.regular, 7, x[i], sheet.y(), sheet.fit(sheet.regular, 7, cells[i], width), INK);
            }
            sheet.down(10);
        }
    }

    private static void header(Sheet sheet, float[] x, String[] head) throws IOException {
        for (int i = 0; i < head.length; i++) {
            sheet.text(sheet.bold, 7, x[i], sheet.y(), head[i], MUTED);
        }
        sheet.down(12);
    }

    private static void line(Sheet sheet, String label, String value) throws IOException {
        sheet.text(sheet.bold, 9, LEFT, sheet.y(), label, MUTED);
        for (String part : sheet.wrap(sheet.regular, 9, value, Sheet.RIGHT - LEFT - 110)) {
            sheet.text(sheet.regular, 9, LEFT + 110, sheet.y(), part, INK);
            sheet.down(12);
        }
    }
}
