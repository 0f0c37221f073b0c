package org.batteryledger.web.api;

import org.batteryledger.node.lot.LotItemEntity;

import java.util.Locale;

/**
 * A lot's report as CSV (RFC 4180: quoted where needed, CRLF). A text cell that a spreadsheet would take for a
 * formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe, so opening a report never runs anything.
 */
final class LotCsv {
    static final String HEADER = "position,batteryCode,state,certificateId,stateOfHealth,status,residualValue,residualValueLow,"
            + "residualValueHigh,currency,evidence,reason\r\n";

    private LotCsv() {
    }

    static String line(LotItemEntity i) {
        return String.join(",", Integer.toString(i.position()), text(i.batteryCode()), i.state().name().toLowerCase(Locale.ROOT),
                text(i.certificateId()), num(i.stateOfHealth()), text(i.status()), num(i.residualValue()), num(i.residualValueLow()),
                num(i.residualValueHigh()), text(i.currency()), text(i.evidence()), text(i.reason())) + "\r\n";
    }

    private static String num(Double d) {
        return d == null ? "" : d.toString();
    }

    static String text(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        String t = "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return t.contains(",") || t.contains("\"") || t.contains("\n") || t.contains("\r") ? "\"" + t.replace("\"", "\"\"") + "\"" : t;
    }
}
