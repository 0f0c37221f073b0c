package org.batteryledger.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The class archive belongs to one EAR (and JDK): nodes map it once it exists, and a changed EAR needs its own. */
class ClassArchiveTest {
    @Test
    void anArchiveIsMappedOnlyOnceItExistsAndOnlyForItsEar(@TempDir Path tmp) throws Exception {
        Path jbossHome = Files.createDirectories(tmp.resolve("wildfly"));
        Path ear = Files.write(tmp.resolve("battery-ledger.ear"), new byte[] {1, 2, 3});
        Path archive = ClassArchive.of(jbossHome, ear);
        assertEquals(jbossHome.resolve("battery-ledger-cds"), archive.getParent());
        assertEquals(Optional.empty(), ClassArchive.option(jbossHome, ear), "no archive yet: no option");

        Files.createDirectories(archive.getParent());
        Files.write(archive, new byte[] {0});
        assertEquals(Optional.of("-XX:SharedArchiveFile=" + archive), ClassArchive.option(jbossHome, ear));

        Path rebuilt = Files.write(tmp.resolve("rebuilt.ear"), new byte[] {1, 2, 4});
        assertNotEquals(archive, ClassArchive.of(jbossHome, rebuilt));
        assertEquals(Optional.empty(), ClassArchive.option(jbossHome, rebuilt), "another EAR's archive is not this one's");
        assertEquals(Optional.empty(), ClassArchive.option(jbossHome, tmp.resolve("missing.ear")));
    }

    @Test
    void onlyTheNewestArchivesAreKept(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 4; i++) {
            Path a = Files.write(dir.resolve("a" + i + ".jsa"), new byte[] {(byte) i});
            Files.setLastModifiedTime(a, java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.write(dir.resolve("training.lock"), new byte[0]);
        ClassArchive.prune(dir, ClassArchive.KEEP);
        try (var left = Files.list(dir)) {
            assertEquals(java.util.Set.of("a2.jsa", "a3.jsa", "training.lock"),
                    left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    // A consortium on the first training shift (the benchmarks' --port-shift 5000) made the training fail and every node
    // start without an archive: the training node now takes the next shift whose ports are free.
    @Test
    void theTrainingNodeTakesAShiftWhosePortsAreFree() throws Exception {
        int first = ClassArchive.TRAINING_SHIFTS[0];
        try (java.net.ServerSocket busy = new java.net.ServerSocket()) {
            try {
                busy.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), new Ports(first).http(0)));
            } catch (java.io.IOException alreadyInUse) {
                // taken by another process: just as busy
            }
            Ports chosen = ClassArchive.trainingPorts();
            assertNotEquals(first, chosen.shift(), "the HTTP port of shift " + first + " is taken");
            assertTrue(ClassArchive.free(chosen.http(0)));
        }
    }
}
