package org.batteryledger.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which EAR a started node runs: the one it was given, whatever the files' ages. */
class NodeProcessDeployTest {
    @Test
    void anOlderBuildGivenAfterANewerOneIsDeployed(@TempDir Path dir) throws Exception {
        Path older = Files.write(dir.resolve("a.ear"), new byte[]{1, 2, 3});
        Path newer = Files.write(dir.resolve("b.ear"), new byte[]{1, 2, 4});
        Files.setLastModifiedTime(older, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(newer, FileTime.fromMillis(2_000_000));
        Path deployed = dir.resolve("deployments-battery-ledger.ear");

        assertTrue(NodeProcess.deploy(newer, deployed));
        assertTrue(NodeProcess.deploy(older, deployed), "the deployed copy is newer than the older build, and must still be replaced");
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(deployed));
        assertFalse(NodeProcess.deploy(older, deployed), "the same bytes are not copied again");
    }
}
