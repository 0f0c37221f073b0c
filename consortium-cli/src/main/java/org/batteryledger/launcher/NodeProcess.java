package org.batteryledger.launcher;

import org.wildfly.core.launcher.Launcher;
import org.wildfly.core.launcher.StandaloneCommandBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One node's WildFly process: started from the shared installation on the node's own base directory, with the
 * port offset of its index; its process id kept in {@code server/server.pid}. The command line is wildfly-launcher's,
 * the library the WildFly Maven plugin and Arquillian start servers with.
 */
public final class NodeProcess {
    /** The environment variable the datasource's password expression reads (configure-node.cli). */
    public static final String DB_PASSWORD_ENV = "BATTERYLEDGER_DB_PASSWORD";
    static final String DB_PASSWORD_PROPERTY = "batteryledger.db.password";
    private final Path jbossHome;
    private final Path nodeDir;
    private final String name;
    private final int index;
    private final int portOffset;
    private final int httpPort;
    /** Which server of its member this is: 0, or 1 for the second server of a clustered member ({@link MemberCluster}). */
    private final int server;
    private final boolean clustered;

    public NodeProcess(Path jbossHome, Path nodeDir, String name, int index, int portOffset, int httpPort) {
        this(jbossHome, nodeDir, name, index, portOffset, httpPort, 0, false);
    }

    /** Server {@code server} of a member; a clustered member's servers run the replica by its lease, and server 1 adds 50 to the ports. */
    NodeProcess(Path jbossHome, Path nodeDir, String name, int index, int portOffset, int httpPort, int server, boolean clustered) {
        this.jbossHome = jbossHome;
        this.nodeDir = nodeDir;
        this.name = name;
        this.index = index;
        this.portOffset = portOffset + MemberCluster.PORT_STEP * server;
        this.httpPort = httpPort + MemberCluster.PORT_STEP * server;
        this.server = server;
        this.clustered = clustered;
    }

    /** The server's base directory: {@code server/} for server 0, {@code server-1/} for a clustered member's second. */
    Path baseDir() {
        return nodeDir.resolve(server == 0 ? "server" : "server-" + server);
    }

    /** Its log directory: {@code log/}, and {@code log/server-1/} for a second server. */
    Path logDir() {
        return server == 0 ? nodeDir.resolve("log") : nodeDir.resolve("log/server-" + server);
    }

    /** The name its member's lease knows it by, e.g. node0-s1; the node's name for a member of one server. */
    public String serverName() {
        return clustered ? name + "-s" + server : name;
    }

    public int server() {
        return server;
    }

    public int httpPort() {
        return httpPort;
    }

    Path pidFile() {
        return baseDir().resolve("server.pid");
    }

