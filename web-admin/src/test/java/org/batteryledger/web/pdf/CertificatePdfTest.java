package org.batteryledger.web.pdf;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.batteryledger.core.valuation.certificate.AnchoredRecord;
import org.batteryledger.core.valuation.certificate.ValuationCertificate;
import org.batteryledger.web.pdf.Sheet.Rgb;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificatePdfTest {
    private static final CryptoSuite SUITE = Suites.ecdsa();
    private static final String CODE = "Q7APL12345678A9B0000001";
    private static final Instant MANUFACTURED = Instant.parse("2024-01-01T00:00:00Z");
    private static final NodeId NODE = new NodeId("0123456789abcdef0123456789abcdef01234567");
    private static final Path ARTIFACTS = Path.of("target", "pdf-test");
    private static final float DPI = 100;

    /** Options of the battery history behind a test certificate. */
    private record History(boolean overheated, String agency, String supersedes) {
    }

    private static Hash h(String s) {
        return SUITE.hash(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A certificate as a node issues one: 300 sessions cycling between 90 % and 25 % state of charge, anchored 50 to a
     * block; optionally one session overheats and one discharges deeply (negative events, status recycle).
     */
    private static ValuationCertificate certificate(History history) {
        BatteryRecord.Master master = new BatteryRecord.Master("M-1", CODE, "Qinghe Power Cells Co.", Chemistry.NMC, 117, 350.4,
                1800, 0.8, 25, MANUFACTURED);
        List<BatteryRecord.Session> sessions = new ArrayList<>();
        List<AnchoredRecord> anchors = new ArrayList<>();
        Instant t = MANUFACTURED.plus(Duration.ofDays(30));
        double soc = 0.9;
        for (int i = 0; i < 300; i++) {
            String id = String.format("S-%04d", i);
            double to = soc > 0.5 ? (history.overheated() && i == 200 ? 0.01 : 0.25) : 0.9;
            double maxTemp = history.overheated() && i == 120 ? 68 : 31;
            sessions.add(new BatteryRecord.Session(id, CODE, "VoltWay Charging", t, t.plus(Duration.ofHours(2)), soc, to,
                    Math.abs(to - soc) * 41, 27, maxTemp));
            anchors.add(new AnchoredRecord(id, h(id), i % 50, 50, h("root" + i / 50), 20 + i / 50, h("tx" + i / 50)));
            soc = to;
            t = t.plus(Duration.ofHours(14));
        }
        Instant issued = t.plus(Duration.ofDays(1));
        ValuationParameters parameters = ValuationParameters.defaults();
        Assessment a = new ValuationEngine(parameters).assess(new Evidence(master, sessions), issued);
        return ValuationCertificate.issue(SUITE, h("chain"), new ValuationCertificate.Issuer(history.agency(), "node1", NODE), issued,
                history.supersedes(), master, new AnchoredRecord("M-1", h("M-1"), 0, 4, h("rootM"), 19, h("txM")), anchors, 2,
                parameters, a);
    }

    private static CertificatePdf.Verification verification(ValuationCertificate c) {
        return new CertificatePdf.Verification(c.hash(SUITE).hex(), 1234L, h("registration").hex(), "https://node1.example:8443/ledger/api/");
    }

    private static String text(byte[] pdf) throws IOException {
        try (PDDocument d = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(d);
        }
    }

    /** The text with shell line continuations joined, as a reader pasting the command gets it. */
    private static String joined(String text) {
        return text.replaceAll(" \\\\\\s*\\R\\s*", " ");
    }

    private static BufferedImage page1(byte[] pdf, String artifact) throws IOException {
        try (PDDocument d = Loader.loadPDF(pdf)) {
            BufferedImage image = new PDFRenderer(d).renderImageWithDPI(0, DPI, ImageType.RGB);
            Files.createDirectories(ARTIFACTS);
            ImageIO.write(image, "png", ARTIFACTS.resolve(artifact).toFile());
            return image;
        }
    }

    /** Pixel counts inside the chart's plot area: not white, and near each of the given colours. */
    private static int[] chartPixels(BufferedImage image, Rgb... colours) {
        float scale = DPI / 72;
        float pageHeight = Sheet.A4.getHeight();
        FadeChart.Box box = CertificatePdf.CHART;
        int x0 = Math.round(box.x() * scale) + 2;
        int x1 = Math.round(box.right() * scale) - 2;
        int y0 = Math.round((pageHeight - box.top()) * scale) + 2;
        int y1 = Math.round((pageHeight - box.y()) * scale) - 2;
        int[] counts = new int[colours.length + 1];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int p = image.getRGB(x, y);
                int r = p >> 16 & 0xff;
                int g = p >> 8 & 0xff;
                int b = p & 0xff;
                if (r < 250 || g < 250 || b < 250) {
                    counts[0]++;
                }
                for (int i = 0; i < colours.length; i++) {
                    Rgb c = colours[i];
                    if (Math.abs(r - c.r()) <= 3 && Math.abs(g - c.g()) <= 3 && Math.abs(b - c.b()) <= 3) {
                        counts[i + 1]++;
                    }
                }
            }
        }
        return counts;
    }

    @Test
    void onePageWithTheFiguresAReaderNeedsAndHowToVerify() throws IOException {
        ValuationCertificate c = certificate(new History(false, "Recycling Agency Nord", null));
        Map<String, Object> doc = c.document();
        Map<?, ?> results = (Map<?, ?>) doc.get("results");
        assertEquals("reuse", results.get("status"));
        byte[] pdf = CertificatePdf.render(doc, verification(c));
        Files.createDirectories(ARTIFACTS);
        Files.write(ARTIFACTS.resolve("certificate.pdf"), pdf);

        try (PDDocument d = Loader.loadPDF(pdf)) {
            assertEquals(1, d.getNumberOfPages());
            assertEquals("Battery valuation certificate " + c.id(), d.getDocumentInformation().getTitle());
            assertEquals(c.issuedAt(), d.getDocumentInformation().getCreationDate().toInstant());
        }
        String text = text(pdf);
        String soh = Figures.percent((BigDecimal) results.get("stateOfHealth"));
        String band = soh + " (" + Figures.percent((BigDecimal) results.get("stateOfHealthLow")).replace(" %", "")
                + " – " + Figures.percent((BigDecimal) results.get("stateOfHealthHigh")) + ")";
        for (String expected : List.of("Battery valuation certificate", c.id(), CODE, "Qinghe Power Cells Co.", "NMC",
                "Recycling Agency Nord", band, "reuse: fit for reuse in a vehicle", "Residual value", "Negative events none",
                "Capacity fade", "equivalent full cycles", "Evidence", "301: the battery record and 300 charging sessions",
                "7 transactions, heights 19 – 25", "2 records of the battery, not yet anchored", "How to verify", c.hash(SUITE).hex(),
                "in block 1234", "https://node1.example:8443/ledger/api/valuations/" + c.id() + "?format=cms",
                "POST /ledger/api/valuations/verify with the .p7m", "openssl dgst -sha256 " + c.id() + ".json")) {
            assertTrue(text.contains(expected), "no '" + expected + "' in:\n" + text);
        }
        String command = "openssl cms -verify -binary -inform DER -in " + c.id() + ".p7m -CAfile ca.crt -out "
                + c.id() + ".json";
        assertTrue(joined(text).contains(command), "no '" + command + "' in:\n" + text);
    }

    @Test
    void theFadeCurveIsDrawnInTheChartRectangle() throws IOException {
        ValuationCertificate c = certificate(new History(false, "Recycling Agency Nord", null));
        BufferedImage image = page1(CertificatePdf.render(c.document(), verification(c)), "certificate.png");
        int[] counts = chartPixels(image, FadeChart.BAND, FadeChart.LINE, FadeChart.END_OF_LIFE);
        FadeChart.Box box = CertificatePdf.CHART;
        int area = (int) (box.width() * box.height() * (DPI / 72) * (DPI / 72));
        // the band is a wide polygon: several percent of the plot at least; the lines a few hundred pixels
        assertTrue(counts[0] > area / 20, "non-white pixels in the chart: " + counts[0] + " of " + area);
        assertTrue(counts[1] > area / 25, "band pixels: " + counts[1]);
        assertTrue(counts[2] > 300, "line pixels: " + counts[2]);
        assertTrue(counts[3] > 300, "end-of-life pixels: " + counts[3]);
    }

    @Test
    void theSameCertificateRendersToTheSameBytes() {
        ValuationCertificate c = certificate(new History(false, "Recycling Agency Nord", null));
        byte[] first = CertificatePdf.render(c.document(), verification(c));
        byte[] second = CertificatePdf.render(Json.parse(new String(c.content(), StandardCharsets.UTF_8)) instanceof Map<?, ?> m
                ? cast(m) : Map.of(), verification(c));
        assertArrayEquals(first, second);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> cast(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    @Test
    void oddInputRendersWithSanitizedText() throws IOException {
        ValuationCertificate c = certificate(new History(true, "代理 Recycling 🔋 Łódź ≤ 5 °C", "VC-0123456789abcdef01234567"));
        Map<String, Object> doc = c.document();
        @SuppressWarnings("unchecked")
        Map<String, Object> results = (Map<String, Object>) doc.get("results");
        assertEquals("recycle", results.get("status"));
        // the overheated session; the deep discharge, and the charge that starts from it, both reach 1 %
        assertEquals(3, ((List<?>) results.get("negativeEvents")).size());
        results.put("remainingYears", Json.NULL);
        results.put("fadeCurve", new ArrayList<>());
        byte[] pdf = CertificatePdf.render(doc, new CertificatePdf.Verification(c.hash(SUITE).hex(), null, null, null));
        Files.createDirectories(ARTIFACTS);
        Files.write(ARTIFACTS.resolve("certificate-odd.pdf"), pdf);

        String text = text(pdf);
        for (String expected : List.of("?? Recycling ? Lódz <= 5 °C", "Replaces certificate VC-0123456789abcdef01234567",
                "RECYCLE", "recycle: for recycling only", "reached 68.0 °C", "3: deep-discharge × 2, overtemperature",
                "Negative event", "cell temperature reached 68.0 °C", "state of charge fell to 0.010",
                "years not estimated", "No fade curve", "not yet in a block")) {
            assertTrue(text.contains(expected), "no '" + expected + "' in:\n" + text);
        }
        assertFalse(text.contains("代理"));
        assertFalse(text.contains("This node:"), "no API base was given");

        int[] counts = chartPixels(page1(pdf, "certificate-odd.png"), FadeChart.BAND, FadeChart.LINE);
        assertEquals(0, counts[1], "an empty curve draws no band");
        assertEquals(0, counts[2], "an empty curve draws no line");
    }

    @Test
    void whatDoesNotFitOnePageGoesOnTheNext() throws IOException {
        ValuationCertificate c = certificate(new History(true, "Recycling Agency Nord", null));
        Map<String, Object> doc = c.document();
        @SuppressWarnings("unchecked")
        Map<String, Object> results = (Map<String, Object>) doc.get("results");
        List<Object> events = new ArrayList<>((List<?>) results.get("negativeEvents"));
        while (events.size() < 40) {
            events.add(events.get(events.size() % 3));
        }
        results.put("negativeEvents", events);
        byte[] pdf = CertificatePdf.render(doc, verification(c));
        try (PDDocument d = Loader.loadPDF(pdf)) {
            assertEquals(2, d.getNumberOfPages());
            PDFTextStripper page2 = new PDFTextStripper();
            page2.setStartPage(2);
            String text = page2.getText(d);
            assertTrue(text.contains("Battery valuation certificate " + c.id() + " (continued)"), text);
            assertTrue(text.contains("How to verify"), text);
            assertTrue(text.contains("page 2 of 2"), text);
        }
        assertTrue(joined(text(pdf)).contains("-CAfile ca.crt -out " + c.id() + ".json"));
    }

    @Test
    void aDocumentWithNothingInItStillRenders() throws IOException {
        byte[] pdf = CertificatePdf.render(Map.of("results", "not an object", "issuedAt", "yesterday"),
                new CertificatePdf.Verification(null, null, null, " "));
        String text = text(pdf);
        assertTrue(text.contains("Battery valuation certificate certificate"), text);
        assertTrue(text.contains("How to verify"), text);
    }

    @Test
    void sanitizingKeepsWinAnsiAndSpellsOutOrReplacesTheRest() {
        assertEquals("87.3 % (84.1 – 90.2 %) ± 2 °C, € 12, Müller — naïve", WinAnsi.sanitize("87.3 % (84.1 – 90.2 %) ± 2 °C, € 12, Müller — naïve"));
        assertEquals("<= 0.02, >= 60 °C, -5", WinAnsi.sanitize("≤ 0.02, ≥ 60 ℃, −5"));
        assertEquals("?? Lódz Sp. z o.o.", WinAnsi.sanitize("代理 Łódź Sp. z o.o."));
        assertEquals("battery ? ok", WinAnsi.sanitize("battery 🔋\uFE0F ok"));
        assertEquals("a b c", WinAnsi.sanitize("a\tb\nc\u200B"));
        assertEquals("", WinAnsi.sanitize(null));
    }
}
