package org.batteryledger.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node's server base directory: the template's configuration and the content its deployment overlays refer to. */
class ServerBaseDirTest {
    @Test
    void aNodeGetsTheContentTheTemplatesOverlaysReferToAndKeepsItsOwn(@TempDir Path dir) throws Exception {
        Path template = dir.resolve("standalone");
        Files.createDirectories(template.resolve("configuration"));
        for (String f : new String[]{"standalone.xml", "standalone-ha.xml"}) {
            Files.writeString(template.resolve("configuration").resolve(f), "<server/>");
        }
        Path overlay = template.resolve("data/content/5f/d4070761/content");
        Files.createDirectories(overlay.getParent());
        Files.write(overlay, new byte[]{1, 2, 3});
        Path node = dir.resolve("node0/server");
        Path deployed = node.resolve("data/content/01/2650e2bd/content");
        Files.createDirectories(deployed.getParent());
        Files.write(deployed, new byte[]{9});

        ServerBaseDir.prepare(template, node, Map.of("admin", "secret"));
        ServerBaseDir.prepare(template, node, Map.of("admin", "secret")); // again, as every up does

        assertEquals(3, Files.size(node.resolve("data/content/5f/d4070761/content")));
        assertEquals(1, Files.size(deployed), "the node's own deployment content stays");
        assertTrue(Files.isRegularFile(node.resolve("configuration/standalone.xml")));
    }
}