    public Optional<ProcessHandle> running() {
        try {
            if (!Files.exists(pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the server in the background unless it runs already: the JVM itself, from wildfly-launcher's command line
     * (not standalone.sh), so its process id is the server's and {@link #kill} is a real {@code kill -9} of it. Its
     * console output goes to log/console.log.
     */
    public boolean start(Path ear) throws IOException {
        return start(ear, List.of());
    }

    /**
     * Puts {@code ear} where the server deploys from, unless that holds the same bytes already. By content, not by
     * modification time: "newer than the deployed copy" kept a node on the last EAR when an older build was asked for
     * (the copy is always newer), and a benchmark that switched builds measured one build twice.
     *
     * @return whether the deployed EAR changed
     */
    static boolean deploy(Path ear, Path deployed) throws IOException {
        if (Files.exists(deployed) && Files.mismatch(ear, deployed) == -1) {
            return false;
        }
        Files.copy(ear, deployed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /** As {@link #start(Path)}, with JVM options added for this start only (the class archive's training run). */
    boolean start(Path ear, List<String> extraJvmOptions) throws IOException {
        if (running().isPresent()) {
            return false;
        }
        Path deployments = baseDir().resolve("deployments");
        Files.createDirectories(deployments);
        Path deployed = deployments.resolve("battery-ledger.ear");
        deploy(ear, deployed);
        java.util.Properties props = new org.batteryledger.node.directory.NodeDirectory(nodeDir).properties();
        // The class archive once it exists; while it is being trained it does not yet (it is written as a .partial file).
        StandaloneCommandBuilder command = commandBuilder(props, System.getProperties()).addJavaOptions(extraJvmOptions);
        ClassArchive.option(jbossHome, deployed).ifPresent(command::addJavaOption);
        Launcher launcher = Launcher.of(command)
                .addEnvironmentVariable("JBOSS_HOME", jbossHome.toString())
                // glibc's malloc keeps an arena per thread by default (8 x cores): two keep native memory from growing with them.
                .addEnvironmentVariable("MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2"))
                .setRedirectErrorStream(true)
                .setDirectory(nodeDir);
        String password = databasePassword(props, System.getProperties());
        if (password != null) {
            launcher.addEnvironmentVariable(DB_PASSWORD_ENV, password); // configure-node.cli: ${env.BATTERYLEDGER_DB_PASSWORD}
        }
        // What the JVM prints before logging starts: this start's and the previous one's, no more (logs are capped).
        Path console = logDir().resolve("console.log");
        Files.createDirectories(console.getParent());
        if (Files.exists(console)) {
            Files.move(console, logDir().resolve("console.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        launcher.redirectOutput(console);
        Process server = launcher.launch();
        Path tmp = pidFile().resolveSibling("server.pid.tmp");
        Files.writeString(tmp, Long.toString(server.pid()));
        Files.move(tmp, pidFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** standalone-ha.xml's JGroups TCP port before the port offset. */
    static final int JGROUPS_TCP_PORT = 7600;

    /**
     * Every memory pool bounded: heap, metaspace, and direct buffers (which default to the heap's size and held a second
     * 512 MB when a faulty peer sent 16 MiB frames): a node stays under 1 GB resident whatever peers send. And C1 only
     * ({@code -XX:TieredStopAtLevel=1}): four nodes on two cores spent a third to a half of their CPU in C2's compiler
     * threads for the first 20,000 transactions under load, and with C1 they committed more transactions per second
     * with less CPU each, started in 17 s instead of 26 s and held 90 MB less (BENCHMARKS.md, issue 16).
     * The heap is sized from the live set measured after a full GC: 107 MB once serving, 122 MB after 101,000 records,
     * 143 MB after 30,000 REST transactions; 512 MB leaves three times that, plus a faulty peer's share of queued frames
     * (24 MiB, and 16 MiB being assembled). It was 384 MB: under a record push G1 then marked the old generation almost
     * without pause, and 512 MB took 7–11% less CPU a record, measured side by side; at rest the node gives the heap back
     * either way ({@code HeapAtRest}: one node at rest after 101,000 records held 428 MB with 384 and 427 MB with 512;
     * BENCHMARKS.md, issue 16 goal 4). {@code jdk.nio.maxCachedBufferSize}: the JDK keeps, per thread, a direct
     * buffer as large as the largest heap-buffer write that thread made; H2's page writes left 33 MB of them on a node
     * that took 101,000 records in, 10 MB with the cap. The collector stays G1: the serial one measured 8-21% more
     * transactions a second at saturation and 60-120 MB less RSS, but its stop-the-world collections of the old
     * generation cost commit latency at half load, the part of goal 1 still missed (BENCHMARKS.md, issue 16).
     * {@code BATTERYLEDGER_JAVA_OPTS} replaces them; {@code BATTERYLEDGER_EXTRA_JAVA_OPTS} adds to them (or to the
     * replacement): a later option wins, so {@code -XX:TieredStopAtLevel=4} there brings C2 back ({@link #javaOptions}):
     * the choice for a node on cores of its own that runs for weeks, since once warm (about 100,000 transactions) it
     * committed a quarter to a half more a second with a sixth to a third less CPU each, for a start 5 s longer and
     * 110-140 MB more at rest.
     */
    static final String DEFAULT_JAVA_OPTS = "-Xms128m -Xmx512m -XX:MaxMetaspaceSize=256m -XX:MaxDirectMemorySize=128m -XX:ReservedCodeCacheSize=96m"
            + " -Djdk.nio.maxCachedBufferSize=131072 -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true";

    /**
     * The JVM options from the environment: {@code BATTERYLEDGER_JAVA_OPTS} (or the defaults) and then
     * {@code BATTERYLEDGER_EXTRA_JAVA_OPTS}.
     */
    static List<String> javaOptions(java.util.Map<String, String> env) {
        String all = env.getOrDefault("BATTERYLEDGER_JAVA_OPTS", DEFAULT_JAVA_OPTS) + " " + env.getOrDefault("BATTERYLEDGER_EXTRA_JAVA_OPTS", "");
        return all.isBlank() ? List.of() : List.of(all.strip().split("\\s+"));
    }

    /** The server's command line ({@link #commandBuilder}). */
    List<String> command(java.util.Properties props, java.util.Properties launcher) {
        return commandBuilder(props, launcher).build();
    }

    /**
     * The server's command line: never the database password, which goes into the environment ({@link #DB_PASSWORD_ENV})
     * where other users cannot read it (a command line is theirs to see with ps).
     *
     * @param props    the node's node.properties
     * @param launcher the launcher's system properties: its batteryledger.* settings reach every node
     */
    StandaloneCommandBuilder commandBuilder(java.util.Properties props, java.util.Properties launcher) {
        StandaloneCommandBuilder b = StandaloneCommandBuilder.of(jbossHome)
                .setBaseDirectory(baseDir())
                .setJavaOptions(javaOptions(System.getenv()));
        b.setLogDirectory(logDir());
        b.setBindAddressHint("127.0.0.1");
        b.setBindAddressHint("management", "127.0.0.1");
        List<String> properties = new ArrayList<>(List.of(
                "-Dbatteryledger.node.dir=" + nodeDir,
                "-Djboss.socket.binding.port-offset=" + portOffset,
                "-Djboss.node.name=" + serverName(),
                "-Djboss.tx.node.id=" + serverName()));
        if (clustered) {
            // standalone-ha.xml: the member's own JGroups cluster of its two servers (TCP, static discovery on their ports),
            // over which the read model is replicated (wildfly-config's configure-ha.cli).
            b.setServerConfiguration("standalone-ha.xml");
            int memberOffset = portOffset - MemberCluster.PORT_STEP * server;
            properties.add("-Dbatteryledger.jgroups.cluster=batteryledger-" + name);
            for (int s = 0; s < 2; s++) {
                properties.add("-Dbatteryledger.jgroups.port." + s + "=" + (JGROUPS_TCP_PORT + memberOffset + MemberCluster.PORT_STEP * s));
            }
            // The replica runs on the server holding the member's lease (NodeRuntime); each server has its own peer port.
            properties.add("-Dbatteryledger.server.name=" + serverName());
            // Where this server answers, for its member's other server to forward requests to while this one is active.
            properties.add("-Dbatteryledger.http.url=http://127.0.0.1:" + httpPort + "/ledger");
            properties.add("-Dbatteryledger.p2p.port=" + MemberCluster.p2pPort(Integer.parseInt(props.getProperty("p2p.port", "30300")), server));
        }
        // The node's database when it is not the default H2 file (node.properties db.*); its password: see above.
        for (String k : List.of("driver", "url", "user")) {
            String v = props.getProperty("db." + k);
            if (v != null) {
                properties.add("-Dbatteryledger.db." + k + "=" + v);
            }
        }
        // Node settings given to the launcher (batteryledger.log.rotate.size, batteryledger.db.url, ...) reach every node.
        launcher.stringPropertyNames().stream().filter(k -> k.startsWith("batteryledger.") && !k.equals(DB_PASSWORD_PROPERTY)).sorted()
                .forEach(k -> properties.add("-D" + k + "=" + launcher.getProperty(k)));
        b.addServerArguments(properties);
        return b;
    }

    /**
     * The database password: node.properties {@code db.password.file} (a rw------- file: the local PostgreSQL's), else
     * {@code db.password}, else the launcher's {@code batteryledger.db.password}; null when none is set (H2's default).
     */
    static String databasePassword(java.util.Properties props, java.util.Properties launcher) throws IOException {
        String file = props.getProperty("db.password.file");
        if (file != null) {
            return Files.readString(Path.of(file), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
        return props.getProperty("db.password", launcher.getProperty(DB_PASSWORD_PROPERTY));
    }

    /** Stops the server: a clean shutdown, then a kill after the timeout. */
    public boolean stop(long timeoutSeconds) {
        Optional<ProcessHandle> p = running();
        if (p.isEmpty()) {
            return false;
        }
        ProcessHandle h = p.get();
        h.destroy();
        try {
            h.onExit().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
        return true;
    }

    /** Kills the server at once, as a crash would (for fault drills). */
    public boolean kill() {
        Optional<ProcessHandle> p = running();
        p.ifPresent(ProcessHandle::destroyForcibly);
        return p.isPresent();
    }

    /** The member's name (node0); {@link #serverName} tells its servers apart. */
    public String name() {
        return name;
    }

    public int index() {
        return index;
    }
}
