package org.batteryledger.core.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CanonicalCodecTest {

    private static CanonicalReader reader(CanonicalWriter w) {
        return new CanonicalReader(w.toByteArray());
    }

    @Test
    void u8RoundTripsEveryValueAndWriterRejectsOutOfRange() {
        CanonicalWriter w = new CanonicalWriter(1);
        for (int v = 0; v <= 255; v++) {
            w.u8(v);
        }
        assertEquals(256, w.size());
        CanonicalReader r = reader(w);
        for (int v = 0; v <= 255; v++) {
            assertEquals(v, r.u8());
        }
        r.end();
        assertThrows(IllegalArgumentException.class, () -> new CanonicalWriter().u8(-1));
        assertThrows(IllegalArgumentException.class, () -> new CanonicalWriter().u8(256));
    }

    @Test
    void boolRoundTripsAsOneByteZeroOrOne() {
        byte[] b = new CanonicalWriter().bool(true).bool(false).toByteArray();
        assertArrayEquals(new byte[] {1, 0}, b);
        CanonicalReader r = new CanonicalReader(b);
        assertTrue(r.bool());
        assertFalse(r.bool());
        r.end();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 0x7f, 0x80, 0xff})
    void readerRejectsBooleansOtherThanZeroOrOne(int value) {
        CanonicalReader r = new CanonicalReader(new byte[] {(byte) value});
        DecodeException e = assertThrows(DecodeException.class, r::bool);
        assertTrue(e.getMessage().contains("boolean"), e.getMessage());
    }

    @Test
    void u32IsBigEndianAndRoundTripsEdgeValues() {
        assertArrayEquals(new byte[] {0x01, 0x02, 0x03, 0x04}, new CanonicalWriter().u32(0x01020304).toByteArray());
        int[] values = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x80, 0xff00ff00};
        CanonicalWriter w = new CanonicalWriter();
        for (int v : values) {
            w.u32(v);
        }
        CanonicalReader r = reader(w);
        for (int v : values) {
            assertEquals(v, r.u32());
        }
        r.end();
    }

    @Test
    void u64IsBigEndianAndRoundTripsEdgeValues() {
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new CanonicalWriter().u64(0x0102030405060708L).toByteArray());
        long[] values = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 0xdeadbeefL, 1L << 32};
        CanonicalWriter w = new CanonicalWriter();
        for (long v : values) {
            w.u64(v);
        }
        CanonicalReader r = reader(w);
        for (long v : values) {
            assertEquals(v, r.u64());
        }
        r.end();
    }

    @Test
    void uintAcceptsNonNegativeAndRejectsNegative() {
        assertEquals(Long.MAX_VALUE, reader(new CanonicalWriter().u64(Long.MAX_VALUE)).uint("height"));
        assertEquals(0, reader(new CanonicalWriter().u64(0)).uint("height"));
        DecodeException e = assertThrows(DecodeException.class, () -> reader(new CanonicalWriter().u64(-1)).uint("height"));
        assertTrue(e.getMessage().contains("height"), e.getMessage());
    }

    @Test
    void rawRoundTripsWithoutAPrefix() {
        byte[] data = {9, 8, 7};
        byte[] enc = new CanonicalWriter().raw(data).toByteArray();
        assertArrayEquals(data, enc);
        CanonicalReader r = new CanonicalReader(enc);
        assertArrayEquals(data, r.raw(3));
        r.end();
    }

    @Test
    void bytesAreLengthPrefixedAndRoundTrip() {
        byte[] data = new byte[300];
        new Random(7).nextBytes(data);
        byte[] enc = new CanonicalWriter().bytes(data).bytes(new byte[0]).toByteArray();
        assertEquals(4 + 300 + 4, enc.length);
        assertArrayEquals(new byte[] {0, 0, 1, 44}, Arrays.copyOf(enc, 4));
        CanonicalReader r = new CanonicalReader(enc);
        assertArrayEquals(data, r.bytes(300));
        assertArrayEquals(new byte[0], r.bytes(0));
        r.end();
    }

    @Test
    void stringsRoundTripAsUtf8IncludingNonAscii() {
        String[] values = {"", "agency-a", "Zürich 電池 🔋", "\u0000"};
        CanonicalWriter w = new CanonicalWriter();
        for (String s : values) {
            w.str(s);
        }
        CanonicalReader r = reader(w);
        for (String s : values) {
            assertEquals(s, r.str(64));
        }
        r.end();
        byte[] enc = new CanonicalWriter().str("é").toByteArray();
        assertArrayEquals(new byte[] {0, 0, 0, 2, (byte) 0xc3, (byte) 0xa9}, enc);
    }

    @Test
    void listsRoundTripWithTheirCount() {
        List<String> items = List.of("x", "yy", "zzz");
        CanonicalWriter w = new CanonicalWriter().list(items, CanonicalWriter::str).list(List.<Long>of(), CanonicalWriter::u64);
        CanonicalReader r = reader(w);
        assertEquals(items, r.list(3, rr -> rr.str(10)));
        assertEquals(List.of(), r.list(0, CanonicalReader::u64));
        r.end();
    }

    @Test
    void writerGrowsBeyondItsInitialCapacity() {
        CanonicalWriter w = new CanonicalWriter(0);
        byte[] big = new byte[10_000];
        new Random(3).nextBytes(big);
        for (int i = 0; i < 5; i++) {
            w.bytes(big);
        }
        assertEquals(5 * (4 + big.length), w.size());
        CanonicalReader r = reader(w);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(big, r.bytes(big.length));
        }
        r.end();
    }

    private record Item(int kind, Object value) {
    }

    @Test
    void randomMixedSequencesRoundTrip() {
        Random random = new Random(42);
        for (int iter = 0; iter < 300; iter++) {
            List<Item> items = new ArrayList<>();
            CanonicalWriter w = new CanonicalWriter(8);
            int n = random.nextInt(20);
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(6);
                Object v = switch (kind) {
                    case 0 -> random.nextInt(256);
                    case 1 -> random.nextBoolean();
                    case 2 -> random.nextInt();
                    case 3 -> random.nextLong();
                    case 4 -> { byte[] b = new byte[random.nextInt(40)]; random.nextBytes(b); yield b; }
                    default -> "s" + random.nextInt() + "é";
                };
                switch (kind) {
                    case 0 -> w.u8((Integer) v);
                    case 1 -> w.bool((Boolean) v);
                    case 2 -> w.u32((Integer) v);
                    case 3 -> w.u64((Long) v);
                    case 4 -> w.bytes((byte[]) v);
                    default -> w.str((String) v);
                }
                items.add(new Item(kind, v));
            }
            CanonicalReader r = reader(w);
            for (Item it : items) {
                switch (it.kind()) {
                    case 0 -> assertEquals(it.value(), r.u8());
                    case 1 -> assertEquals(it.value(), r.bool());
                    case 2 -> assertEquals(it.value(), r.u32());
                    case 3 -> assertEquals(it.value(), r.u64());
                    case 4 -> assertArrayEquals((byte[]) it.value(), r.bytes(64));
                    default -> assertEquals(it.value(), r.str(64));
                }
            }
            r.end();
        }
    }

    // --- rejection of malformed input ------------------------------------------------------------------------

    @Test
    void truncatedFixedWidthValuesAreRejected() {
        assertThrows(DecodeException.class, () -> new CanonicalReader(new byte[0]).u8());
        assertThrows(DecodeException.class, () -> new CanonicalReader(new byte[0]).bool());
        assertThrows(DecodeException.class, () -> new CanonicalReader(new byte[3]).u32());
        assertThrows(DecodeException.class, () -> new CanonicalReader(new byte[7]).u64());
        assertThrows(DecodeException.class, () -> new CanonicalReader(new byte[7]).uint("x"));
        assertThrows(DecodeException.class, () -> new CanonicalReader(new byte[31]).raw(32));
    }

    @Test
    void truncatedByteStringIsRejectedEvenWhenWithinTheMaximum() {
        byte[] enc = new CanonicalWriter().bytes(new byte[10]).toByteArray();
        for (int cut = 0; cut < enc.length; cut++) {
            byte[] prefix = Arrays.copyOf(enc, cut);
            DecodeException e = assertThrows(DecodeException.class, () -> new CanonicalReader(prefix).bytes(100));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void truncatedStringAndListAreRejected() {
        byte[] s = new CanonicalWriter().str("hello").toByteArray();
        assertThrows(DecodeException.class, () -> new CanonicalReader(Arrays.copyOf(s, s.length - 1)).str(100));
        byte[] l = new CanonicalWriter().list(List.of(1L, 2L), CanonicalWriter::u64).toByteArray();
        assertThrows(DecodeException.class, () -> new CanonicalReader(Arrays.copyOf(l, l.length - 1)).list(10, CanonicalReader::u64));
    }

    @Test
    void byteStringLongerThanTheMaximumIsRejectedBeforeReading() {
        byte[] enc = new CanonicalWriter().bytes(new byte[11]).toByteArray();
        DecodeException e = assertThrows(DecodeException.class, () -> new CanonicalReader(enc).bytes(10));
        assertTrue(e.getMessage().contains("exceeds the maximum 10"), e.getMessage());
        // exactly the maximum is fine
        assertEquals(11, new CanonicalReader(enc).bytes(11).length);
    }

    @Test
    void hugeDeclaredLengthsAreRejectedWithoutAllocating() {
        // 0xffffffff as a length is negative as an int, 0x7fffffff is huge: both must fail cleanly
        byte[] negative = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThrows(DecodeException.class, () -> new CanonicalReader(negative).bytes(Integer.MAX_VALUE));
        assertThrows(DecodeException.class, () -> new CanonicalReader(huge).bytes(Integer.MAX_VALUE));
        assertThrows(DecodeException.class, () -> new CanonicalReader(negative).list(Integer.MAX_VALUE, CanonicalReader::u8));
        assertThrows(DecodeException.class, () -> new CanonicalReader(huge).list(Integer.MAX_VALUE, CanonicalReader::u8));
        assertThrows(DecodeException.class, () -> new CanonicalReader(negative).str(Integer.MAX_VALUE));
    }

    @Test
    void stringLongerThanTheMaximumIsRejected() {
        byte[] enc = new CanonicalWriter().str("abcdef").toByteArray();
        assertThrows(DecodeException.class, () -> new CanonicalReader(enc).str(5));
        assertEquals("abcdef", new CanonicalReader(enc).str(6));
        // the maximum is in bytes, not characters: "é" is 2 bytes
        byte[] accent = new CanonicalWriter().str("éé").toByteArray();
        assertThrows(DecodeException.class, () -> new CanonicalReader(accent).str(3));
    }

    @Test
    void listWithMoreItemsThanTheMaximumIsRejected() {
        byte[] enc = new CanonicalWriter().list(List.of(1, 2, 3), CanonicalWriter::u8).toByteArray();
        DecodeException e = assertThrows(DecodeException.class, () -> new CanonicalReader(enc).list(2, CanonicalReader::u8));
        assertTrue(e.getMessage().contains("exceeds the maximum 2"), e.getMessage());
        assertEquals(List.of(1, 2, 3), new CanonicalReader(enc).list(3, CanonicalReader::u8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff", "c0af", "e0808f", "c3", "eda080", "f8888080", "80", "41ff", "4142c3"})
    void invalidUtf8IsRejected(String hex) {
        byte[] enc = new CanonicalWriter().bytes(Hex.decode(hex)).toByteArray();
        DecodeException e = assertThrows(DecodeException.class, () -> new CanonicalReader(enc).str(64));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void validMultiByteUtf8Decodes() {
        byte[] enc = new CanonicalWriter().bytes("電池".getBytes(StandardCharsets.UTF_8)).toByteArray();
        assertEquals("電池", new CanonicalReader(enc).str(64));
    }

    /** ASCII takes a short path, anything else the strict decoder: each string reads its own bytes and no more. */
    @Test
    void stringsInARowDecodeEachTheirOwnBytes() {
        String[] strings = {"", "agency-a", "\u007f\u0000~", "Zelle 電池 7", "é", "b48b31cae661642c41b0e36102035c57"};
        CanonicalWriter w = new CanonicalWriter();
        for (String str : strings) {
            w.str(str).u8(7);
        }
        CanonicalReader r = new CanonicalReader(w.toByteArray());
        for (String str : strings) {
            assertEquals(str, r.str(64));
            assertEquals(7, r.u8());
        }
        r.end();
    }

    @Test
    void endRejectsTrailingBytes() {
        byte[] enc = new CanonicalWriter().u32(5).u8(0).toByteArray();
        CanonicalReader r = new CanonicalReader(enc);
        r.u32();
        assertEquals(1, r.remaining());
        DecodeException e = assertThrows(DecodeException.class, r::end);
        assertTrue(e.getMessage().contains("1 trailing"), e.getMessage());
        r.u8();
        assertEquals(0, r.remaining());
        r.end();
    }

    @Test
    void failedReadDoesNotConsumeInput() {
        CanonicalReader r = new CanonicalReader(new byte[] {1, 2, 3});
        assertThrows(DecodeException.class, r::u32);
        assertEquals(3, r.remaining());
        assertEquals(1, r.u8());
    }
}
