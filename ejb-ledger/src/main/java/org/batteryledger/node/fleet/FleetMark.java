package org.batteryledger.node.fleet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** How far the fleet table followed a source (this node's intake, by record position); moved with the rows it made. */
@Entity
@Table(name = "FLEET_MARK")
public class FleetMark {
    static final String INTAKE = "intake";

    @Id
    @Column(length = 32)
    private String name;
    @Column(name = "MARK_VALUE", nullable = false)
    private long value;

    protected FleetMark() {
    }

    FleetMark(String name, long value) {
        this.name = name;
        this.value = value;
    }

    long value() {
        return value;
    }

    void value(long v) {
        value = v;
    }
}
