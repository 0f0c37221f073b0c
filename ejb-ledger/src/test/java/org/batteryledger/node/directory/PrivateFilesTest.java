package org.batteryledger.node.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Private keys and passwords are their owner's alone from the moment their file exists. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    private static String permissions(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aKeyFileIsRwForItsOwnerOnlyAndWasSoBeforeItHeldAByte() throws IOException {
        Path key = dir.resolve("keystore/node.key");
        String pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
        PrivateFiles.write(key, out -> {
            // the file the key goes into exists already, empty, with its final permissions: there is no window
            List<Path> present = files(key.getParent());
            assertEquals(1, present.size(), present.toString());
            assertEquals("rw-------", permissions(present.get(0)));
            assertEquals(0, Files.size(present.get(0)));
            out.write(pem.getBytes(StandardCharsets.UTF_8));
        });
        assertEquals("rw-------", permissions(key));
        assertEquals(pem, Files.readString(key));
        assertEquals(List.of(key), files(key.getParent()), "no temporary file is left");
    }

    @Test
    void aFileOthersCouldReadIsReplacedNotReused() throws IOException {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "old=secret\n");
        Files.setPosixFilePermissions(users, PosixFilePermissions.fromString("rw-r--r--"));
        Object before = Files.readAttributes(users, "unix:ino").get("ino");
        PrivateFiles.write(users, "admin=new\n");
        assertEquals("rw-------", permissions(users));
        assertEquals("admin=new\n", Files.readString(users));
        assertFalse(before.equals(Files.readAttributes(users, "unix:ino").get("ino")), "a new file, made private, took its place");
    }

    @Test
    void theKeystoreDirectoryIsCreatedRwxForItsOwnerOnly() throws IOException {
        Path keystore = PrivateFiles.createDirectory(dir.resolve("nodes/node0/keystore"));
        assertEquals("rwx------", permissions(keystore));
        Path open = Files.createDirectories(dir.resolve("old/keystore"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals("rwx------", permissions(PrivateFiles.createDirectory(open)), "an existing keystore is restricted");
    }

    @Test
    void withoutPosixPermissionsTheOwnerAloneIsGrantedByAnAclOrNothingIsClaimed() {
        UserPrincipal owner = () -> "operator";
        FileAttribute<?>[] acl = PrivateFiles.ownerOnly(false, owner, false);
        assertEquals(1, acl.length);
        assertEquals("acl:acl", acl[0].name());
        @SuppressWarnings("unchecked")
        List<AclEntry> entries = (List<AclEntry>) acl[0].value();
        assertEquals(1, entries.size());
        assertEquals(AclEntryType.ALLOW, entries.get(0).type());
        assertEquals(owner, entries.get(0).principal());
        assertEquals(0, PrivateFiles.ownerOnly(false, null, false).length, "no ACLs either: the file as the system makes it");
        assertEquals("posix:permissions", PrivateFiles.ownerOnly(true, null, true)[0].name());
    }
}
