package org.batteryledger.web.pdf;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A4 pages written top to bottom: a cursor {@code y} (PDF points from the page's bottom edge), a new page when the
 * next block does not fit, and text that is always sanitized for WinAnsi, wrapped or cut to a width.
 */
final class Sheet {
    static final PDRectangle A4 = PDRectangle.A4;
    static final float LEFT = 48;
    static final float RIGHT = A4.getWidth() - 48;
    static final float TOP = A4.getHeight() - 42;
    /** Lowest baseline for content; the footer sits below. */
    static final float BOTTOM = 52;

    /** A colour of the page, 0–255 per channel (so a test can look for it in a rendering). */
    record Rgb(int r, int g, int b) {
        void fill(PDPageContentStream out) throws IOException {
            out.setNonStrokingColor(r / 255f, g / 255f, b / 255f);
        }

        void stroke(PDPageContentStream out) throws IOException {
            out.setStrokingColor(r / 255f, g / 255f, b / 255f);
        }
    }

    static final Rgb INK = new Rgb(33, 33, 33);
    static final Rgb MUTED = new Rgb(100, 100, 100);
    static final Rgb RULE = new Rgb(190, 190, 190);

    // Standard 14 fonts: nothing embedded, so nothing of the font program varies between renderings.
    final PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    final PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    final PDFont mono = new PDType1Font(Standard14Fonts.FontName.COURIER);

    private final PDDocument pdf;
    private final String continuation;
    private PDPageContentStream out;
    private float y;

    /** @param continuation the header line of every page after the first */
    Sheet(PDDocument pdf, String continuation) throws IOException {
        this.pdf = pdf;
        this.continuation = continuation;
        newPage();
    }

    PDPageContentStream out() {
        return out;
    }

    float y() {
        return y;
    }

    void y(float baseline) {
        y = baseline;
    }

    void down(float points) {
        y -= points;
    }

    /** Starts a new page unless {@code height} more points fit above the bottom margin. */
    void need(float height) throws IOException {
        if (y - height < BOTTOM) {
            newPage();
        }
    }

    private void newPage() throws IOException {
        boolean first = out == null;
        if (!first) {
            out.close();
        }
        PDPage page = new PDPage(A4);
        pdf.addPage(page);
        out = new PDPageContentStream(pdf, page);
        y = TOP;
        if (!first) {
            text(bold, 9, LEFT, y - 9, continuation, MUTED);
            y -= 28;
        }
    }

    /** Closes the last page and writes "page n of m" footers, which need the final page count. */
    void finish(String footer) throws IOException {
        out.close();
        int n = pdf.getNumberOfPages();
        for (int i = 0; i < n; i++) {
            try (PDPageContentStream f = new PDPageContentStream(pdf, pdf.getPage(i), PDPageContentStream.AppendMode.APPEND, true)) {
                RULE.stroke(f);
                f.setLineWidth(0.5f);
                f.moveTo(LEFT, 40);
                f.lineTo(RIGHT, 40);
                f.stroke();
                show(f, regular, 7, LEFT, 30, fit(regular, 7, footer, RIGHT - LEFT - 60), MUTED);
                String page = "page " + (i + 1) + " of " + n;
                show(f, regular, 7, RIGHT - width(regular, 7, page), 30, page, MUTED);
            }
        }
    }

    float width(PDFont font, float size, String s) {
        try {
            return font.getStringWidth(WinAnsi.sanitize(s)) / 1000 * size;
        } catch (IOException e) {
            throw new IllegalStateException("no metrics for " + font.getName(), e);
        }
    }

    void text(PDFont font, float size, float x, float baseline, String s, Rgb colour) throws IOException {
        show(out, font, size, x, baseline, s, colour);
    }

    private static void show(PDPageContentStream to, PDFont font, float size, float x, float baseline, String s, Rgb colour)
            throws IOException {
        String t = WinAnsi.sanitize(s);
        if (t.isEmpty()) {
            return;
        }
        to.beginText();
        colour.fill(to);
        to.setFont(font, size);
        to.newLineAtOffset(x, baseline);
        to.showText(t);
        to.endText();
    }

    void textRight(PDFont font, float size, float right, float baseline, String s, Rgb colour) throws IOException {
        text(font, size, right - width(font, size, s), baseline, s, colour);
    }

    /** {@code s} cut to {@code max} points wide, with an ellipsis when cut. */
    String fit(PDFont font, float size, String s, float max) {
        String t = WinAnsi.sanitize(s);
        if (width(font, size, t) <= max) {
            return t;
        }
        int n = t.length();
        while (n > 0 && width(font, size, t.substring(0, n) + "…") > max) {
            n--;
        }
        return t.substring(0, n) + "…";
    }

    /** {@code s} in lines at most {@code max} points wide: broken at spaces, inside words only when one is too long. */
    List<String> wrap(PDFont font, float size, String s, float max) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : WinAnsi.sanitize(s).split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (width(font, size, candidate) <= max) {
                line.setLength(0);
                line.append(candidate);
                continue;
            }
            if (line.length() > 0) {
                lines.add(line.toString());
                line.setLength(0);
            }
            while (width(font, size, word) > max) {
                int n = word.length() - 1;
                while (n > 1 && width(font, size, word.substring(0, n)) > max) {
                    n--;
                }
                lines.add(word.substring(0, n));
                word = word.substring(n);
            }
            line.append(word);
        }
        if (line.length() > 0 || lines.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A horizontal rule across the text width at the cursor. */
    void rule() throws IOException {
        RULE.stroke(out);
        out.setLineWidth(0.5f);
        out.moveTo(LEFT, y);
        out.lineTo(RIGHT, y);
        out.stroke();
    }
}
