package org.batteryledger.web.pdf;

import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.util.Matrix;
import org.batteryledger.web.pdf.Sheet.Rgb;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The capacity-fade curve as vector graphics: state of health over equivalent full cycles, the uncertainty band as a
 * light polygon between low and high, the measured part solid, the projection dashed, and the end-of-life threshold.
 */
final class FadeChart {
    /** A rectangle in PDF points, from the page's bottom-left corner. */
    record Box(float x, float y, float width, float height) {
        float right() {
            return x + width;
        }

        float top() {
            return y + height;
        }
    }

    // Opaque colours rather than transparency: no soft-mask graphics state, and a reader printing in greys still
    // tells the band from the line.
    static final Rgb BAND = new Rgb(198, 219, 239);
    static final Rgb LINE = new Rgb(31, 92, 168);
    static final Rgb END_OF_LIFE = new Rgb(196, 58, 44);
    static final Rgb GRID = new Rgb(226, 226, 226);

    private static final float[] DASH = {5, 3};
    private static final float[] SOLID = {};

    /** One point of the certificate's {@code fadeCurve}, state of health as a fraction. */
    record Point(double cycles, double soh, double low, double high, boolean projected) {
    }

    private FadeChart() {
    }

    /**
     * The curve's usable points in order of cycles (measured before projected at equal cycles); others skipped. The
     * curve is columns (format 2: {@code fullCycles}, {@code stateOfHealth}, {@code low}, {@code high},
     * {@code projectedFrom}) or a list of point objects (format 1).
     */
    static List<Point> points(Object curve) {
        List<Point> points = new ArrayList<>();
        if (curve instanceof Map<?, ?> columns) {
            List<?> x = Tree.list(columns, "fullCycles");
            List<?> soh = Tree.list(columns, "stateOfHealth");
            List<?> low = Tree.list(columns, "low");
            List<?> high = Tree.list(columns, "high");
            BigDecimal from = Tree.number(columns, "projectedFrom");
            for (int i = 0; i < x.size() && i < soh.size(); i++) {
                if (x.get(i) instanceof BigDecimal c && soh.get(i) instanceof BigDecimal s) {
                    double l = i < low.size() && low.get(i) instanceof BigDecimal d ? d.doubleValue() : s.doubleValue();
                    double h = i < high.size() && high.get(i) instanceof BigDecimal d ? d.doubleValue() : s.doubleValue();
                    points.add(new Point(c.doubleValue(), s.doubleValue(), l, h, from != null && i >= from.intValue()));
                }
            }
            points.sort(Comparator.comparingDouble(Point::cycles).thenComparing(Point::projected));
            return points;
        }
        for (Object o : curve instanceof List<?> l ? l : List.of()) {
            if (!(o instanceof Map<?, ?> m)) {
                continue;
            }
            BigDecimal x = Tree.number(m, "fullCycles");
            BigDecimal soh = Tree.number(m, "stateOfHealth");
            if (x == null || soh == null) {
                continue;
            }
            BigDecimal low = Tree.number(m, "low");
            BigDecimal high = Tree.number(m, "high");
            points.add(new Point(x.doubleValue(), soh.doubleValue(), (low == null ? soh : low).doubleValue(),
                    (high == null ? soh : high).doubleValue(), Tree.flag(m, "projected")));
        }
        points.sort(Comparator.comparingDouble(Point::cycles).thenComparing(Point::projected));
        return points;
    }

