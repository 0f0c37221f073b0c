package org.batteryledger.core.codec;

/** Upper bounds applied while decoding untrusted bytes; generous for honest use, tight enough to stop a flood. */
public final class Limits {
    public static final int MAX_KEY_BYTES = 512;
    public static final int MAX_SIGNATURE_BYTES = 256;
    public static final int MAX_NAME_BYTES = 256;
    public static final int MAX_TX_PAYLOAD_BYTES = 64 * 1024;
    public static final int MAX_TXS_PER_BLOCK = 100_000;
    public static final int MAX_VALIDATORS = 1_000;
    public static final int MAX_BLOCKS_PER_SYNC = 1_024;
    public static final int MAX_CERT_BYTES = 16 * 1024;

    private Limits() {
    }
}
