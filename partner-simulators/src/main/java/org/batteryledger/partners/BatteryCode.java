package org.batteryledger.partners;

import org.batteryledger.core.record.Chemistry;

import java.time.LocalDate;

/**
 * A 24-character battery code with the structure of GB/T 34014-2017 "Coding regulation for automotive traction
 * battery": design information (manufacturer, product type, battery type, specification), then production
 * information (traceability, production date, serial number).
 *
 * <pre>
 * positions  length  field                 here
 *  1-3        3      manufacturer code     invented ({@link Manufacturer#code()})
 *  4          1      product type          P pack, M module, C cell (from the standard)
 *  5          1      battery type          B lithium iron phosphate, E ternary NMC/NCA (from the standard's table)
 *  6-7        2      specification code    manufacturer-defined; here an index into {@link Fleet}'s spec table
 *  8-14       7      traceability code     manufacturer-defined; here line (1 char) + lot (6 base-36 chars)
 *  15-17      3      production date       year, month, day codes (see {@link #yearCode}, {@link #monthCode}, {@link #dayCode})
 *  18-24      7      serial number         the day's sequence number, 0000001..9999999
 * </pre>
 *
 * The year/day code tables could not be confirmed from a copy of the standard; see the module README for what was
 * chosen and why.
 */
public final class BatteryCode {
    public static final int LENGTH = 24;

    /** Codes for years from 2011, one character a year (VIN-like, skipping I, O, Q, U, Z and 0). */
    private static final String YEAR_CODES = "BCDEFGHJKLMNPRSTVWXY123456789";
    private static final int FIRST_YEAR = 2011;
    private static final String MONTH_CODES = "123456789ABC";
    /** Days 1..31: 1-9, then A-X without I and O (22 letters). */
    private static final String DAY_CODES = "123456789ABCDEFGHJKLMNPQRSTUVWX";

    private BatteryCode() {
    }

    public static char productType(Fleet.ProductType type) {
        return switch (type) {
            case PACK -> 'P';
            case MODULE -> 'M';
            case CELL -> 'C';
        };
    }

    public static char batteryType(Chemistry chemistry) {
        return switch (chemistry) {
            case LFP -> 'B';
            case NMC, NCA -> 'E';
            case LMO, LTO -> throw new IllegalArgumentException("the simulated fleet has no " + chemistry);
        };
    }

    public static char yearCode(int year) {
        int i = year - FIRST_YEAR;
        if (i < 0 || i >= YEAR_CODES.length()) {
            throw new IllegalArgumentException("no year code for " + year);
        }
        return YEAR_CODES.charAt(i);
    }

    public static char monthCode(int month) {
        return MONTH_CODES.charAt(month - 1);
    }

    public static char dayCode(int day) {
        return DAY_CODES.charAt(day - 1);
    }

    /** The production date a code carries. */
    public static LocalDate productionDate(String code) {
        check(code);
        int year = YEAR_CODES.indexOf(code.charAt(14)) + FIRST_YEAR;
        int month = MONTH_CODES.indexOf(code.charAt(15)) + 1;
        int day = DAY_CODES.indexOf(code.charAt(16)) + 1;
        return LocalDate.of(year, month, day);
    }

    /** Assembles a code; every part is checked for its length and alphabet. */
    public static String of(String manufacturer, Fleet.ProductType type, Chemistry chemistry, String spec, String traceability,
                            LocalDate produced, int serial) {
        if (serial < 1 || serial > 9_999_999) {
            throw new IllegalArgumentException("serial out of 1..9999999: " + serial);
        }
        String code = manufacturer + productType(type) + batteryType(chemistry) + spec + traceability
                + yearCode(produced.getYear()) + monthCode(produced.getMonthValue()) + dayCode(produced.getDayOfMonth())
                + String.format("%07d", serial);
        check(code);
        return code;
    }

    /** Throws unless {@code code} has the structure above. */
    public static void check(String code) {
        if (code.length() != LENGTH || !code.matches("[0-9A-Z]{24}")) {
            throw new IllegalArgumentException("a battery code is 24 characters of [0-9A-Z]: " + code);
        }
        if ("PMC".indexOf(code.charAt(3)) < 0) {
            throw new IllegalArgumentException("product type (position 4) must be P, M or C: " + code);
        }
        if ("BE".indexOf(code.charAt(4)) < 0) {
            throw new IllegalArgumentException("battery type (position 5) must be B or E here: " + code);
        }
        if (YEAR_CODES.indexOf(code.charAt(14)) < 0 || MONTH_CODES.indexOf(code.charAt(15)) < 0
                || DAY_CODES.indexOf(code.charAt(16)) < 0) {
            throw new IllegalArgumentException("production date (positions 15-17) is not year/month/day codes: " + code);
        }
        if (!code.substring(17).matches("\\d{7}") || code.substring(17).equals("0000000")) {
            throw new IllegalArgumentException("serial (positions 18-24) must be 7 digits, not 0000000: " + code);
        }
    }
}
