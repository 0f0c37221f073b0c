package org.batteryledger.it;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A PDF certificate as a reader sees it: its text, and its first page turned into an image that has a chart on it. */
final class PdfCheck {
    private PdfCheck() {
    }

    static void assertRendered(byte[] pdf, String certificateId, Path png) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertTrue(text.contains(certificateId), "the PDF names its certificate: " + text);
            assertTrue(text.contains("How to verify"), text);
            assertTrue(text.contains("openssl cms -verify"), text);
            BufferedImage page = new PDFRenderer(doc).renderImageWithDPI(0, 100);
            ImageIO.write(page, "png", png.toFile());
            // Drawn, not blank: count coloured (not grey) pixels, which only the chart's band and curve have.
            int coloured = 0;
            for (int y = 0; y < page.getHeight(); y++) {
                for (int x = 0; x < page.getWidth(); x++) {
                    int rgb = page.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff;
                    int g = (rgb >> 8) & 0xff;
                    int b = rgb & 0xff;
                    if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) {
                        coloured++;
                    }
                }
            }
            assertTrue(coloured > 2000, "the page has " + coloured + " coloured pixels: no chart drawn? See " + png);
        }
    }
}
