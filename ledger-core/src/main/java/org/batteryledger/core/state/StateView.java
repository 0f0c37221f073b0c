package org.batteryledger.core.state;

import java.util.SortedMap;

/** Read access to direct state: tables of (table, key) -> value, keys ordered as strings. */
public interface StateView extends PointReads {
    /** All live entries of a table in key order (a snapshot; callers must not modify it). */
    SortedMap<String, byte[]> scan(String table);
}
