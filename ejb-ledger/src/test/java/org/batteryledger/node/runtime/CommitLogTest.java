package org.batteryledger.node.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class CommitLogTest {
    private static final long MS = 1_000_000L;

    @Test
    void tenBlocksASecondGiveOneLineASecondThatCountsTheOthers() {
        CommitLog log = new CommitLog();
        List<String> lines = new ArrayList<>();
        for (int h = 1; h <= 30; h++) {
            String line = log.committed(h, 7, "ab12", 0, 3, h * 100 * MS);
            if (line != null) {
                lines.add(line);
            }
        }
        assertEquals(List.of(
                "committed block 1 (7 txs, proposed by ab12, certificate of view 0 with 3 seals)",
                "committed block 11 (7 txs, proposed by ab12, certificate of view 0 with 3 seals); 9 blocks before it since the last line (2-10, 63 txs)",
                "committed block 21 (7 txs, proposed by ab12, certificate of view 0 with 3 seals); 9 blocks before it since the last line (12-20, 63 txs)"),
                lines);
    }

    @Test
    void aBlockAfterAQuietSecondIsAlwaysLogged() {
        CommitLog log = new CommitLog();
        assertNotNull(log.committed(5, 1, "ab12", 2, 3, 0));
        assertNull(log.committed(6, 2, "cd34", 2, 3, 999 * MS));
        assertEquals("committed block 7 (1 txs, proposed by ab12, certificate of view 3 with 4 seals); 1 block before it since the last line (6, 2 txs)",
                log.committed(7, 1, "ab12", 3, 4, 5_000 * MS), "a server that commits again after a pause says so at once");
        assertNotNull(log.committed(8, 0, "ab12", 3, 4, 6_000 * MS));
    }
}