    /** Draws the chart with its plot area exactly {@code box}; axis labels go outside it, the legend above it. */
    static void draw(Sheet sheet, Box box, Object curve, BigDecimal endOfLife) throws IOException {
        PDPageContentStream out = sheet.out();
        List<Point> points = points(curve);
        double eol = endOfLife == null ? Double.NaN : endOfLife.doubleValue();

        double maxX = points.stream().mapToDouble(Point::cycles).max().orElse(0);
        if (maxX <= 0) {
            maxX = 1000; // an empty curve still gets a readable scale
        }
        double xStep = niceStep(maxX / 5);
        double xMax = Math.max(xStep, Math.ceil(maxX / xStep) * xStep);
        double lowest = points.stream().mapToDouble(Point::low).min().orElse(1);
        if (!Double.isNaN(eol)) {
            lowest = Math.min(lowest, eol);
        }
        // 60–100 % unless the curve or the threshold go lower: a recycler compares certificates on one scale.
        double yMin = Math.max(0, Math.min(0.6, Math.floor((lowest - 0.02) * 10) / 10));
        double yMax = 1.0;
        double yStep = yMax - yMin <= 0.5 ? 0.1 : 0.2;
        Scale s = new Scale(box, xMax, yMin, yMax);

        // grid
        double[] yTicks = ticks(yMin, yMax, yStep);
        double[] xTicks = ticks(0, xMax, xStep);
        GRID.stroke(out);
        out.setLineWidth(0.5f);
        for (double v : yTicks) {
            out.moveTo(box.x(), s.y(v));
            out.lineTo(box.right(), s.y(v));
        }
        for (double v : xTicks) {
            out.moveTo(s.x(v), box.y());
            out.lineTo(s.x(v), box.top());
        }
        out.stroke();

        out.saveGraphicsState();
        out.addRect(box.x(), box.y(), box.width(), box.height());
        out.clip();
        if (points.size() >= 2) {
            BAND.fill(out);
            out.moveTo(s.x(points.get(0).cycles()), s.y(points.get(0).high()));
            for (Point p : points) {
                out.lineTo(s.x(p.cycles()), s.y(p.high()));
            }
            for (int i = points.size() - 1; i >= 0; i--) {
                out.lineTo(s.x(points.get(i).cycles()), s.y(points.get(i).low()));
            }
            out.closePath();
            out.fill();
        }
        if (!Double.isNaN(eol)) {
            END_OF_LIFE.stroke(out);
            out.setLineWidth(1f);
            out.moveTo(box.x(), s.y(eol));
            out.lineTo(box.right(), s.y(eol));
            out.stroke();
        }
        List<Point> measured = points.stream().filter(p -> !p.projected()).toList();
        List<Point> projected = new ArrayList<>();
        if (!measured.isEmpty()) {
            projected.add(measured.get(measured.size() - 1)); // the projection continues from the last measurement
        }
        points.stream().filter(Point::projected).forEach(projected::add);
        LINE.stroke(out);
        polyline(out, s, measured, 1.6f, SOLID);
        polyline(out, s, projected, 1.2f, DASH);
        if (!measured.isEmpty()) {
            Point now = measured.get(measured.size() - 1);
            LINE.fill(out);
            dot(out, s.x(now.cycles()), s.y(now.soh()), 2.4f);
        }
        out.restoreGraphicsState();

        if (!Double.isNaN(eol) && eol >= yMin && eol <= yMax) {
            // at the left, where the curve is still high above the threshold
            sheet.text(sheet.regular, 7, box.x() + 4, s.y(eol) + 3, "end of life " + percent(eol), END_OF_LIFE);
        }
        if (points.isEmpty()) {
            String none = "No fade curve: the certificate has no measured or projected points.";
            sheet.text(sheet.regular, 8, box.x() + (box.width() - sheet.width(sheet.regular, 8, none)) / 2,
                    box.y() + box.height() * 0.9f - 8, none, Sheet.MUTED);
        }

        // axes, ticks and labels
        Sheet.INK.stroke(out);
        out.setLineWidth(0.75f);
        out.setLineDashPattern(SOLID, 0);
        out.moveTo(box.x(), box.top());
        out.lineTo(box.x(), box.y());
        out.lineTo(box.right(), box.y());
        for (double v : yTicks) {
            out.moveTo(box.x() - 3, s.y(v));
            out.lineTo(box.x(), s.y(v));
        }
        for (double v : xTicks) {
            out.moveTo(s.x(v), box.y());
            out.lineTo(s.x(v), box.y() - 3);
        }
        out.stroke();
        for (double v : yTicks) {
            sheet.textRight(sheet.regular, 7, box.x() - 5, s.y(v) - 2.5f, percent(v), Sheet.MUTED);
        }
        for (double v : xTicks) {
            String label = cycles(v, xStep);
            sheet.text(sheet.regular, 7, s.x(v) - sheet.width(sheet.regular, 7, label) / 2, box.y() - 11, label, Sheet.MUTED);
        }
        String xTitle = "equivalent full cycles";
        sheet.text(sheet.regular, 7.5f, box.x() + (box.width() - sheet.width(sheet.regular, 7.5f, xTitle)) / 2, box.y() - 22,
                xTitle, Sheet.INK);
        String yTitle = "state of health";
        out.beginText();
        Sheet.INK.fill(out);
        out.setFont(sheet.regular, 7.5f);
        out.setTextMatrix(Matrix.getRotateInstance(Math.PI / 2, box.x() - 30,
                box.y() + (box.height() - sheet.width(sheet.regular, 7.5f, yTitle)) / 2));
        out.showText(yTitle);
        out.endText();
    }

