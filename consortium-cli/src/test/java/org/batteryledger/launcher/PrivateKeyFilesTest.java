package org.batteryledger.launcher;

import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.Suites;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every private key and password file the launcher writes is rw------- (created so: {@code PrivateFiles}). */
class PrivateKeyFilesTest {
    @TempDir
    Path dir;

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aNewConsortiumsKeysAndUsersAreTheOperatorsAlone() throws IOException {
        new ConsortiumFactory(Suites.byId("ecdsa-p256-sha256"), KeyPairs.seededRandom("private-files"), Instant.parse("2026-01-01T00:00:00Z"))
                .create(dir, ConsortiumFactory.layout(4), Map.of(), new Ports(0));
        Users.loadOrCreate(dir.resolve("users.properties"), KeyPairs.seededRandom("users"));

        List<Path> secrets;
        try (Stream<Path> files = Files.walk(dir)) {
            secrets = files.filter(p -> p.getFileName().toString().endsWith(".key") || p.getFileName().toString().equals("users.properties")).sorted().toList();
        }
        // ca.key, three agency CA keys, four node keys, users.properties
        assertEquals(9, secrets.size(), secrets.toString());
        for (Path p : secrets) {
            assertEquals("rw-------", permissions(p), p.toString());
            assertTrue(Files.size(p) > 0, p.toString());
        }
        for (int i = 0; i < 4; i++) {
            assertEquals("rwx------", permissions(dir.resolve("nodes/node" + i + "/keystore")));
        }
        assertEquals(5, Users.loadOrCreate(dir.resolve("users.properties"), KeyPairs.seededRandom("again")).size(), "read back as written");
    }
}
