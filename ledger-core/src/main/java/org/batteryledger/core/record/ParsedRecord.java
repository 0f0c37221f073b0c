package org.batteryledger.core.record;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.nio.charset.StandardCharsets;

/**
 * A valid record with its canonical JSON (RFC 8785), from which its hash is computed: SHA-256 (SM3 under the SM
 * suite) of the canonical form's UTF-8 bytes, so anyone can recompute it with any JCS implementation.
 */
public record ParsedRecord(BatteryRecord record, String canonicalJson) {
    public byte[] canonicalBytes() {
        return canonicalJson.getBytes(StandardCharsets.UTF_8);
    }

    public Hash hash(CryptoSuite suite) {
        return suite.hash(canonicalBytes());
    }
}
