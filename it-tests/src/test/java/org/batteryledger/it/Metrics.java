package org.batteryledger.it;

/** Reads a node's {@code /metrics} text (Prometheus exposition format), as the system tests need it. */
public final class Metrics {
    private Metrics() {
    }

    /** The value of an unlabelled counter or gauge {@code name} in {@code body}; an assertion error when it is missing. */
    public static long value(String body, String name) {
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + body);
    }
}
