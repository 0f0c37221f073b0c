package org.batteryledger.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The one canonical binary encoding of everything that is hashed or signed (see the module README):
 * big-endian fixed-width integers, u32-length-prefixed byte strings and UTF-8 strings, u32-count-prefixed
 * lists. There is exactly one encoding per value, so equal values hash equally on every node.
 */
public final class CanonicalWriter {
    private byte[] buf;
    private int len;

    public CanonicalWriter() {
        this(256);
    }

    public CanonicalWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public CanonicalWriter u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public CanonicalWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public CanonicalWriter u32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    public CanonicalWriter u64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** Raw bytes with no length prefix: only for fixed-width fields such as 32-byte hashes. */
    public CanonicalWriter raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
        return this;
    }

    public CanonicalWriter bytes(byte[] bytes) {
        u32(bytes.length);
        return raw(bytes);
    }

    public CanonicalWriter str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public <T> CanonicalWriter list(List<T> items, BiConsumer<CanonicalWriter, T> element) {
        u32(items.size());
        for (T item : items) {
            element.accept(this, item);
        }
        return this;
    }

    public int size() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
