package org.batteryledger.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for a local consortium ({@code ./consortium up --db postgres}): its data directory
 * is {@code consortium.d/postgres}, it listens on 127.0.0.1 only (port 5433 + shift/100), and every node gets a
 * database of its own. It uses the PostgreSQL of Debian's packages; PostgreSQL refuses to run as root, so as root
 * the server runs as the {@code postgres} user. Local trust authentication: a development cluster, not a
 * production one (there, point {@code batteryledger.db.*} at your own server).
 */
public final class PostgresCluster {
    public static final String USER = "ledger";
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

    /** Initializes the cluster once, starts it unless it runs, and creates the databases that are missing. */
    public void ensureRunning(List<String> databases) throws IOException, InterruptedException {
        if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
            Files.createDirectories(dataDir);
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", dataDir.toString()), false);
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER, "--auth=trust", "-E", "UTF8"), true);
        }
        if (run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "status"), true, true) != 0) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(), "-w",
                    "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dataDir, "start"), true);
        }
        for (String db : databases) {
            // CREATE DATABASE fails when it exists: that is the idempotent case.
            run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-d", "postgres",
                    "-c", "CREATE DATABASE \"" + db + "\""), true, true);
        }
    }

    public void stop() throws IOException, InterruptedException {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), true, true);
        }
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
        Path log = launcherLog();
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        int code = p.waitFor();
        if (code != 0 && !quiet) {
            Files.writeString(log, "exit " + code + ": " + String.join(" ", full) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        return code;
    }
}
