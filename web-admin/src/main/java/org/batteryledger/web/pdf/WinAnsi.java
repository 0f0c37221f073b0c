package org.batteryledger.web.pdf;

import org.apache.pdfbox.pdmodel.font.encoding.GlyphList;
import org.apache.pdfbox.pdmodel.font.encoding.WinAnsiEncoding;

import java.text.Normalizer;
import java.util.Map;

/**
 * Text the standard 14 fonts can show. They are not embedded and encode only WinAnsi (Windows-1252), and PDFBox
 * throws on any other character; so every string drawn goes through {@link #sanitize}, and an agency called
 * "代理" prints as "??" instead of failing the whole certificate.
 */
final class WinAnsi {
    /** Common symbols outside WinAnsi that have a readable ASCII form. */
    private static final Map<Integer, String> SPELLED = Map.ofEntries(
            Map.entry(0x2264, "<="), Map.entry(0x2265, ">="), Map.entry(0x2260, "!="), Map.entry(0x2248, "~"),
            Map.entry(0x2212, "-"), Map.entry(0x2010, "-"), Map.entry(0x2011, "-"), Map.entry(0x2192, "->"),
            Map.entry(0x2190, "<-"), Map.entry(0x2032, "'"), Map.entry(0x2033, "\""), Map.entry(0x221A, "sqrt"),
            Map.entry(0x2103, "°C"), Map.entry(0x03BC, "µ"), Map.entry(0x2126, "Ohm"), Map.entry(0x03A9, "Ohm"),
            // letters with a stroke have no Unicode decomposition
            Map.entry(0x0141, "L"), Map.entry(0x0142, "l"), Map.entry(0x0110, "D"), Map.entry(0x0111, "d"),
            Map.entry(0x0126, "H"), Map.entry(0x0127, "h"), Map.entry(0x0131, "i"));

    private WinAnsi() {
    }

    /** Whether the standard 14 fonts (WinAnsiEncoding) can show {@code codePoint}: PDFBox's own test. */
    static boolean encodable(int codePoint) {
        String name = GlyphList.getAdobeGlyphList().codePointToName(codePoint);
        return !".notdef".equals(name) && WinAnsiEncoding.INSTANCE.contains(name);
    }

    /**
     * {@code s} with white space as plain spaces, and every other character WinAnsi lacks spelled in ASCII, reduced
     * to its base letter ("ź" to "z"), or else replaced by one "?" (an emoji too, though it is two chars).
     */
    static String sanitize(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                b.append(' ');
            } else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                // invisible: zero-width joiners, bidi marks, variation selectors' neighbours
                return;
            } else if (encodable(cp)) {
                b.appendCodePoint(cp);
            } else if (SPELLED.containsKey(cp)) {
                b.append(SPELLED.get(cp));
            } else if (Character.getType(cp) == Character.NON_SPACING_MARK) {
                // a combining accent or a variation selector after something already replaced
                return;
            } else {
                b.append(baseLetters(cp));
            }
        });
        return b.toString();
    }

    private static String baseLetters(int cp) {
        String decomposed = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKD);
        StringBuilder b = new StringBuilder();
        decomposed.codePoints().filter(c -> Character.getType(c) != Character.NON_SPACING_MARK).forEach(c -> {
            if (encodable(c)) {
                b.appendCodePoint(c);
            }
        });
        return b.length() == 0 ? "?" : b.toString();
    }
}
