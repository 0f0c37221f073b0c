package org.batteryledger.launcher;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node JVM's options: the bounded defaults, an operator's replacement, and what the build adds to either. */
class NodeProcessOptionsTest {
    @Test
    void theDefaultsBoundEveryMemoryPool() {
        List<String> options = NodeProcess.javaOptions(Map.of());
        assertEquals(List.of(NodeProcess.DEFAULT_JAVA_OPTS.split(" ")), options);
        assertTrue(options.containsAll(List.of("-Xmx512m", "-XX:MaxMetaspaceSize=256m", "-XX:MaxDirectMemorySize=128m", "-XX:TieredStopAtLevel=1")),
                options.toString());
    }

    @Test
    void extraOptionsAddToTheDefaultsOrToTheirReplacement() {
        List<String> added = NodeProcess.javaOptions(Map.of("BATTERYLEDGER_EXTRA_JAVA_OPTS", "  -XX:TieredStopAtLevel=1   -XX:+UseSerialGC "));
        assertEquals("-XX:+UseSerialGC", added.get(added.size() - 1));
        assertEquals(NodeProcess.DEFAULT_JAVA_OPTS.split(" ").length + 2, added.size());
        assertEquals(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1"),
                NodeProcess.javaOptions(Map.of("BATTERYLEDGER_JAVA_OPTS", "-Xmx1g", "BATTERYLEDGER_EXTRA_JAVA_OPTS", "-XX:TieredStopAtLevel=1")));
        assertEquals(List.of(), NodeProcess.javaOptions(Map.of("BATTERYLEDGER_JAVA_OPTS", " ")), "an empty replacement is the JVM's own defaults");
    }
}
