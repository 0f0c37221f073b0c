package org.batteryledger.node.store;

import jakarta.persistence.AttributeConverter;

/**
 * An enum stored as its name in a character column. {@code @Enumerated(STRING)} made Hibernate create H2's native
 * ENUM type, which H2 stores as ordinals and, on some read paths, reads back as the bare ordinal (H2 issue #2935):
 * after a restart under load, a node failed every query on a batch's status ("CHARACTER VARYING to DECFLOAT", "No
 * enum constant Status.2") and stopped anchoring. A converter maps the column as VARCHAR on every database; on a
 * database from before, {@code hibernate.hbm2ddl.auto=update} changes the ENUM column's type to VARCHAR and H2 turns
 * the values into their names (checked on a node's database of 101,100 records). Each enum has a one-line subclass
 * (JPA converters are per type).
 */
public abstract class EnumName<E extends Enum<E>> implements AttributeConverter<E, String> {
    private final Class<E> type;

    protected EnumName(Class<E> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : value.name();
    }

    @Override
    public E convertToEntityAttribute(String name) {
        return name == null ? null : Enum.valueOf(type, name);
    }
}
