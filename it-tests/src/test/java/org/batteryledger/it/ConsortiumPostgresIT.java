package org.batteryledger.it;

import org.batteryledger.launcher.PostgresCluster;
import org.batteryledger.launcher.Ports;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consortium scenario with PostgreSQL instead of H2: a private server from Debian's packages, installed here
 * when the machine lacks it, a database per node; offsets 2000 + 100·i.
 */
class ConsortiumPostgresIT extends ConsortiumScenario {
    @BeforeAll
    static void start() throws Exception {
        // The test setup installs the server itself (root is needed, as on the project's machines).
        DebianPackages.ensure(() -> PostgresCluster.binaries().isPresent(), "postgresql");
        assertTrue(PostgresCluster.binaries().isPresent(), "PostgreSQL binaries not found after installation");
        up("postgres", new Ports(2000), "postgres-consortium");
    }
}
