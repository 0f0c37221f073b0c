package org.batteryledger.core.codec;

import java.util.HexFormat;

/**
 * Lowercase hex, the form in which hashes and keys travel (CONTRACT.md): the JDK's {@link HexFormat}, with the
 * chain's error words (the offset of the first bad character) for callers that answer a user with them.
 */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    public static String encode(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * ASCII hex digits only, either case ({@link HexFormat#isHexDigit} takes no fullwidth or other scripts' digits).
     *
     * @throws IllegalArgumentException on odd length or a non-hex character
     */
    public static byte[] decode(String hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("hex string has odd length " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            if (!HexFormat.isHexDigit(hex.charAt(i))) {
                throw new IllegalArgumentException("not a hex character at offset " + i);
            }
        }
        return HEX.parseHex(hex);
    }
}
