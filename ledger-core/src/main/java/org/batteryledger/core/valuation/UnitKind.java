package org.batteryledger.core.valuation;

import java.util.Locale;

/**
 * What a battery record describes: a pack, a module or a cell. Fixed costs per unit (logistics, repurposing) differ by
 * orders of magnitude between them, so a healthy cell is not valued below zero by a pack's handling cost. Read from
 * the battery code: position 4 of a 24-character GB/T 34014-2017 code is the product type ({@code P}, {@code M},
 * {@code C}); any other code is taken as a pack, the unit the consortium's records usually describe.
 */
public enum UnitKind {
    PACK, MODULE, CELL;

    /** The unit kind a battery code names, or PACK when the code does not follow GB/T 34014. */
    public static UnitKind ofCode(String batteryCode) {
        if (batteryCode.length() != 24) {
            return PACK;
        }
        return switch (batteryCode.charAt(3)) {
            case 'M' -> MODULE;
            case 'C' -> CELL;
            default -> PACK;
        };
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
