package org.batteryledger.web.pdf;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.batteryledger.web.pdf.FadeChart.Box;
import org.batteryledger.web.pdf.Sheet.Rgb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;

import static org.batteryledger.web.pdf.Figures.band;
import static org.batteryledger.web.pdf.Figures.base;
import static org.batteryledger.web.pdf.Figures.day;
import static org.batteryledger.web.pdf.Figures.decimal;
import static org.batteryledger.web.pdf.Figures.dgst;
import static org.batteryledger.web.pdf.Figures.hashName;
import static org.batteryledger.web.pdf.Figures.instant;
import static org.batteryledger.web.pdf.Figures.or;
import static org.batteryledger.web.pdf.Figures.percent;
import static org.batteryledger.web.pdf.Figures.plain;
import static org.batteryledger.web.pdf.Figures.threshold;
import static org.batteryledger.web.pdf.Figures.time;
import static org.batteryledger.web.pdf.Sheet.LEFT;
import static org.batteryledger.web.pdf.Sheet.RIGHT;

/**
 * A valuation certificate as a PDF for people: a recycler or buyer reads the battery, the headline figures, the
 * capacity-fade curve and the evidence behind them on one A4 page (a second one when there is much to list), and
 * how to check the signed original. The PDF itself is not signed; the certificate's JSON document is what counts.
 *
 * <p>Input is the certificate document as {@code ValuationCertificate.document()} or {@code Json.parse} gives it. Text
 * is drawn with the standard 14 fonts and sanitized to WinAnsi, so no agency name or reason can fail a render.
 */
public final class CertificatePdf {
    /**
     * What the "How to verify" section prints besides the document: the certificate's hash (the chain suite's, hex),
     * its registration on chain (both null while not in a block yet), and the base URL of this node's REST API (as
     * JAX-RS gives it, e.g. {@code https://node1:8443/ledger/api/}), or null to leave out this node's addresses.
     */
    public record Verification(String certificateHash, Long blockHeight, String txHash, String apiBaseUrl) {
    }

    /** The plot area of the fade curve on page 1, in PDF points from the bottom-left corner (a test looks there). */
    static final Box CHART = new Box(LEFT + 44, 410, RIGHT - 6 - (LEFT + 44), 138);

    private static final float LABEL_WIDTH = 140;
    /** Between rows above the chart, and in the sections below it. */
    private static final float LEADING = 11;
    private static final float FLOW_LEADING = 10.5f;
    private static final float FLOW_SIZE = 8;

    private static final Map<String, String> STATUS_MEANING = Map.of(
            "reuse", "fit for reuse in a vehicle",
            "repurpose", "to be repurposed for stationary storage",
            "recycle", "for recycling only");
    private static final Map<String, Rgb> STATUS_COLOUR = Map.of(
            "reuse", new Rgb(46, 125, 80),
            "repurpose", new Rgb(196, 125, 20),
            "recycle", new Rgb(170, 50, 45));

    private CertificatePdf() {
    }

