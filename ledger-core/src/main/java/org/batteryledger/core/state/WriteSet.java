package org.batteryledger.core.state;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The state changes of one block, sorted by (table, key): a null value deletes the key. Hashed canonically,
 * chained with the parent's state root: {@code stateRoot(h) = H(0x53 ‖ stateRoot(h-1) ‖ H(writeSet(h)))}.
 * This is the AMDB idea (direct tables, no trie): state is verifiable block by block without a Merkle trie.
 */
public record WriteSet(List<Entry> entries) {
    public static final WriteSet EMPTY = new WriteSet(List.of());

    public record Entry(String table, String key, byte[] value) {
        public boolean isDelete() {
            return value == null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && table.equals(e.table) && key.equals(e.key) && Arrays.equals(value, e.value);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * table.hashCode() + key.hashCode()) + Arrays.hashCode(value);
        }
    }

    public WriteSet {
        entries = Collections.unmodifiableList(new ArrayList<>(entries));
    }

    public Hash hash(CryptoSuite suite) {
        CanonicalWriter w = new CanonicalWriter(64 + entries.size() * 64);
        write(w);
        return suite.hash(w.toByteArray());
    }

    public static Hash chainRoot(CryptoSuite suite, Hash parentStateRoot, Hash writeSetHash) {
        return suite.hash(new CanonicalWriter(70).u8(0x53).raw(parentStateRoot.unsafeBytes()).raw(writeSetHash.unsafeBytes()).toByteArray());
    }

    public void write(CanonicalWriter w) {
        w.list(entries, (ww, e) -> {
            ww.str(e.table).str(e.key).bool(e.value != null);
            if (e.value != null) {
                ww.bytes(e.value);
            }
        });
    }

    public static WriteSet read(CanonicalReader r) {
        return new WriteSet(r.list(10_000_000, rr -> {
            String table = rr.str(256);
            String key = rr.str(4096);
            byte[] value = rr.bool() ? rr.bytes(16 * 1024 * 1024) : null;
            return new Entry(table, key, value);
        }));
    }
}
