package org.batteryledger.core.state;

import java.util.SortedMap;

/** One table of a {@link WorldState}: keys ordered as strings. Not thread-safe, like the state. */
interface StateTable {
    /** @return the value, or null when absent */
    byte[] get(String key);

    /** A read-only live view in key order. */
    SortedMap<String, byte[]> view();

    /** Puts an entry; false, changing nothing, when this table cannot hold its shape (then hold it in a plain table). */
    boolean put(String key, byte[] value);

    void remove(String key);

    int size();

    /** An independent copy: changes to either are not seen by the other. */
    StateTable copy();

    /** The entries as they are now, by index in key order, whatever happens to this table later. */
    FrozenTable freeze(String name);
}
