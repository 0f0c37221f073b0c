package org.batteryledger.it;

import org.batteryledger.launcher.Ports;
import org.junit.jupiter.api.BeforeAll;

/** The consortium scenario on H2 files, one per node (the default), beside NodeApiIT's node: offsets 1000 + 100·i. */
class ConsortiumSystemIT extends ConsortiumScenario {
    @BeforeAll
    static void start() throws Exception {
        up("h2", new Ports(1000), "system-consortium");
    }
}
