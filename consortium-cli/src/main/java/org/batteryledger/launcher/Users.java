package org.batteryledger.launcher;

import org.batteryledger.node.directory.PrivateFiles;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The generated users, one per role, kept in {@code users.properties} ({@code name=password}, owner-readable only). */
final class Users {
    public static final List<String> ROLES = List.of("admin", "manufacturer", "charging", "recycler", "auditor");
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private Users() {
    }

    /** Reads the file, or creates it with fresh random passwords when it does not exist yet. */
    public static Map<String, String> loadOrCreate(Path file, SecureRandom random) throws IOException {
        Map<String, String> users = new LinkedHashMap<>();
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            for (String role : ROLES) {
                String pw = p.getProperty(role);
                if (pw == null) {
                    throw new IOException(file + " has no password for user " + role);
                }
                users.put(role, pw);
            }
            return users;
        }
        for (String role : ROLES) {
            StringBuilder pw = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                pw.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            users.put(role, pw.toString());
        }
        Properties p = new Properties();
        users.forEach(p::setProperty);
        PrivateFiles.write(file, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            p.store(w, "Battery Ledger users, one per role: name=password");
            w.flush();
        });
        return users;
    }
}
