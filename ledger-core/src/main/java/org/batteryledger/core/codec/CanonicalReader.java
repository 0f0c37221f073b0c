package org.batteryledger.core.codec;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the canonical encoding written by {@link CanonicalWriter}. Every length is checked against the bytes
 * that remain and against a caller-given maximum, so hostile input cannot make it allocate without bound.
 */
public final class CanonicalReader {
    private final byte[] buf;
    private int pos;

    public CanonicalReader(byte[] buf) {
        this.buf = buf;
    }

    private void need(int n) {
        if (n < 0 || buf.length - pos < n) {
            throw new DecodeException("truncated: need " + n + " bytes at offset " + pos + ", have " + (buf.length - pos));
        }
    }

    public int u8() {
        need(1);
        return buf[pos++] & 0xff;
    }

    public boolean bool() {
        int v = u8();
        if (v > 1) {
            throw new DecodeException("boolean must be 0 or 1, was " + v);
        }
        return v == 1;
    }

    public int u32() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long u64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xff);
        }
        return v;
    }

    /** A non-negative u64 (heights, counts); a negative value is malformed. */
    public long uint(String field) {
        long v = u64();
        if (v < 0) {
            throw new DecodeException(field + " is negative");
        }
        return v;
    }

    public byte[] raw(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public byte[] bytes(int max) {
        return raw(length(max));
    }

    /** A byte string's length prefix, at most {@code max}. */
    private int length(int max) {
        int n = u32();
        if (n < 0 || n > max) {
            throw new DecodeException("byte string of " + Integer.toUnsignedString(n) + " bytes exceeds the maximum " + max);
        }
        return n;
    }

    public String str(int maxBytes) {
        int n = length(maxBytes);
        need(n);
        int start = pos;
        pos += n;
        // Nearly every string on chain is ASCII (ids, hashes, codes): those bytes are their own valid UTF-8 and decode
        // without a strict decoder, whose buffers were a fifth of a synced block's allocation (JFR, BENCHMARKS.md).
        for (int i = start; i < start + n; i++) {
            if (buf[i] < 0) {
                return strictUtf8(start, n);
            }
        }
        return new String(buf, start, n, StandardCharsets.US_ASCII);
    }

    private String strictUtf8(int start, int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, start, n)).toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException("string is not valid UTF-8");
        }
    }

    public <T> List<T> list(int maxItems, Function<CanonicalReader, T> element) {
        int n = u32();
        if (n < 0 || n > maxItems) {
            throw new DecodeException("list of " + Integer.toUnsignedString(n) + " items exceeds the maximum " + maxItems);
        }
        List<T> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            out.add(element.apply(this));
        }
        return out;
    }

    public int remaining() {
        return buf.length - pos;
    }

    /** Trailing bytes make an encoding non-canonical. */
    public void end() {
        if (pos != buf.length) {
            throw new DecodeException((buf.length - pos) + " trailing bytes");
        }
    }
}
