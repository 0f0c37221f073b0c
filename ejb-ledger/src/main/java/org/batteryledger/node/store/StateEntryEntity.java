package org.batteryledger.node.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** One (table, key) -> value entry of the direct state, as of the last committed block. */
@Entity
@Table(name = "LEDGER_STATE")
@IdClass(StateEntryEntity.Key.class)
public class StateEntryEntity {
    @Id
    @Column(name = "STATE_TABLE", length = 64)
    private String table;
    @Id
    @Column(name = "STATE_KEY", length = 512)
    private String key;
    // bytea on PostgreSQL; on H2 a BLOB, because Hibernate's H2 dialect makes a byte[] longer than 1 MiB one (BENCHMARKS.md,
    // "A block's commits in H2"). Not @Lob: a large object cannot be read outside a transaction on PostgreSQL.
    @Column(name = "STATE_VALUE", nullable = false, length = Columns.MAX_BYTES)
    private byte[] value;

    protected StateEntryEntity() {
    }

    public StateEntryEntity(String table, String key, byte[] value) {
        this.table = table;
        this.key = key;
        this.value = value;
    }

    public String table() {
        return table;
    }

    public String key() {
        return key;
    }

    public byte[] value() {
        return value;
    }

    public void value(byte[] v) {
        this.value = v;
    }

    public static class Key implements Serializable {
        private String table;
        private String key;

        public Key() {
        }

        public Key(String table, String key) {
            this.table = table;
            this.key = key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && table.equals(k.table) && key.equals(k.key);
        }

        @Override
        public int hashCode() {
            return Objects.hash(table, key);
        }
    }
}
