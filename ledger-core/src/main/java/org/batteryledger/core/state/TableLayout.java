package org.batteryledger.core.state;

import java.util.Map;

/**
 * Which tables of a {@link WorldState} are packed ({@link PackedTable}) and in what format; every other table is a
 * plain sorted map. Only memory differs: a state reads, scans, freezes and digests the same in any layout.
 */
public record TableLayout(Map<String, PackedFormat> packed) {
    /** Every table plain. */
    public static final TableLayout PLAIN = new TableLayout(Map.of());

    public TableLayout {
        packed = Map.copyOf(packed);
    }

    StateTable newTable(String table) {
        PackedFormat format = packed.get(table);
        return format == null ? new PlainTable() : new PackedTable(format);
    }
}
