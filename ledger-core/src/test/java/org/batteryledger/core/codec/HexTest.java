package org.batteryledger.core.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HexTest {

    @Test
    void encodesLowercaseTwoDigitsPerByte() {
        assertEquals("", Hex.encode(new byte[0]));
        assertEquals("00017f80ff", Hex.encode(new byte[] {0, 1, 0x7f, (byte) 0x80, (byte) 0xff}));
        assertEquals("deadbeef", Hex.encode(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}));
    }

    @Test
    void decodeIsTheInverseOfEncodeForRandomBytes() {
        Random random = new Random(11);
        for (int n = 0; n < 100; n++) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            String hex = Hex.encode(b);
            assertEquals(2 * n, hex.length());
            assertArrayEquals(b, Hex.decode(hex));
            assertEquals(hex, Hex.encode(Hex.decode(hex)));
        }
    }

    @Test
    void everyByteValueRoundTrips() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        assertArrayEquals(all, Hex.decode(Hex.encode(all)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "abc", "00112"})
    void oddLengthIsRejected(String hex) {
        assertThrows(IllegalArgumentException.class, () -> Hex.decode(hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0g", "g0", "zz", "0x12", "  ", "12-4", "ab\u00e9f"})
    void nonHexCharactersAreRejected(String hex) {
        assertThrows(IllegalArgumentException.class, () -> Hex.decode(hex));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uff10\uff41", "\u0660\u0661", "\u0966\u0967", "0\uff21"})
    void nonAsciiDigitsAreRejected(String hex) {
        assertThrows(IllegalArgumentException.class, () -> Hex.decode(hex));
    }
}
