package org.batteryledger.partners;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MainTest {
    @Test
    void defaultsAreTheConsortiumsFleetOnPort8700() {
        assertEquals(new Main.Options("127.0.0.1", 8700, 42, 1000, 100), Main.Options.parse());
    }

    @Test
    void everyOptionIsRead() {
        assertEquals(new Main.Options("0.0.0.0", 0, 7, 10, 4),
                Main.Options.parse("--host", "0.0.0.0", "--port", "0", "--seed", "7", "--batteries", "10", "--sessions-per-battery", "4"));
    }

    @Test
    void badOptionsAreNamed() {
        assertEquals("Unknown options: '--colour', 'red'", assertThrows(IllegalArgumentException.class, () -> Main.Options.parse("--colour", "red")).getMessage());
        assertEquals("Invalid value for option '--port': 'x' is not an int",
                assertThrows(IllegalArgumentException.class, () -> Main.Options.parse("--port", "x")).getMessage());
        assertEquals("Missing required parameter for option '--seed' (SEED)", assertThrows(IllegalArgumentException.class, () -> Main.Options.parse("--seed")).getMessage());
        assertEquals("--port must be 0..65535, was 70000", assertThrows(IllegalArgumentException.class, () -> Main.Options.parse("--port", "70000")).getMessage());
    }
}
