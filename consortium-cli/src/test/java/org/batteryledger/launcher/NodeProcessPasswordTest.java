package org.batteryledger.launcher;

import org.batteryledger.node.directory.PrivateFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The database password reaches a node through its environment, never its command line (ps shows that to all). */
class NodeProcessPasswordTest {
    private static final String SECRET = "s3cret-Pw-9x";

    @TempDir
    Path dir;

    private NodeProcess node;

    @org.junit.jupiter.api.BeforeEach
    void node() throws IOException {
        Path nodeDir = dir.resolve("nodes/node1");
        java.nio.file.Files.createDirectories(nodeDir.resolve("server"));
        java.nio.file.Files.createDirectories(nodeDir.resolve("log"));
        node = new NodeProcess(Path.of(System.getProperty("jboss.home")), nodeDir, "node1", 1, 100, 8180);
    }

    private static Properties of(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void thePostgresPasswordFileIsReadIntoTheEnvironmentAndTheCommandLineHasNone() throws IOException {
        Path file = dir.resolve("postgres.password");
        PrivateFiles.write(file, SECRET + "\n");
        Properties props = of("db.driver", "postgresql", "db.url", "jdbc:postgresql://127.0.0.1:5433/node1", "db.user", "ledger",
                "db.password.file", file.toString());
        Properties launcher = of(NodeProcess.DB_PASSWORD_PROPERTY, "from-the-launcher", "batteryledger.log.rotate.size", "5m");
        List<String> cmd = node.command(props, launcher);
        // wildfly-launcher's command line: the JVM itself on the node's base directory, loopback only, at its port offset
        assertTrue(cmd.contains("-Djboss.server.base.dir=" + dir.resolve("nodes/node1/server")), cmd.toString());
        assertTrue(cmd.contains("-Djboss.server.log.dir=" + dir.resolve("nodes/node1/log")), cmd.toString());
        assertTrue(cmd.contains("-Djboss.socket.binding.port-offset=100") && cmd.contains("-b=127.0.0.1")
                && cmd.contains("-bmanagement=127.0.0.1") && cmd.contains("-Xmx512m"), cmd.toString());
        assertTrue(cmd.contains("-Dbatteryledger.db.url=jdbc:postgresql://127.0.0.1:5433/node1"), cmd.toString());
        assertTrue(cmd.contains("-Dbatteryledger.db.user=ledger"), cmd.toString());
        assertTrue(cmd.contains("-Dbatteryledger.log.rotate.size=5m"), cmd.toString());
        assertFalse(cmd.stream().anyMatch(a -> a.contains("password") || a.contains(SECRET) || a.contains("from-the-launcher")), cmd.toString());
        assertEquals(SECRET, NodeProcess.databasePassword(props, launcher));
    }

    @Test
    void aPasswordInNodePropertiesOrTheLaunchersSettingsGoesToTheEnvironmentToo() throws IOException {
        Properties own = of("db.url", "jdbc:postgresql://db.example:5432/x", "db.password", SECRET);
        assertFalse(node.command(own, new Properties()).stream().anyMatch(a -> a.contains(SECRET)));
        assertEquals(SECRET, NodeProcess.databasePassword(own, new Properties()));
        assertEquals("from-the-launcher", NodeProcess.databasePassword(new Properties(), of(NodeProcess.DB_PASSWORD_PROPERTY, "from-the-launcher")));
        assertNull(NodeProcess.databasePassword(new Properties(), new Properties()), "H2: the datasource's default");
    }
}