    /** The legend, one line ending at {@code right}, baseline {@code baseline}. */
    static void legend(Sheet sheet, float right, float baseline) throws IOException {
        PDPageContentStream out = sheet.out();
        String[] labels = {"measured", "projected", "uncertainty band", "end of life"};
        float gap = 12;
        float key = 16;
        float total = 0;
        for (String l : labels) {
            total += key + 3 + sheet.width(sheet.regular, 7, l) + gap;
        }
        float x = right - total + gap;
        float mid = baseline + 2.5f;
        for (int i = 0; i < labels.length; i++) {
            switch (i) {
                case 0 -> {
                    LINE.stroke(out);
                    polylineAt(out, x, mid, key, 1.6f, SOLID);
                }
                case 1 -> {
                    LINE.stroke(out);
                    polylineAt(out, x, mid, key, 1.2f, DASH);
                }
                case 2 -> {
                    BAND.fill(out);
                    out.addRect(x, mid - 3.5f, key, 7);
                    out.fill();
                }
                default -> {
                    END_OF_LIFE.stroke(out);
                    polylineAt(out, x, mid, key, 1f, SOLID);
                }
            }
            x += key + 3;
            sheet.text(sheet.regular, 7, x, baseline, labels[i], Sheet.MUTED);
            x += sheet.width(sheet.regular, 7, labels[i]) + gap;
        }
        out.setLineDashPattern(SOLID, 0);
    }

    private static void polylineAt(PDPageContentStream out, float x, float y, float length, float width, float[] dash)
            throws IOException {
        out.setLineWidth(width);
        out.setLineDashPattern(dash, 0);
        out.moveTo(x, y);
        out.lineTo(x + length, y);
        out.stroke();
    }

    private static void polyline(PDPageContentStream out, Scale s, List<Point> points, float width, float[] dash) throws IOException {
        if (points.size() < 2) {
            return;
        }
        out.setLineWidth(width);
        out.setLineDashPattern(dash, 0);
        out.setLineJoinStyle(1); // round: no spikes where the measured curve bends sharply
        out.moveTo(s.x(points.get(0).cycles()), s.y(points.get(0).soh()));
        for (Point p : points.subList(1, points.size())) {
            out.lineTo(s.x(p.cycles()), s.y(p.soh()));
        }
        out.stroke();
        out.setLineDashPattern(SOLID, 0);
    }

    /** A filled circle from four Bézier arcs (PDF has no circle operator). */
    private static void dot(PDPageContentStream out, float cx, float cy, float r) throws IOException {
        float k = 0.5523f * r;
        out.moveTo(cx + r, cy);
        out.curveTo(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        out.curveTo(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        out.curveTo(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        out.curveTo(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        out.closePath();
        out.fill();
    }

    /** {@code from}, {@code from + step}, ... up to {@code to}: counted, so rounding adds no tick and drops none. */
    private static double[] ticks(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = from + i * step;
        }
        return t;
    }

    /** 1, 2, 2.5 or 5 times a power of ten: tick steps a reader can add up. */
    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / magnitude;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** "80 %", "82.5 %": a threshold is shown as configured, tick labels have no decimals anyway. */
    static String percent(double fraction) {
        String p = String.format(Locale.ROOT, "%.1f", fraction * 100);
        return (p.endsWith(".0") ? p.substring(0, p.length() - 2) : p) + " %";
    }

    private static String cycles(double v, double step) {
        return step >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** Data to page coordinates. */
    private record Scale(Box box, double xMax, double yMin, double yMax) {
        float x(double cycles) {
            return (float) (box.x() + cycles / xMax * box.width());
        }

        float y(double soh) {
            return (float) (box.y() + (soh - yMin) / (yMax - yMin) * box.height());
        }
    }
}
