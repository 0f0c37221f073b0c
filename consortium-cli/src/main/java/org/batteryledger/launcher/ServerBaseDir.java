package org.batteryledger.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A node's own WildFly server base directory ({@code -Djboss.server.base.dir}): a copy of the configured template's
 * {@code standalone/configuration}, the template's content repository (what its deployment overlays add to the EAR) and
 * the node's application users. Each node needs its own, so that several servers share one installation.
 */
final class ServerBaseDir {
    public static final String REALM = "ApplicationRealm";

    private ServerBaseDir() {
    }

    /**
     * @param templateStandalone the configured template's {@code standalone/} directory
     * @param users              user name -> password; each user's role is its name
     */
    public static void prepare(Path templateStandalone, Path serverDir, Map<String, String> users) throws IOException {
        Path config = serverDir.resolve("configuration");
        if (!Files.isDirectory(config)) {
            copyTree(templateStandalone.resolve("configuration"), config, false);
        } else {
            // The template's configuration may be newer (a rebuilt wildfly-config): the server files follow it. standalone-ha.xml
            // is a clustered member's servers' (MemberCluster).
            for (String file : List.of("standalone.xml", "standalone-ha.xml")) {
                Files.copy(templateStandalone.resolve("configuration").resolve(file), config.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // What the configuration's deployment overlays refer to by hash (wildfly-config).
        copyTree(templateStandalone.resolve("data").resolve("content"), serverDir.resolve("data").resolve("content"), true);
        Files.createDirectories(serverDir.resolve("deployments"));
        StringBuilder usersFile = new StringBuilder("# Battery Ledger application users (HEX(MD5(user:realm:password)))\n");
        StringBuilder rolesFile = new StringBuilder("# Battery Ledger application roles\n");
        for (Map.Entry<String, String> u : users.entrySet()) {
            usersFile.append(u.getKey()).append('=').append(digest(u.getKey(), u.getValue())).append('\n');
            rolesFile.append(u.getKey()).append('=').append(u.getKey()).append('\n');
        }
        ConsortiumFactory.writePrivate(config.resolve("application-users.properties"), usersFile.toString());
        Files.writeString(config.resolve("application-roles.properties"), rolesFile.toString(), StandardCharsets.UTF_8);
    }

    static String digest(String user, String password) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest((user + ":" + REALM + ":" + password).getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, d));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    /**
     * Copies the files under {@code from} to {@code to}. {@code keepExisting}: a file already there stays, as for the
     * content repository, whose files are named by their SHA-1 (the server removes what no configuration refers to).
     */
    private static void copyTree(Path from, Path to, boolean keepExisting) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(src -> {
                Path dst = to.resolve(from.relativize(src).toString());
                try {
                    if (Files.isDirectory(src)) {
                        Files.createDirectories(dst);
                    } else if (!keepExisting || !Files.exists(dst)) {
                        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
