package org.batteryledger.node.storage;

import java.util.Locale;

/**
 * The cap of a node's log directory as the server's size-rotating handler keeps it (configure-node.cli): at most
 * {@code max-backup-index + 1} files of {@code rotate-size} each, from the same system properties and defaults.
 */
public record LogCap(long rotateBytes, int backups) {
    public long capBytes() {
        return rotateBytes * (backups + 1L);
    }

    public static LogCap fromSystemProperties() {
        return new LogCap(bytes(System.getProperty("batteryledger.log.rotate.size", "10m")),
                Integer.parseInt(System.getProperty("batteryledger.log.max.backups", "4").trim()));
    }

    /** A JBoss Logging size: a number with an optional k, m, g or t suffix (powers of 1024). */
    public static long bytes(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        return Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1).trim()) << shift;
    }
}
