package org.batteryledger.it;

import org.batteryledger.launcher.PostgresCluster;
import org.batteryledger.launcher.Ports;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consortium scenario with PostgreSQL instead of H2: a private server from Debian's packages, installed here
 * when the machine lacks it, a database per node; offsets 2000 + 100·i.
 */
class ConsortiumPostgresIT extends ConsortiumScenario {
    @BeforeAll
    static void start() throws Exception {
        if (PostgresCluster.binaries().isEmpty()) {
            // The test setup installs the server itself (root is needed, as on the project's machines).
            Process update = new ProcessBuilder("apt-get", "update").inheritIO().start();
            assertEquals(0, update.waitFor(), "apt-get update failed");
            Process install = new ProcessBuilder("apt-get", "install", "-y", "--no-install-recommends", "postgresql").inheritIO().start();
            assertEquals(0, install.waitFor(), "apt-get install postgresql failed");
        }
        assertTrue(PostgresCluster.binaries().isPresent(), "PostgreSQL binaries not found after installation");
        up("postgres", new Ports(2000), "postgres-consortium");
    }
}