    /**
     * Renders {@code document}. Equal inputs give equal bytes: nothing is taken from the clock.
     *
     * @throws UncheckedIOException only if PDFBox fails writing to memory
     */
    public static byte[] render(Map<String, ?> document, Verification how) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(how, "how");
        String id = or(Tree.text(document, "certificateId"), "certificate");
        try (PDDocument pdf = new PDDocument()) {
            Sheet sheet = new Sheet(pdf, "Battery valuation certificate " + id + " (continued)");
            new Page(sheet, document, how, id).write();
            sheet.finish("Battery valuation certificate " + id + " · a rendering; the signed JSON document is the original "
                    + "(How to verify)");
            info(pdf, document, id);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("rendering valuation certificate " + id + " as PDF failed", e);
        }
    }

    /** Document information from the certificate, never the clock. */
    private static void info(PDDocument pdf, Map<String, ?> document, String id) {
        PDDocumentInformation info = new PDDocumentInformation();
        info.setTitle("Battery valuation certificate " + id);
        info.setSubject("Valuation of battery " + or(Tree.text(Tree.object(document, "battery"), "batteryCode"), "n/a"));
        info.setAuthor(Tree.text(Tree.object(document, "issuer"), "agency"));
        info.setCreator("Battery Ledger");
        info.setProducer("Battery Ledger web-admin (Apache PDFBox)");
        Instant issued = instant(Tree.text(document, "issuedAt"));
        if (issued != null) {
            GregorianCalendar at = new GregorianCalendar(TimeZone.getTimeZone(ZoneOffset.UTC), Locale.ROOT);
            at.setTimeInMillis(issued.toEpochMilli());
            info.setCreationDate(at);
        }
        pdf.setDocumentInformation(info);
        pdf.getDocumentCatalog().setLanguage("en");
        // PDFBox makes the trailer /ID from a time and the info values: give it the issue time, not the clock.
        // With that nothing in the file varies between renderings (object numbers and streams are deterministic).
        pdf.setDocumentId(issued == null ? 0L : issued.toEpochMilli());
    }

    /** Page 1 top to bottom, then the sections that flow on (to page 2 if needed). */
    private static final class Page {
        private final Sheet sheet;
        private final Map<String, ?> doc;
        private final Verification how;
        private final String id;
        private final Map<?, ?> battery;
        private final Map<?, ?> results;
        private final Map<?, ?> evidence;
        private final Map<?, ?> model;
        private final Map<?, ?> parameters;

        Page(Sheet sheet, Map<String, ?> doc, Verification how, String id) {
            this.sheet = sheet;
            this.doc = doc;
            this.how = how;
            this.id = id;
            this.battery = Tree.object(doc, "battery");
            this.results = Tree.object(doc, "results");
            this.evidence = Tree.object(doc, "evidence");
            this.model = Tree.object(doc, "model");
            this.parameters = Tree.object(model, "parameters");
        }

        void write() throws IOException {
            header();
            batteryFacts();
            headline();
            chart();
            sheet.y(CHART.y() - 29);
            evidence();
            verification();
        }

        // ------------------------------------------------------------------ page 1, fixed positions above the chart

        private void header() throws IOException {
            float top = Sheet.TOP;
            sheet.text(sheet.bold, 18, LEFT, top - 16, "Battery valuation certificate", Sheet.INK);
            String status = or(Tree.text(results, "status"), "n/a");
            String badge = WinAnsi.sanitize(status).toUpperCase(Locale.ROOT);
            float w = sheet.width(sheet.bold, 11, badge) + 16;
            PDPageContentStream out = sheet.out();
            STATUS_COLOUR.getOrDefault(status, Sheet.MUTED).fill(out);
            out.addRect(RIGHT - w, top - 21, w, 21);
            out.fill();
            sheet.text(sheet.bold, 11, RIGHT - w + 8, top - 14.5f, badge, new Rgb(255, 255, 255));

            Map<?, ?> issuer = Tree.object(doc, "issuer");
            String line = "Certificate " + id + "  ·  issued " + time(Tree.text(doc, "issuedAt")) + " by "
                    + or(Tree.text(issuer, "agency"), "n/a") + " (node " + or(Tree.text(issuer, "node"), "n/a") + ")";
            sheet.text(sheet.regular, 9, LEFT, top - 31, sheet.fit(sheet.regular, 9, line, RIGHT - LEFT), Sheet.INK);
            String supersedes = Tree.text(doc, "supersedes");
            if (supersedes != null) {
                String s = "Replaces certificate " + supersedes + ", the battery's previous valuation: that one is superseded.";
                sheet.text(sheet.bold, 8.5f, LEFT, top - 42, sheet.fit(sheet.bold, 8.5f, s, RIGHT - LEFT), Sheet.INK);
            }
            sheet.y(top - 49);
            sheet.rule();
        }

        private void batteryFacts() throws IOException {
            Map<String, String> left = new LinkedHashMap<>();
            left.put("Battery code", Tree.text(battery, "batteryCode"));
            left.put("Manufacturer", Tree.text(battery, "manufacturer"));
            left.put("Chemistry", Tree.text(battery, "chemistry"));
            left.put("Manufactured", day(Tree.text(battery, "manufacturedAt")));
            Map<String, String> right = new LinkedHashMap<>();
            BigDecimal kwh = Tree.number(results, "ratedEnergyKWh");
            right.put("Rated energy", kwh == null ? null : decimal(kwh, 1) + " kWh");
            BigDecimal ah = Tree.number(battery, "ratedCapacityAh");
            BigDecimal volts = Tree.number(battery, "nominalVoltageV");
            right.put("Rated capacity", ah == null ? null : plain(ah) + " Ah" + (volts == null ? "" : " at " + plain(volts) + " V nominal"));
            BigDecimal life = Tree.number(battery, "ratedCycleLife");
            BigDecimal dod = Tree.number(battery, "ratedCycleDod");
            BigDecimal temp = Tree.number(battery, "ratedCycleTempC");
            right.put("Rated cycle life", life == null ? null : decimal(life, 0) + " cycles"
                    + (dod == null ? "" : " at " + threshold(dod) + " DoD") + (temp == null ? "" : ", " + plain(temp) + " °C"));
            right.put("Valued at", time(Tree.text(doc, "valuedAt")));
            float column = (RIGHT - LEFT) / 2;
            float baseline = sheet.y() - 12;
            facts(left, LEFT, baseline, column - 8);
            facts(right, LEFT + column, baseline, column);
            sheet.y(baseline - 3 * LEADING);
        }

        private void facts(Map<String, String> facts, float x, float baseline, float width) throws IOException {
            float labelWidth = 76;
            for (Map.Entry<String, String> f : facts.entrySet()) {
                sheet.text(sheet.bold, 8, x, baseline, f.getKey(), Sheet.MUTED);
                sheet.text(sheet.regular, 9, x + labelWidth, baseline,
                        sheet.fit(sheet.regular, 9, or(f.getValue(), "n/a"), width - labelWidth), Sheet.INK);
                baseline -= LEADING;
            }
        }

        private void headline() throws IOException {
            sheet.down(20);
            sheet.text(sheet.bold, 10.5f, LEFT, sheet.y(), "Valuation", Sheet.INK);
            float y = sheet.y() - 13;
            fixedRow(y, "State of health", band(results, "stateOfHealth", true), sheet.bold, 10);
            y -= LEADING + 2;
            BigDecimal efc = Tree.number(results, "equivalentFullCycles");
            BigDecimal unrecorded = Tree.number(results, "unrecordedFullCycles");
            fixedRow(y, "Equivalent full cycles", efc == null ? "n/a" : decimal(efc, 1)
                    + (unrecorded == null || unrecorded.signum() == 0 ? ""
                    : " (" + decimal(unrecorded, 1) + " of them between sessions, not recorded)"), sheet.regular, 9);
            y -= LEADING + 1;
            BigDecimal years = Tree.number(results, "remainingYears");
            fixedRow(y, "Remaining full cycles to end of life", band(results, "remainingFullCycles", false)
                    + (years == null ? "; years not estimated (no use recorded to project from)"
                    : ", about " + decimal(years, 1) + " years at the use so far"), sheet.regular, 9);
            y -= LEADING + 2;
            String status = or(Tree.text(results, "status"), "n/a");
            fixedRow(y, "Status", status + (STATUS_MEANING.containsKey(status) ? ": " + STATUS_MEANING.get(status) : ""),
                    sheet.bold, 10);
            y -= 10;
            y = reason(y, "because " + or(Tree.text(results, "statusReason"), "no reason given"));
            y -= 3;
            Map<?, ?> value = Tree.object(results, "residualValue");
            String currency = or(Tree.text(value, "currency"), "");
            BigDecimal amount = Tree.number(value, "amount");
            BigDecimal low = Tree.number(value, "low");
            BigDecimal high = Tree.number(value, "high");
            BigDecimal usable = Tree.number(value, "usableEnergyKWh");
            boolean banded = low != null && high != null && low.compareTo(high) != 0; // a recycling value has no band
            fixedRow(y, "Residual value", amount == null ? "n/a" : (currency + " " + decimal(amount, 2)).trim()
                    + (banded ? " (" + decimal(low, 2) + " – " + decimal(high, 2) + ")" : "")
                    + (usable == null || "recycle".equals(status) ? "" : " for " + decimal(usable, 1) + " kWh usable"), sheet.bold, 10);
            y -= 10;
            // the prices behind it are model parameters, set by the consortium: not market quotes
            sheet.text(sheet.regular, 7.5f, LEFT + LABEL_WIDTH, y, sheet.fit(sheet.regular, 7.5f,
                    "basis: " + or(Tree.text(value, "basis"), "not given") + ", at the consortium's prices", RIGHT - LEFT - LABEL_WIDTH),
                    Sheet.MUTED);
            y -= LEADING + 2;
            Map<String, Integer> counts = eventCounts();
            int total = counts.values().stream().mapToInt(Integer::intValue).sum();
            List<String> parts = new ArrayList<>();
            counts.forEach((type, n) -> parts.add(n == 1 ? type : type + " × " + n));
            int listed = Tree.list(results, "negativeEvents").size();
            fixedRow(y, "Negative events", total == 0 ? "none" : total + ": " + String.join(", ", parts)
                    + (listed < total ? " (the first " + listed + " listed under Evidence)" : " (listed under Evidence)"),
                    total == 0 ? sheet.regular : sheet.bold, 9);
        }

        /** The status reason under the status, at most two lines (the full text is in the certificate). */
        private float reason(float y, String reason) throws IOException {
            float width = RIGHT - LEFT - LABEL_WIDTH;
            List<String> lines = sheet.wrap(sheet.regular, 7.5f, reason, width);
            for (int i = 0; i < Math.min(2, lines.size()); i++) {
                String line = i == 1 && lines.size() > 2 ? sheet.fit(sheet.regular, 7.5f, lines.get(1) + " " + lines.get(2), width)
                        : lines.get(i);
                sheet.text(sheet.regular, 7.5f, LEFT + LABEL_WIDTH, y, line, Sheet.MUTED);
                y -= 9;
            }
            return lines.size() == 1 ? y - 9 : y; // the same room for one line or two: the chart does not move
        }

        private void fixedRow(float y, String label, String value, PDFont font, float size) throws IOException {
            sheet.text(sheet.bold, 8, LEFT, y, label, Sheet.MUTED);
            sheet.text(font, size, LEFT + LABEL_WIDTH, y, sheet.fit(font, size, value, RIGHT - LEFT - LABEL_WIDTH), Sheet.INK);
        }

        private void chart() throws IOException {
            float baseline = CHART.top() + 12;
            sheet.text(sheet.bold, 10.5f, LEFT, baseline, "Capacity fade", Sheet.INK);
            FadeChart.legend(sheet, RIGHT, baseline);
            FadeChart.draw(sheet, CHART, results.get("fadeCurve"), Tree.number(parameters, "endOfLifeSoh"));
        }

        // ------------------------------------------------------------------ sections that flow

        private void evidence() throws IOException {
            sheet.need(16 + 3 * LEADING);
            heading("Evidence");
            BigDecimal records = Tree.number(evidence, "records");
            BigDecimal sessions = Tree.number(evidence, "sessions");
            row("Records valued", records == null ? "n/a" : decimal(records, 0)
                    + (sessions == null ? "" : ": the battery record and " + decimal(sessions, 0) + " charging sessions"));
            Map<?, ?> anchoring = Tree.object(evidence, "anchoring");
            if (anchoring != null && Tree.number(anchoring, "transactions") != null) {
                // format 2: the inputs' root and their block range; the list is at GET /valuations/{id}/evidence
                BigDecimal transactions = Tree.number(anchoring, "transactions");
                row("Anchored by", plain(transactions) + (transactions.intValue() == 1 ? " transaction" : " transactions") + ", heights "
                        + plain(Tree.number(anchoring, "fromHeight")) + " – " + plain(Tree.number(anchoring, "toHeight"))
                        + " (each record's anchor: GET /valuations/{id}/evidence, or the evidence bundle)");
            } else {
                List<?> anchors = Tree.list(evidence, "anchors");
                List<BigDecimal> heights = new ArrayList<>();
                for (Object a : anchors) {
                    if (a instanceof Map<?, ?> m && Tree.number(m, "blockHeight") != null) {
                        heights.add(Tree.number(m, "blockHeight"));
                    }
                }
                // heights as the API takes them (GET /blocks/{height}): no thousands separators
                String range = heights.isEmpty() ? "" : ", heights " + plain(heights.stream().min(BigDecimal::compareTo).get())
                        + " – " + plain(heights.stream().max(BigDecimal::compareTo).get());
                row("Anchored in", anchors.size() + (anchors.size() == 1 ? " block" : " blocks") + range
                        + " (each record's anchor is listed in the certificate)");
            }
            BigDecimal leftOut = Tree.number(evidence, "unanchoredRecordsLeftOut");
            row("Left out", leftOut == null ? "n/a" : leftOut.signum() == 0 ? "none: every record of the battery was anchored"
                    : decimal(leftOut, 0) + " records of the battery, not yet anchored when valued");
            monoRow("Evidence root", or(Tree.text(evidence, "evidenceRoot"), "n/a"));
            Map<?, ?> quality = Tree.object(results, "evidenceQuality");
            BigDecimal gapDays = Tree.number(quality, "gapDays");
            BigDecimal gapThreshold = Tree.number(parameters, "gapDays");
            row("Sessions", or(Tree.text(quality, "sessions"), "n/a") + (Tree.text(quality, "firstSession") == null ? ""
                    : ", from " + day(Tree.text(quality, "firstSession")) + " to " + day(Tree.text(quality, "lastSession")))
                    + "; " + (gapDays == null ? "n/a" : decimal(gapDays, 1)) + " days in pauses longer than "
                    + (gapThreshold == null ? "the gap threshold" : plain(gapThreshold) + " days"));
            BigDecimal unrecorded = Tree.number(quality, "unrecordedShare");
            BigDecimal uncertainty = Tree.number(quality, "relativeUncertainty");
            row("Evidence quality", "unrecorded share " + (unrecorded == null ? "n/a" : percent(unrecorded))
                    + ", relative uncertainty of the fade ± " + (uncertainty == null ? "n/a" : percent(uncertainty))
                    + " (the width of the bands)");
            BigDecimal eol = Tree.number(parameters, "endOfLifeSoh");
            row("Model", or(Tree.text(model, "name"), "n/a") + " " + or(Tree.text(model, "version"), "")
                    + (eol == null ? "" : ", end of life at " + threshold(eol)) + "; every parameter is in the certificate");
            for (Object e : Tree.list(results, "negativeEvents")) {
                Map<?, ?> m = e instanceof Map<?, ?> em ? em : Map.of();
                row("Negative event", time(Tree.text(m, "at")) + ", " + or(Tree.text(m, "type"), "event") + ", session "
                        + or(Tree.text(m, "recordId"), "n/a") + ": " + or(Tree.text(m, "description"), ""));
            }
        }

        private void verification() throws IOException {
            sheet.need(16 + 6 * FLOW_LEADING);
            heading("How to verify");
            String suite = Tree.text(evidence, "suite");
            paragraph("The original is the certificate's JSON document, signed by the issuing node and registered on chain by its "
                    + "hash; this PDF only renders it.");
            monoRow("Certificate hash (" + hashName(suite) + ")", or(how.certificateHash(), "not given"));
            if (how.blockHeight() == null) {
                row("Registered on chain", "not yet in a block when this PDF was made; step 4 tells whether it is now");
            } else {
                row("Registered on chain", "in block " + how.blockHeight());
            }
            if (how.txHash() != null) {
                monoRow("Transaction", how.txHash());
            }
            monoRow("Chain", or(Tree.text(doc, "chainId"), "n/a"));
            String base = base(how.apiBaseUrl());
            sheet.down(2);
            paragraph("1. Save the signed certificate (CMS) as " + id + ".p7m"
                    + (base == null ? " from the issuing node" : ": GET " + base + "valuations/" + id + "?format=cms")
                    + "; and the chain CA's certificate as ca.crt.");
            Instant issued = instant(Tree.text(doc, "issuedAt"));
            paragraph("2. Check the signature offline (a certificate signed before its node had a document signer, with the "
                    + "node's TLS key, needs -purpose any"
                    + (issued == null ? "" : "; add -attime " + issued.getEpochSecond() + ", the issue time, if the signer's "
                    + "certificate has expired since")
                    + (suite == null || suite.startsWith("ecdsa") ? "" : "; for " + suite + " OpenSSL needs SM2 support: the "
                    + "ledger tests this command with ecdsa-p256-sha256") + "):");
            code("openssl cms -verify -binary -inform DER -in " + id + ".p7m -CAfile ca.crt -out " + id + ".json");
            paragraph("3. The output is the signed JSON document; its hash must be the certificate hash above:");
            code("openssl dgst " + dgst(suite) + " " + id + ".json");
            paragraph("4. Or, on any node of the chain, POST /ledger/api/valuations/verify with the .p7m (or the JSON) as the body"
                    + (base == null ? "" : " (here " + base + "valuations/verify)") + ": it checks the signature, the "
                    + "registration on chain and whether a newer certificate supersedes this one.");
        }

        // ------------------------------------------------------------------ building blocks of the flowing part

        private void heading(String title) throws IOException {
            sheet.down(16);
            sheet.text(sheet.bold, 10.5f, LEFT, sheet.y(), title, Sheet.INK);
            sheet.down(FLOW_LEADING + 2);
        }

        private void row(String label, String value) throws IOException {
            row(label, value, sheet.regular);
        }

        /** A row whose value is a hash or id: fixed width, so a reader can compare it character by character. */
        private void monoRow(String label, String value) throws IOException {
            row(label, value, sheet.mono);
        }

        private void row(String label, String value, PDFont font) throws IOException {
            List<String> lines = sheet.wrap(font, FLOW_SIZE, value, RIGHT - LEFT - LABEL_WIDTH);
            sheet.need(lines.size() * FLOW_LEADING);
            sheet.text(sheet.bold, 8, LEFT, sheet.y(), label, Sheet.MUTED);
            for (String line : lines) {
                sheet.text(font, FLOW_SIZE, LEFT + LABEL_WIDTH, sheet.y(), line, Sheet.INK);
                sheet.down(FLOW_LEADING);
            }
        }

        private void paragraph(String text) throws IOException {
            List<String> lines = sheet.wrap(sheet.regular, FLOW_SIZE, text, RIGHT - LEFT);
            sheet.need(lines.size() * FLOW_LEADING);
            for (String line : lines) {
                sheet.text(sheet.regular, FLOW_SIZE, LEFT, sheet.y(), line, Sheet.INK);
                sheet.down(FLOW_LEADING);
            }
        }

        /**
         * A shell command in Courier, indented; too long for one line, it breaks before an option with a trailing
         * backslash, so what a reader copies still runs.
         */
        private void code(String command) throws IOException {
            float x = LEFT + 12;
            float max = RIGHT - x;
            // an option and its arguments stay on one line
            List<String> groups = new ArrayList<>();
            for (String word : WinAnsi.sanitize(command).split(" ")) {
                if (groups.isEmpty() || word.startsWith("-")) {
                    groups.add(word);
                } else {
                    groups.set(groups.size() - 1, groups.get(groups.size() - 1) + " " + word);
                }
            }
            List<String> lines = new ArrayList<>();
            String line = "";
            for (String group : groups) {
                String candidate = line.isEmpty() ? group : line + " " + group;
                if (!line.isBlank() && sheet.width(sheet.mono, 8, candidate + " \\") > max) {
                    lines.add(line + " \\");
                    line = "    " + group;
                } else {
                    line = candidate;
                }
            }
            lines.add(line);
            sheet.need(lines.size() * 10 + 2);
            sheet.down(1);
            for (String l : lines) {
                sheet.text(sheet.mono, 8, x, sheet.y(), sheet.fit(sheet.mono, 8, l, max), Sheet.INK);
                sheet.down(10);
            }
            sheet.down(2);
        }

        /** Events by type: counted by the certificate (format 2 lists only the first of each type), else as listed. */
        private Map<String, Integer> eventCounts() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            Map<?, ?> counted = Tree.object(results, "negativeEventCounts");
            if (!counted.isEmpty()) {
                counted.forEach((type, n) -> counts.put(String.valueOf(type), n instanceof Number x ? x.intValue() : 0));
                return counts;
            }
            for (Object e : Tree.list(results, "negativeEvents")) {
                String type = e instanceof Map<?, ?> m ? or(Tree.text(m, "type"), "event") : "event";
                counts.merge(type, 1, Integer::sum);
            }
            return counts;
        }
    }
}
