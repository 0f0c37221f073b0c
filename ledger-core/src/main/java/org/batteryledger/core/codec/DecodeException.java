package org.batteryledger.core.codec;

/** Bytes that are not a well-formed canonical encoding. Network input that raises it is counted and dropped. */
public final class DecodeException extends RuntimeException {
    public DecodeException(String message) {
        super(message);
    }
}
