package org.batteryledger.partners;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times on the wire: {@code 2024-05-01T08:30:00Z}, whole seconds, UTC. */
final class Times {
    private static final DateTimeFormatter UTC_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    static String format(Instant t) {
        return UTC_SECONDS.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
