package org.batteryledger.partners;

/**
 * A made-up cell/pack manufacturer of the simulated fleet.
 *
 * @param code the 3-character manufacturer code of GB/T 34014 (positions 1-3 of a battery code; real ones are
 *             assigned by the national filing system, these are invented)
 * @param name the name its ERP puts in the {@code manufacturer} field
 */
public record Manufacturer(String code, String name) {
    public Manufacturer {
        if (!code.matches("[0-9A-Z]{3}")) {
            throw new IllegalArgumentException("a manufacturer code is 3 characters of [0-9A-Z], not " + code);
        }
    }
}
