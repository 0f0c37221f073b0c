package org.batteryledger.node.directory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Files only their owner may read: private keys, passwords. Each is created with its permissions ({@code rw-------};
 * directories {@code rwx------}), never written first and restricted after, so no other user can open it in between:
 * the content goes into a new file made with those permissions, which then replaces the target in one atomic rename.
 * A file system without POSIX permissions gets an ACL granting the owner alone, where it has ACLs (Windows), and the
 * file as the system makes it otherwise.
 */
public final class PrivateFiles {
    public static final String FILE_PERMISSIONS = "rw-------";
    public static final String DIRECTORY_PERMISSIONS = "rwx------";

    /** Writes what goes into the file, once it exists with its owner-only permissions. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private PrivateFiles() {
    }

    public static void write(Path file, String content) throws IOException {
        write(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Creates or replaces the file: its content is never readable by anyone but the owner, at no moment. */
    public static void write(Path file, Body body) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnly(Files.getFileStore(dir), false));
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) { // an existing file: truncated, its permissions kept
                body.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates the directory (and its parents, as usual) with owner-only permissions; an existing one is restricted. */
    public static Path createDirectory(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        FileStore store = Files.getFileStore(parent);
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir, ownerOnly(store, true));
        } else if (store.supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(DIRECTORY_PERMISSIONS));
        }
        return dir;
    }

    /** The attribute that makes a new file or directory its owner's alone on this store: POSIX, else ACL, else none. */
    static FileAttribute<?>[] ownerOnly(FileStore store, boolean directory) throws IOException {
        boolean posix = store.supportsFileAttributeView(PosixFileAttributeView.class);
        boolean acl = store.supportsFileAttributeView(AclFileAttributeView.class);
        UserPrincipal owner = !posix && acl ? java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name")) : null;
        return ownerOnly(posix, owner, directory);
    }

    /**
     * @param posix the store has POSIX permissions
     * @param owner where it has none: the owner to grant an ACL to, or null (no ACLs either)
     */
    static FileAttribute<?>[] ownerOnly(boolean posix, UserPrincipal owner, boolean directory) {
        if (posix) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(directory ? DIRECTORY_PERMISSIONS : FILE_PERMISSIONS))};
        }
        if (owner == null) {
            return new FileAttribute<?>[0];
        }
        Set<AclEntryPermission> all = EnumSet.allOf(AclEntryPermission.class);
        List<AclEntry> entries = List.of(AclEntry.newBuilder().setType(AclEntryType.ALLOW).setPrincipal(owner).setPermissions(all).build());
        return new FileAttribute<?>[] {new FileAttribute<List<AclEntry>>() {
            @Override
            public String name() {
                return "acl:acl";
            }

            @Override
            public List<AclEntry> value() {
                return entries;
            }
        }};
    }
}
