package org.batteryledger.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
}
