package org.batteryledger.core.json;

/** Malformed JSON, or a value JSON cannot carry; the message says what and where. */
public final class JsonException extends RuntimeException {
    public JsonException(String message) {
        super(message);
    }
}
