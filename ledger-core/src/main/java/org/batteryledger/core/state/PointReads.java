package org.batteryledger.core.state;

/**
 * Point reads of direct state: what the read-side rules of the contracts need (the battery registry, member
 * profiles, the node registry), so that a node can answer them from its read model, which does not scan tables.
 */
public interface PointReads {
    /** @return the value, or null when absent */
    byte[] get(String table, String key);
}
