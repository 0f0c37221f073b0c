package org.batteryledger.core.state;

/**
 * The one shape every key and value of a packed table has, so that an entry can be held as a few longs instead of a
 * string and an array ({@link PackedTable}). Encoding is exact both ways: a key or value that would not come back as
 * the same string or bytes is not of the format ({@link Key#encode} and {@link Value#accepts} say no), and the table
 * holding it goes back to a plain map. Packed keys compare as unsigned longs in the order their strings compare in.
 * Hand-written on purpose: the digest of a state covers these strings byte for byte.
 */
public record PackedFormat(Key key, Value value) {

    /** Key shapes. */
    public enum Key {
        /** 64 lowercase hex digits: a 32-byte hash. */
        HEX_32(4, 64),
        /** 20 decimal digits (a height below 2^63, zero-padded), a colon and 64 lowercase hex digits. */
        HEIGHT_HEX_32(5, 85);

        /** Longs a packed key takes. */
        final int width;
        /** Characters (and UTF-8 bytes: all ASCII) of the key string. */
        final int length;

        Key(int width, int length) {
            this.width = width;
            this.length = length;
        }

        /** Packs {@code key} into {@code out[at .. at+width)}; false, leaving {@code out} unspecified, when not of this shape. */
        boolean encode(String key, long[] out, int at) {
            if (key.length() != length) {
                return false;
            }
            int hexFrom = 0;
            if (this == HEIGHT_HEX_32) {
                long height = 0;
                for (int i = 0; i < 20; i++) {
                    char c = key.charAt(i);
                    if (c < '0' || c > '9' || (i == 0 && c != '0')) { // 20 digits with a leading 0: below 10^19
                        return false;
                    }
                    height = height * 10 + (c - '0');
                    if (height < 0) { // 19 digits above 2^63 - 1
                        return false;
                    }
                }
                if (key.charAt(20) != ':') {
                    return false;
                }
                out[at++] = height;
                hexFrom = 21;
            }
            for (int w = 0; w < 4; w++) {
                long v = 0;
                for (int i = hexFrom + 16 * w, end = i + 16; i < end; i++) {
                    int d = hexDigit(key.charAt(i));
                    if (d < 0) {
                        return false;
                    }
                    v = (v << 4) | d;
                }
                out[at + w] = v;
            }
            return true;
        }

        /** The key string packed at {@code in[at ..]}. */
        String decode(long[] in, int at) {
            byte[] s = new byte[length];
            int i = 0;
            if (this == HEIGHT_HEX_32) {
                long height = in[at++];
                for (int d = 19; d >= 0; d--) {
                    s[d] = (byte) ('0' + height % 10);
                    height /= 10;
                }
                s[20] = ':';
                i = 21;
            }
            for (int w = 0; w < 4; w++) {
                long v = in[at + w];
                for (int shift = 60; shift >= 0; shift -= 4) {
                    s[i++] = (byte) HEX[(int) (v >>> shift) & 0xf];
                }
            }
            return new String(s, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        private static int hexDigit(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; // upper case would not come back as the same string
        }
    }

    /** Value shapes. */
    public enum Value {
        /** Exactly eight bytes, as a big-endian u64 (a height). */
        U64(8),
        /** No bytes: the key is the entry. */
        EMPTY(0);

        /** Bytes of every value. */
        final int length;

        Value(int length) {
            this.length = length;
        }

        boolean accepts(byte[] value) {
            return value.length == length;
        }

        long encode(byte[] value) {
            long v = 0;
            for (byte b : value) {
                v = (v << 8) | (b & 0xff);
            }
            return v;
        }

        byte[] decode(long v) {
            if (this == EMPTY) {
                return NO_BYTES;
            }
            byte[] out = new byte[8];
            for (int i = 7; i >= 0; i--) {
                out[i] = (byte) v;
                v >>>= 8;
            }
            return out;
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final byte[] NO_BYTES = new byte[0];
}
