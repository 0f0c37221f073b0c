package org.batteryledger.launcher;

import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.directory.PrivateFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for a local consortium ({@code ./consortium up --db postgres}): its data directory
 * is {@code consortium.d/postgres}, it listens on 127.0.0.1 only (port 5433 + shift/100), and every node gets a
 * database of its own. It uses the PostgreSQL of Debian's packages; PostgreSQL refuses to run as root, so as root
 * the server runs as the {@code postgres} user.
 * <p>
 * Password authentication ({@code scram-sha-256}) for TCP and local connections alike. The password of the database
 * user {@code ledger} is random, kept in {@code consortium.d/postgres.password} ({@code rw-------}; the
 * {@code postgres} user's when the launcher runs as root, so that initdb can read it), given to initdb as
 * {@code --pwfile}, to psql through a {@code rw-------} password file ({@code PGPASSFILE}), and to the nodes through
 * their environment ({@link NodeProcess}): never on a command line. A cluster made before passwords (trust) gets one
 * and scram-sha-256 the next time it is started.
 */
public final class PostgresCluster {
    public static final String USER = "ledger";
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private final Path dataDir;
    private final int port;
    private final Path bin;

    public PostgresCluster(Path consortiumDir, Ports ports) throws IOException {
        this.dataDir = consortiumDir.resolve("postgres").toAbsolutePath();
        this.port = 5433 + ports.shift() / 100;
        this.bin = binaries().orElseThrow(() -> new IOException(
                "PostgreSQL is not installed: apt-get install -y --no-install-recommends postgresql"));
    }

    /** The newest /usr/lib/postgresql/N/bin holding initdb and pg_ctl. */
    public static Optional<Path> binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(Path::toString));
        }
    }

    public int port() {
        return port;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The password of {@link #USER}, alone on its first line. */
    public Path passwordFile() {
        return dataDir.resolveSibling("postgres.password");
    }

    /** psql's password file ({@code host:port:database:user:password}). */
    private Path pgpassFile() {
        return dataDir.resolveSibling("postgres.pgpass");
    }

    /** Initializes the cluster once, starts it unless it runs, and creates the databases that are missing. */
    public void ensureRunning(List<String> databases) throws IOException, InterruptedException {
        boolean exists = Files.exists(dataDir.resolve("PG_VERSION"));
        boolean secured = Files.exists(passwordFile());
        if (!secured) {
            createPassword();
        }
        if (!exists) {
            Files.createDirectories(dataDir);
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", dataDir.toString()), false);
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER, "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256", "--pwfile=" + passwordFile(), "-E", "UTF8"), true);
        }
        if (run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "status"), true, true) != 0) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(), "-w",
                    "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dataDir, "start"), true);
        }
        if (exists && !secured) {
            requirePasswords();
        }
        for (String db : databases) {
            // CREATE DATABASE fails when it exists: that is the idempotent case.
            psql("CREATE DATABASE \"" + db + "\"", true);
        }
    }

    /** The node's database settings in its node.properties: this cluster, user {@link #USER}, the password file. */
    public void configure(NodeDirectory node, String database) throws IOException {
        Properties p = node.properties();
        if (p.getProperty("db.driver") != null && !url(database).equals(p.getProperty("db.url"))) {
            return; // a database of the operator's own
        }
        // "db.password" goes: "-" under trust; a password never goes into node.properties
        node.setProperties(Map.of("db.driver", "postgresql", "db.url", url(database), "db.user", USER,
                "db.password.file", passwordFile().toString()), List.of("db.password"));
    }

    public void stop() throws IOException, InterruptedException {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), true, true);
        }
    }

    private void createPassword() throws IOException, InterruptedException {
        SecureRandom random = new SecureRandom();
        StringBuilder pw = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            pw.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        PrivateFiles.write(passwordFile(), pw + "\n");
        if (isRoot()) {
            run(List.of("chown", "postgres:postgres", passwordFile().toString()), false); // still rw-------: initdb reads it
        }
    }

    private String password() throws IOException {
        return Files.readString(passwordFile(), StandardCharsets.UTF_8).strip();
    }

    /**
     * A cluster initialized with trust before: the user gets the password (sent on psql's standard input, never as an
     * argument), pg_hba.conf's trust lines become scram-sha-256, and the server reloads it.
     */
    private void requirePasswords() throws IOException, InterruptedException {
        if (psql("ALTER ROLE \"" + USER + "\" WITH PASSWORD '" + password() + "'", false) != 0) {
            throw new IOException("could not set the password of " + USER + " (see " + launcherLog() + ")");
        }
        Path hba = dataDir.resolve("pg_hba.conf");
        String rewritten = Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                .map(l -> l.startsWith("#") ? l : l.replaceAll("\\btrust\\s*$", "scram-sha-256"))
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(hba, rewritten, StandardCharsets.UTF_8); // the file is kept, with its owner and rw-------
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "reload"), true);
    }

    /**
     * Runs one SQL statement through psql over TCP as {@link #USER}, the statement on standard input. Without a
     * password file yet-to-be-trusted clusters answer anyway (trust), so {@code -w}: psql never waits for a prompt.
     */
    private int psql(String sql, boolean quiet) throws IOException, InterruptedException {
        PrivateFiles.write(pgpassFile(), "127.0.0.1:" + port + ":*:" + USER + ":" + password() + "\n");
        List<String> cmd = List.of(bin.resolve("psql").toString(), "-w", "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER,
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-f", "-");
        return run(cmd, Map.of("PGPASSFILE", pgpassFile().toString()), sql + ";\n", quiet);
    }

    /** Whether the cluster (running) has the database: a division by zero fails psql when it has none. */
    public boolean hasDatabase(String database) throws IOException, InterruptedException {
        if (!database.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("not a database name: " + database);
        }
        return psql("SELECT 1 / (SELECT count(*) FROM pg_database WHERE datname = '" + database + "')::int", true) == 0;
    }

    /** Beside the data directory: initdb wants that one empty. */
    private Path launcherLog() {
        return dataDir.resolveSibling("postgres-launcher.log");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
        int code = run(cmd, asPostgres, false);
        if (code != 0) {
            throw new IOException(String.join(" ", cmd) + " failed with exit code " + code + " (see " + launcherLog() + ")");
        }
    }

    private int run(List<String> cmd, boolean asPostgres, boolean quiet) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        return run(full, Map.of(), null, quiet);
    }

    /** Runs a command (its arguments never hold a secret), its output appended to the launcher's PostgreSQL log. */
    private int run(List<String> cmd, Map<String, String> env, String stdin, boolean quiet) throws IOException, InterruptedException {
        Path log = launcherLog();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        if (stdin != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        int code = p.waitFor();
        if (code != 0 && !quiet) {
            Files.writeString(log, "exit " + code + ": " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        return code;
    }
}
