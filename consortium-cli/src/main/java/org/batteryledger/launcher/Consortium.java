package org.batteryledger.launcher;

import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.launcher.client.NodeClient;
import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A local consortium in its directory: what {@code ./consortium} does, as a Java API. The commands ({@link Main}) and
 * the system tests drive it through this class, {@link NodeProcess}, {@link Ports} and {@link NodeClient}; the rest of
 * the launcher is its own business. Usage errors (an unknown node, a bad value) are {@link IllegalArgumentException}s.
 */
public final class Consortium {
    static final long START_TIMEOUT_SECONDS = 600;
    /** The modes of {@code ./consortium byzantine}, as the node's drill names them. */
    static final List<String> BYZANTINE_MODES = List.of("flood", "oversized", "future", "equivocate", "mute", "all");

    private final Path dir;

    private Consortium(Path dir) {
        this.dir = dir;
    }

    public static Consortium at(Path dir) {
        return new Consortium(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Creates the consortium once (an existing one is kept, whatever {@code nodes} says) and each node's server base dir. */
    public void init(int nodes, String suiteId, Path jbossHome, Ports ports) throws IOException {
        SecureRandom random = new SecureRandom();
        if (!Files.exists(dir.resolve("ca/ca.crt"))) {
            // A new chain bounds each agency's open proposals from its first block (chains from before the rule have no bound).
            Map<String, Long> params = Map.of(Params.MAX_OPEN_PROPOSALS_PER_AGENCY, Params.DEFAULT_MAX_OPEN_PROPOSALS_PER_AGENCY);
            new ConsortiumFactory(Suites.byId(suiteId), random, Instant.now()).create(dir, ConsortiumFactory.layout(nodes), params, ports);
            System.out.println("created a consortium of " + nodes + " nodes in " + dir);
        }
        Map<String, String> users = Users.loadOrCreate(dir.resolve("users.properties"), random);
        for (Path node : nodeDirs(dir)) {
            ServerBaseDir.prepare(jbossHome.resolve("standalone"), node.resolve("server"), users);
            // Also for a consortium made before nodes had document signers: it gets them at its next up.
            if (DocumentSigners.ensure(dir, new NodeDirectory(node))) {
                System.out.println("issued " + node.getFileName() + " a document signer (the key it signs valuation certificates with)");
            }
        }
    }

    /**
     * Creates what is missing and starts every node, then waits until each serves.
     *
     * @param db    {@code h2} (a file per node) or {@code postgres} (a private local server, a database per node)
     * @param fleet {@code SEED:BATTERIES:SESSIONS_PER_BATTERY} of the partner simulators the first node pulls from; null runs none
     * @return 0 when every node serves, 1 when one did not start
     */
    public int up(int nodes, String suite, Path jbossHome, Path ear, Ports ports, String db, String fleet) throws Exception {
        return up(nodes, suite, jbossHome, ear, ports, db, fleet, null);
    }

    /** As above; {@code ha} names the members that run as a cluster of two servers ({@link MemberCluster}), or null. */
    public int up(int nodes, String suite, Path jbossHome, Path ear, Ports ports, String db, String fleet, String ha) throws Exception {
        if (!db.equals("h2") && !db.equals("postgres")) {
            throw new IllegalArgumentException("--db is h2 or postgres, not " + db);
        }
        PartnerProcess.FleetSpec fleetSpec = fleet == null ? null : PartnerProcess.FleetSpec.parse(fleet);
        init(nodes, suite, jbossHome, ports);
        if (fleetSpec != null) {
            PartnerProcess partners = new PartnerProcess(dir, ports);
            System.out.println((partners.start(fleetSpec) ? "started" : "already running:") + " partner simulators (fleet "
                    + fleetSpec.batteries() + " batteries x " + fleetSpec.sessionsPerBattery() + " sessions, seed " + fleetSpec.seed() + ")");
            partners.configure(nodeDirs(dir).get(0));
        }
        if (db.equals("postgres")) {
            PostgresCluster pg = postgres(ports);
            List<String> names = new ArrayList<>();
            for (Path node : nodeDirs(dir)) {
                names.add(node.getFileName().toString());
            }
            pg.ensureRunning(names);
            for (Path node : nodeDirs(dir)) {
                pg.configure(new NodeDirectory(node), node.getFileName().toString());
            }
            System.out.println("PostgreSQL on 127.0.0.1:" + pg.port() + ", a database per node (data in " + dir.resolve("postgres")
                    + "; user " + PostgresCluster.USER + ", scram-sha-256, its password in " + pg.passwordFile() + ")");
        }
        Files.writeString(dir.resolve("jboss-home"), jbossHome.toAbsolutePath().toString());
        List<Path> nodeDirs = nodeDirs(dir);
        if (ha != null) {
            for (Path node : MemberCluster.named(ha, nodeDirs)) {
                if (!grow(node, nodeDirs, jbossHome, ear)) {
                    return 1;
                }
            }
        }
        boolean toStart = false;
        for (Path node : nodeDirs) {
            for (NodeProcess p : MemberCluster.servers(jbossHome, node)) {
                toStart |= p.running().isEmpty();
            }
        }
        if (toStart) {
            ClassArchive.ensure(jbossHome, ear); // only when a node will start: a running consortium's up trains nothing
        }
        long t0 = System.nanoTime();
        String admin = adminPassword();
        // Every member's first server, then the second servers of clustered members: a second server that starts with
        // its first one races it to create the schema in their shared database, and takes the lease as often as not.
        for (int s = 0; s < MemberCluster.SERVERS; s++) {
            List<NodeProcess> wave = new ArrayList<>();
            for (Path node : nodeDirs) {
                List<NodeProcess> servers = MemberCluster.servers(jbossHome, node);
                if (!Files.exists(new NodeDirectory(node).nodeCertificateFile())) {
                    if (s == 0) { // prepared (prepare-node), waiting for its agency CA's certificate
                        System.out.println("not starting " + node.getFileName() + ": it has no certificate yet (./consortium sign-csr)");
                    }
                } else if (s < servers.size()) {
                    wave.add(servers.get(s));
                }
            }
            for (NodeProcess p : wave) {
                System.out.println((p.start(ear) ? "starting " : "already running: ") + p.serverName() + " (http " + p.httpPort() + ")");
            }
            for (NodeProcess p : wave) {
                if (!waitUntilServing(p, admin)) {
                    System.err.println(p.serverName() + " did not answer within " + START_TIMEOUT_SECONDS + " s: see " + p.logDir().resolve("server.log"));
                    return 1;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d nodes up in %.0f s%n%n", nodeDirs.size(), (System.nanoTime() - t0) / 1e9);
        status();
        System.out.println();
        System.out.println("console:     http://127.0.0.1:" + ports.http(0) + "/ledger/console/   (log in as admin, auditor or recycler)");
        System.out.println("API:         http://127.0.0.1:" + ports.http(0) + "/ledger/api   (node i: port " + ports.http(0) + " + 100*i)");
        System.out.println("credentials: " + dir.resolve("users.properties").toAbsolutePath() + "  (one user per role: name=password)");
        System.out.println("logs:        " + dir.resolve("nodes/<name>/log").toAbsolutePath());
        if (fleetSpec != null) {
            PartnerProcess partners = new PartnerProcess(dir, ports);
            System.out.println("partners:    ERP (SOAP) " + partners.erpUrl() + "?wsdl, charging (REST) " + partners.chargingUrl()
                    + "/sessions; " + nodeDirs.get(0).getFileName() + " pulls from both");
        }
        return 0;
    }

    /** Prints the processes, the node list and the concentration warnings ({@link StatusReport}); 1 when there is no consortium. */
    public int status() throws IOException {
        return new StatusReport(this).print();
    }

    /** A clustered member's server as its health says: active (runs the replica), paused, standby, halted, or unknown. */
    static String role(NodeProcess p, String adminPassword) {
        com.fasterxml.jackson.databind.JsonNode h = NodeClient.of(p.httpPort(), "admin", adminPassword).withTimeout(java.time.Duration.ofSeconds(10))
                .getJsonOrNull("/health");
        return h == null || !h.hasNonNull("replica") ? "unknown" : h.get("replica").asText();
    }

    /** Stops every node, the partner simulators and the local PostgreSQL; the data stays. */
    public int down() throws IOException, InterruptedException {
        Path jbossHome = jbossHomeOf(dir);
        List<Path> nodeDirs = nodeDirs(dir);
        for (Path node : nodeDirs) {
            for (NodeProcess p : MemberCluster.servers(jbossHome, node)) {
                System.out.println(p.stop(60) ? "stopped " + p.serverName() : p.serverName() + " was not running");
            }
        }
        if (!nodeDirs.isEmpty()) {
            Ports ports = portsOf(nodeDirs.get(0));
            if (new PartnerProcess(dir, ports).stop()) {
                System.out.println("stopped the partner simulators");
            }
            if (Files.exists(dir.resolve("postgres/PG_VERSION"))) {
                postgres(ports).stop();
                System.out.println("stopped PostgreSQL");
            }
        }
        return 0;
    }

    /** The consortium's port layout, read back from a node's port offset and index. */
    private static Ports portsOf(Path nodeDir) throws IOException {
        Properties first = new NodeDirectory(nodeDir).properties();
        int index = Integer.parseInt(first.getProperty("index", "0"));
        return new Ports(Integer.parseInt(first.getProperty("port.offset", "0")) - 100 * index);
    }

    /** The consortium's private PostgreSQL (for {@code --db postgres}), at the ports' layout. */
    public PostgresCluster postgres(Ports ports) throws IOException {
        return new PostgresCluster(dir, ports);
    }

    /** One node's server process, from the WildFly the consortium runs on (recorded by {@link #up}). */
    public NodeProcess node(String name) throws IOException {
        return process(jbossHomeOf(dir), nodeDir(name));
    }

    /** The node's directory; an {@link IllegalArgumentException} when the consortium has no such node. */
    Path nodeDir(String name) {
        Path node = dir.resolve("nodes").resolve(name);
        if (!Files.exists(new NodeDirectory(node).propertiesFile())) {
            throw new IllegalArgumentException("no node " + name + " in " + dir);
        }
        return node;
    }

    /** Starts one node from the EAR (null: the one it last ran) and waits until it serves; false when it did not. */
    public boolean start(String name, Path ear) throws Exception {
        Path node = nodeDir(name);
        NodeProcess p = node(name);
        if (!Files.exists(new NodeDirectory(node).nodeCertificateFile())) {
            throw new IllegalArgumentException(name + " has no certificate yet: its agency CA signs its CSR first (./consortium sign-csr)");
        }
        boolean started = false;
        Path jbossHome = jbossHomeOf(dir);
        Path toRun = ear != null ? ear : node.resolve("server/deployments/battery-ledger.ear");
        List<NodeProcess> servers = MemberCluster.servers(jbossHome, node);
        if (servers.stream().anyMatch(s -> s.running().isEmpty())) {
            // As up does: a node started with another EAR (an upgrade, a benchmark's build) would otherwise run without
            // an archive, and a build compared with `start --ear` against one that has its archive looks slower than it is.
            ClassArchive.ensure(jbossHome, toRun);
        }
        for (NodeProcess s : servers) { // one after the other (see up)
            if (!s.start(toRun)) {
                System.out.println(s.serverName() + " is already running");
                continue;
            }
            started = true;
            if (!waitUntilServing(s, adminPassword())) {
                System.err.println(s.serverName() + " did not start: see " + s.logDir().resolve("server.log"));
                return false;
            }
        }
        if (started) {
            System.out.println("started " + name);
        }
        return true;
    }

    /**
     * {@code ./consortium slow NODE MILLIS|off}: a fault drill. The node holds every frame it sends to its peers for
     * MILLIS (p2p.delay.millis in its node.properties, re-read within 5 s), as a congested low-bandwidth link would,
     * so it drops out of the commit certificates and the console flags it sluggish. {@code delayMillis} 0 ends it.
     */
    public void slow(String name, long delayMillis) throws IOException {
        NodeDirectory node = new NodeDirectory(nodeDir(name));
        if (delayMillis < 0 || delayMillis > 60_000) {
            throw new IllegalArgumentException("the delay is 0 to 60000 milliseconds, not " + delayMillis);
        }
        node.setProperty("p2p.delay.millis", delayMillis > 0 ? Long.toString(delayMillis) : null);
        System.out.println(delayMillis > 0 ? name + " holds every peer frame " + delayMillis + " ms (within 5 s)"
                : name + " sends at once again (within 5 s)");
    }

    /**
     * {@code ./consortium byzantine NODE MODE|off [SECONDS]}: a fault drill. The node misbehaves toward its peers with
     * its own key for SECONDS (byzantine.mode and byzantine.until in its node.properties, read within a second): the
     * honest nodes must keep committing, within their memory bound, and flag it with the evidence in GET /nodes.
     */
    public void byzantine(String name, String mode, long seconds) throws IOException {
        NodeDirectory node = new NodeDirectory(nodeDir(name));
        if (mode.equals("off")) {
            node.setProperties(Map.of(), List.of("byzantine.mode", "byzantine.until"));
            System.out.println(name + " behaves again (within a second)");
            return;
        }
        if (!BYZANTINE_MODES.contains(mode)) {
            throw new IllegalArgumentException("the mode is one of " + String.join(", ", BYZANTINE_MODES) + " or off, not " + mode);
        }
        if (seconds < 1 || seconds > 86_400) {
            throw new IllegalArgumentException("the duration is 1 to 86400 seconds, not " + seconds);
        }
        long until = System.currentTimeMillis() + seconds * 1000;
        node.setProperties(Map.of("byzantine.until", Long.toString(until), "byzantine.mode", mode), List.of());
        System.out.println(name + " misbehaves (" + mode + ") for " + seconds + " s, until " + Instant.ofEpochMilli(until)
                + ": watch GET /nodes on the others (misbehaving, evidence)");
    }

    /** {@code ./consortium prepare-node}: the new node's key, CSR and directory ({@link AddNode#prepare}). */
    public PreparedNode prepareNode(String agency, String name) throws Exception {
        return AddNode.prepare(dir, agency, name, jbossHomeOf(dir));
    }

    /** {@code ./consortium sign-csr}: the agency CA signs a prepared node's CSR. */
    public void signCsr(String agency, String name) throws Exception {
        AddNode.signCsr(dir, agency, name);
    }

    /** {@code ./consortium add-node}: prints the seconds until the new node signed a commit certificate; 0 on success. */
    public int addNode(String agency, String name, Path ear) throws Exception {
        return AddNode.run(dir, agency, name, jbossHomeOf(dir), ear);
    }

    /** {@code ./consortium rotate-signer}: a new document signer for the node; 0 on success. */
    public int rotateSigner(String name) throws IOException {
        return DocumentSigners.rotate(dir, name);
    }

    /** {@code ./consortium crl}, reading the revocations from the node serving HTTP on {@code port}; 0 on success. */
    public int publishCrls(int port) throws Exception {
        return Crls.publish(dir, port);
    }

    /** The crash drill ({@link KillLoop}) with the EAR the killed nodes restart from. */
    public KillLoop.Result killLoop(Path ear, KillLoop.Options options) throws Exception {
        return KillLoop.of(dir, ear).run(options);
    }

    /** The consortium's users (one per role, name to password), created with the consortium. */
    public Map<String, String> users() throws IOException {
        return Users.loadOrCreate(dir.resolve("users.properties"), new SecureRandom());
    }

    String adminPassword() throws IOException {
        return users().get("admin");
    }

    /** Waits (10 minutes at most) until the node answers {@code GET /chain}; false when it did not or its process died. */
    public static boolean waitUntilServing(NodeProcess p, String adminPassword) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + START_TIMEOUT_SECONDS * 1_000_000_000L;
        NodeClient client = NodeClient.of(p.httpPort(), "admin", adminPassword).withTimeout(java.time.Duration.ofSeconds(10));
        while (System.nanoTime() < deadline) {
            // The process id is known once Java runs: no process for a minute means it never started.
            if (p.running().isEmpty() && System.nanoTime() - start > 60_000_000_000L) {
                return false;
            }
            if (client.getJsonOrNull("/chain") != null) {
                return true;
            }
            Thread.sleep(1_000);
        }
        return false;
    }

    static List<Path> nodeDirs(Path dir) throws IOException {
        Path nodes = dir.resolve("nodes");
        if (!Files.isDirectory(nodes)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(nodes)) {
            return s.filter(p -> Files.exists(p.resolve("data/node.properties"))).sorted((a, b) -> Integer.compare(index(a), index(b))).toList();
        }
    }

    private static int index(Path node) {
        try {
            return Integer.parseInt(new NodeDirectory(node).properties().getProperty("index", "0"));
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * Starts the partner simulators with {@code fleet} ({@code SEED:BATTERIES:SESSIONS_PER_BATTERY}) unless they run, and
     * points the first node at them: it pulls from its next start on. What {@code up --fleet} does, for a consortium
     * that was started without.
     */
    public void partners(String fleet) throws Exception {
        List<Path> nodeDirs = nodeDirs(dir);
        PartnerProcess partners = new PartnerProcess(dir, portsOf(nodeDirs.get(0)));
        partners.start(PartnerProcess.FleetSpec.parse(fleet));
        partners.configure(nodeDirs.get(0));
    }

    /**
     * Makes the members {@code ha} names ({@code node0,node2} or {@code all}) clusters of two servers on a running
     * consortium and starts their second servers; true when each serves. What {@code up --ha} does to an existing one.
     */
    public boolean cluster(String ha, Path ear) throws Exception {
        Path jbossHome = jbossHomeOf(dir);
        List<Path> nodeDirs = nodeDirs(dir);
        for (Path node : MemberCluster.named(ha, nodeDirs)) {
            if (!grow(node, nodeDirs, jbossHome, ear) || !startAndAwait(MemberCluster.servers(jbossHome, node).get(1), ear)) {
                return false;
            }
        }
        return true;
    }

    /** Starts a server unless it runs, and waits until it serves; false (and where to look) when it does not. */
    private boolean startAndAwait(NodeProcess p, Path ear) throws Exception {
        System.out.println((p.start(ear) ? "starting " : "already running: ") + p.serverName() + " (http " + p.httpPort() + ")");
        if (waitUntilServing(p, adminPassword())) {
            return true;
        }
        System.err.println(p.serverName() + " did not answer: see " + p.logDir().resolve("server.log"));
        return false;
    }

    /**
     * {@link MemberCluster#enable}, and when the member had one server that runs, a restart of it: it was started
     * without the lease (its store would stop it at its next persist once server 1 took the lease). The member is out of
     * consensus for the restart. False when it did not serve again.
     */
    private boolean grow(Path node, List<Path> nodeDirs, Path jbossHome, Path ear) throws Exception {
        if (!MemberCluster.enable(node, nodeDirs, jbossHome, users())) {
            return true;
        }
        NodeProcess first = MemberCluster.servers(jbossHome, node).get(0);
        if (first.running().isEmpty()) {
            return true;
        }
        System.out.println("restarting " + first.name() + " as " + first.serverName() + ", the first server of its cluster");
        first.stop(60);
        return startAndAwait(first, ear);
    }

    /** The node's first server (its only one unless it runs as a cluster). */
    static NodeProcess process(Path jbossHome, Path node) throws IOException {
        return MemberCluster.servers(jbossHome, node).get(0);
    }

    /** Every server of a node: one, or two for a clustered member. */
    public List<NodeProcess> servers(String name) throws IOException {
        return MemberCluster.servers(jbossHomeOf(dir), nodeDir(name));
    }

    /**
     * The server {@code spec} names: {@code node0/1} a given one, {@code node0} the member's active one (the one whose
     * health says {@code active}, or {@code paused}: the lease holder; its first server when none does, or for a member
     * of one server).
     */
    public NodeProcess server(String spec) throws IOException {
        int slash = spec.indexOf('/');
        List<NodeProcess> servers = servers(slash < 0 ? spec : spec.substring(0, slash));
        if (slash >= 0) {
            int s = Integer.parseInt(spec.substring(slash + 1));
            if (s < 0 || s >= servers.size()) {
                throw new IllegalArgumentException(spec.substring(0, slash) + " has no server " + s + " (it runs " + servers.size() + ")");
            }
            return servers.get(s);
        }
        if (servers.size() > 1) {
            String admin = adminPassword();
            for (NodeProcess p : servers) {
                String role = p.running().isPresent() ? role(p, admin) : "";
                if (role.equals("active") || role.equals("paused")) { // paused: it holds the lease still
                    return p;
                }
            }
        }
        return servers.get(0);
    }

    static Path jbossHomeOf(Path dir) throws IOException {
        Path f = dir.resolve("jboss-home");
        if (!Files.exists(f)) {
            throw new IllegalArgumentException("no " + f + ": run ./consortium up first");
        }
        return Path.of(Files.readString(f, StandardCharsets.UTF_8).trim());
    }
}
