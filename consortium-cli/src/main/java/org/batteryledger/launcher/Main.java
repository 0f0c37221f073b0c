package org.batteryledger.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.batteryledger.core.contract.Concentration;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The Java side of {@code ./consortium}: {@code init}, {@code up}, {@code status}, {@code down}, {@code stop NODE},
 * {@code start NODE}, {@code kill NODE}. Options: {@code --dir} (the consortium directory), {@code --nodes},
 * {@code --template} (the configured WildFly), {@code --ear}, {@code --suite}.
 */
public final class Main {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private static final long START_TIMEOUT_SECONDS = 600;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("a command is required");
        }
        String command = args[0];
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    usage(args[i] + " needs a value");
                }
                opts.put(args[i].substring(2), args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        Path dir = Path.of(opts.getOrDefault("dir", "consortium"));
        int code = switch (command) {
            case "init" -> {
                init(dir, nodes(opts), opts.getOrDefault("suite", "ecdsa-p256-sha256"), path(opts, "template"), ports(opts));
                yield 0;
            }
            case "up" -> up(dir, nodes(opts), opts.getOrDefault("suite", "ecdsa-p256-sha256"), path(opts, "template"), path(opts, "ear"), ports(opts),
                    opts.getOrDefault("db", "h2"), fleetOption(opts.getOrDefault("fleet", "42:1000:100")));
            case "status" -> status(dir);
            case "down" -> down(dir);
            case "stop", "start", "kill" -> one(command, dir, positional, opts);
            case "remove-node", "revoke" -> {
                if (positional.size() != 1) {
                    yield usage(command + " takes one node name");
                }
                yield Membership.change(command, dir, positional.get(0), jbossHomeOf(dir));
            }
            case "crl" -> Crls.publish(dir, jbossHomeOf(dir));
            case "rotate-signer" -> {
                if (positional.size() != 1) {
                    yield usage("rotate-signer takes one node name");
                }
                yield DocumentSigners.rotate(dir, positional.get(0));
            }
            case "revoke-signer" -> {
                if (positional.size() != 1) {
                    yield usage("revoke-signer takes one node name, and --reason R (" + org.batteryledger.core.pki.RevocationReason.labels()
                            + ") and --serial S if not its current signer");
                }
                yield SignerRevocation.revoke(dir, jbossHomeOf(dir), positional.get(0), opts.getOrDefault("reason", "unspecified"), opts.get("serial"));
            }
            case "slow" -> {
                if (positional.size() != 2) {
                    yield usage("slow takes a node name and a delay in milliseconds, or off");
                }
                yield slow(dir, positional.get(0), positional.get(1));
            }
            case "byzantine" -> {
                if (positional.size() < 2 || positional.size() > 3) {
                    yield usage("byzantine takes a node name, a mode (" + String.join("|", BYZANTINE_MODES) + ") or off, and seconds (60)");
                }
                yield byzantine(dir, positional.get(0), positional.get(1), positional.size() == 3 ? positional.get(2) : "60");
            }
            case "prepare-node" -> {
                AddNode.Prepared p;
                try {
                    p = AddNode.prepare(dir, opts.get("agency"), opts.get("name"), jbossHomeOf(dir));
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage());
                    yield 2;
                }
                System.out.println("prepared " + p.name() + " (node id " + p.nodeId().value() + ", peer address " + p.p2pAddress() + ")");
                System.out.println("its key stays in " + p.nodeDir().resolve("keystore") + "; its certificate signing request, "
                        + p.nodeDir().resolve("keystore/node.csr") + ":");
                System.out.print(p.csrPem());
                System.out.println("next: paste the CSR into the console's Add a node form (or run ./consortium sign-csr --agency "
                        + opts.get("agency") + " --name " + p.name() + "), then ./consortium start " + p.name());
                yield 0;
            }
            case "sign-csr" -> {
                if (opts.get("agency") == null || opts.get("name") == null) {
                    yield usage("sign-csr needs --agency A --name N");
                }
                try {
                    AddNode.signCsr(dir, opts.get("agency"), opts.get("name"));
                } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
                    System.err.println("cannot sign: " + e.getMessage());
                    yield 2;
                }
                Path cert = new NodeDirectory(dir.resolve("nodes").resolve(opts.get("name"))).nodeCertificateFile();
                System.out.println("the CA of " + opts.get("agency") + " signed the CSR of " + opts.get("name") + "; its certificate, " + cert + ":");
                System.out.print(Files.readString(cert));
                yield 0;
            }
            case "add-agency" -> {
                if (!opts.containsKey("name")) {
                    yield usage("add-agency needs --name N [--kind manufacturer|charging|recycler|auditor[,...]]");
                }
                yield AddAgency.run(dir, opts.get("name"), opts.get("kind"), jbossHomeOf(dir));
            }
            case "add-node" -> {
                if (!opts.containsKey("agency")) {
                    yield usage("add-node needs --agency");
                }
                yield AddNode.run(dir, opts.get("agency"), opts.get("name"), jbossHomeOf(dir), path(opts, "ear"));
            }
            case "kill-loop" -> killLoop(dir, path(opts, "ear"), opts);
            case "soak" -> {
                try {
                    yield Soak.run(Long.parseLong(opts.getOrDefault("from", Long.toString(Soak.DEFAULT_FIRST_SEED))),
                            Long.parseLong(opts.getOrDefault("seeds", "100000")),
                            Integer.parseInt(opts.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors())))) == 0 ? 0 : 1;
                } catch (NumberFormatException e) {
                    yield usage("soak takes --seeds S, --from SEED and --threads T as whole numbers");
                }
            }
            default -> usage("unknown command " + command);
        };
        if (code != 0) {
            System.exit(code); // only on failure: exec:java runs init inside Maven's own JVM
        }
    }

    /** The crash drill ({@link KillLoop}); its report goes to the console and to {@code kill-loop.log} in the consortium directory. */
    private static int killLoop(Path dir, Path ear, Map<String, String> opts) throws Exception {
        KillLoop.Options o;
        try {
            o = KillLoop.Options.of(Integer.parseInt(opts.getOrDefault("kills", "10")), Long.parseLong(opts.getOrDefault("seed", "1")));
            if (Boolean.parseBoolean(opts.getOrDefault("overlap", "false"))) {
                o = new KillLoop.Options(o.kills(), o.seed(), o.minPauseMillis(), o.maxPauseMillis(), o.pushEveryMillis(), o.settleWithin(), true);
            }
        } catch (NumberFormatException e) {
            return usage("kill-loop takes --kills N and --seed S as whole numbers");
        }
        KillLoop.Result r = KillLoop.of(dir, ear).run(o);
        String report = String.format(Locale.ROOT, "%s kill-loop --kills %d --seed %d%n", Instant.now(), o.kills(), o.seed()) + r.report();
        System.out.print(r.report());
        Files.writeString(dir.resolve("kill-loop.log"), report, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return r.passed() ? 0 : 1;
    }

    private static int usage(String problem) {
        System.err.println("consortium: " + problem);
        System.err.println("usage: init|up|status|down|stop NODE|start NODE|kill NODE|add-agency --name N [--kind K]|add-node --agency A [--name N]|prepare-node --agency A [--name N]|sign-csr --agency A --name N|slow NODE MILLIS|off|byzantine NODE MODE|off [SECONDS]|remove-node NODE|revoke NODE|rotate-signer NODE|revoke-signer NODE [--reason R] [--serial S]|crl|kill-loop [--kills N] [--seed S] [--overlap true]|soak [--seeds S] [--from SEED] [--threads T] [--dir DIR] [--nodes N] [--template JBOSS_HOME] [--ear EAR]"
                + " [--suite ecdsa-p256-sha256|sm2-sm3] [--db h2|postgres] [--port-shift MULTIPLE_OF_100]");
        System.exit(2);
        return 2;
    }

    private static int nodes(Map<String, String> opts) {
        int n = Integer.parseInt(opts.getOrDefault("nodes", "4"));
        if (n < 1 || n > 20) {
            usage("--nodes must be between 1 and 20");
        }
        return n;
    }

    private static Ports ports(Map<String, String> opts) {
        return new Ports(Integer.parseInt(opts.getOrDefault("port-shift", "0")));
    }

    private static Path path(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            usage("--" + name + " is required");
        }
        return Path.of(v);
    }

    /** Creates the consortium once (an existing one is kept, whatever --nodes says) and each node's server base dir. */
    public static void init(Path dir, int nodes, String suiteId, Path jbossHome, Ports ports) throws IOException {
        SecureRandom random = new SecureRandom();
        if (!Files.exists(dir.resolve("ca/ca.crt"))) {
            new ConsortiumFactory(Suites.byId(suiteId), random, Instant.now()).create(dir, ConsortiumFactory.layout(nodes), Map.of(), ports);
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

    public static List<Path> nodeDirs(Path dir) throws IOException {
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

    public static NodeProcess process(Path jbossHome, Path node) throws IOException {
        Properties p = new NodeDirectory(node).properties();
        int index = Integer.parseInt(p.getProperty("index"));
        return new NodeProcess(jbossHome, node, p.getProperty("name"), index,
                Integer.parseInt(p.getProperty("port.offset", Integer.toString(Ports.DEFAULT.offset(index)))),
                Integer.parseInt(p.getProperty("http.port", Integer.toString(Ports.DEFAULT.http(index)))));
    }

    static Path jbossHomeOf(Path dir) throws IOException {
        Path f = dir.resolve("jboss-home");
        if (!Files.exists(f)) {
            throw new IOException("no " + f + ": run ./consortium up first");
        }
        return Path.of(Files.readString(f).trim());
    }

    /** {@code none} runs no partner simulators. */
    private static String fleetOption(String fleet) {
        return fleet.equals("none") ? null : fleet;
    }

    public static int up(Path dir, int nodes, String suite, Path jbossHome, Path ear, Ports ports) throws Exception {
        return up(dir, nodes, suite, jbossHome, ear, ports, "h2");
    }

    /** @param db {@code h2} (a file per node) or {@code postgres} (a private local server, a database per node) */
    public static int up(Path dir, int nodes, String suite, Path jbossHome, Path ear, Ports ports, String db) throws Exception {
        return up(dir, nodes, suite, jbossHome, ear, ports, db, null);
    }

    /**
     * @param fleet {@code SEED:BATTERIES:SESSIONS_PER_BATTERY} of the partner simulators the first node pulls from;
     *              null runs no simulators
     */
    public static int up(Path dir, int nodes, String suite, Path jbossHome, Path ear, Ports ports, String db, String fleet) throws Exception {
        if (!db.equals("h2") && !db.equals("postgres")) {
            return usage("--db is h2 or postgres, not " + db);
        }
        PartnerProcess.FleetSpec fleetSpec;
        try {
            fleetSpec = fleet == null ? null : PartnerProcess.FleetSpec.parse(fleet);
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        init(dir, nodes, suite, jbossHome, ports);
        if (fleetSpec != null) {
            PartnerProcess partners = new PartnerProcess(dir, ports);
            System.out.println((partners.start(fleetSpec) ? "started" : "already running:") + " partner simulators (fleet "
                    + fleetSpec.batteries() + " batteries x " + fleetSpec.sessionsPerBattery() + " sessions, seed " + fleetSpec.seed() + ")");
            partners.configure(nodeDirs(dir).get(0));
        }
        if (db.equals("postgres")) {
            PostgresCluster pg = new PostgresCluster(dir, ports);
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
        long t0 = System.nanoTime();
        List<Path> nodeDirs = nodeDirs(dir);
        for (Path node : nodeDirs) {
            NodeProcess p = process(jbossHome, node);
            System.out.println((p.start(ear) ? "starting " : "already running: ") + p.name() + " (http " + p.httpPort() + ")");
        }
        String admin = Users.loadOrCreate(dir.resolve("users.properties"), new SecureRandom()).get("admin");
        for (Path node : nodeDirs) {
            NodeProcess p = process(jbossHome, node);
            if (!waitUntilServing(p, admin)) {
                System.err.println(p.name() + " did not answer within " + START_TIMEOUT_SECONDS + " s: see " + node.resolve("log/server.log"));
                return 1;
            }
        }
        System.out.printf(Locale.ROOT, "%d nodes up in %.0f s%n%n", nodeDirs.size(), (System.nanoTime() - t0) / 1e9);
        status(dir);
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

    public static boolean waitUntilServing(NodeProcess p, String adminPassword) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + START_TIMEOUT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            // standalone.sh writes the pid file once Java runs: no pid for a minute means it never started.
            if (p.running().isEmpty() && System.nanoTime() - start > 60_000_000_000L) {
                return false;
            }
            if (get(p.httpPort(), "/chain", adminPassword) != null) {
                return true;
            }
            Thread.sleep(1_000);
        }
        return false;
    }

    /** GET on a node's API; null when it does not answer 200. */
    static String get(int httpPort, String path, String adminPassword) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ledger/api" + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8)))
                    .build();
            HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 ? resp.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public static int status(Path dir) throws IOException {
        List<Path> nodeDirs = nodeDirs(dir);
        if (nodeDirs.isEmpty()) {
            System.out.println("no consortium in " + dir + ": run ./consortium up");
            return 1;
        }
        Path jbossHome = jbossHomeOf(dir);
        String admin = Users.loadOrCreate(dir.resolve("users.properties"), new SecureRandom()).get("admin");
        String nodesJson = null;
        System.out.printf(Locale.ROOT, "%-8s %-9s %8s %6s %-10s%n", "node", "process", "height", "view", "primary");
        for (Path node : nodeDirs) {
            NodeProcess p = process(jbossHome, node);
            String chain = p.running().isPresent() ? get(p.httpPort(), "/chain", admin) : null;
            if (chain == null) {
                System.out.printf(Locale.ROOT, "%-8s %-9s %8s %6s %-10s%n", p.name(), p.running().isPresent() ? "starting" : "down", "-", "-", "-");
                continue;
            }
            JsonNode c = JSON.readTree(chain);
            System.out.printf(Locale.ROOT, "%-8s %-9s %8d %6d %-10s%n", p.name(), "up", c.path("height").asLong(), c.path("view").asInt(),
                    c.path("primary").asText().substring(0, 8));
            if (nodesJson == null) {
                nodesJson = get(p.httpPort(), "/nodes", admin);
            }
        }
        if (nodesJson != null) {
            System.out.println();
            System.out.printf(Locale.ROOT, "%-10s %-10s %-10s %-10s %4s %6s %-10s %-9s %s%n", "id", "name", "agency", "caHash", "idx",
                    "block", "role", "status", "participation");
            for (JsonNode n : JSON.readTree(nodesJson)) {
                String caHash = n.path("caHash").asText();
                System.out.printf(Locale.ROOT, "%-10s %-10s %-10s %-10s %4d %6d %-10s %-9s %.3f%n", n.path("id").asText().substring(0, 8),
                        n.path("name").asText(), n.path("agency").asText(), caHash.substring(0, Math.min(8, caHash.length())),
                        n.path("idx").asLong(), n.path("blockNumber").asLong(), n.path("role").asText(), n.path("status").asText(),
                        n.path("participation").asDouble());
            }
            List<String> warnings = concentrationWarnings(JSON.readTree(nodesJson));
            if (!warnings.isEmpty()) {
                System.out.println();
            }
            warnings.forEach(w -> System.out.println("WARNING: " + w));
        }
        return 0;
    }

    /**
     * The node list's validators (its consensus nodes) judged by ledger-core's {@link Concentration}: one line per agency
     * holding more validators than f, with the fix, and one when fewer than four agencies hold validators.
     */
    static List<String> concentrationWarnings(JsonNode nodes) {
        List<String> agencies = new ArrayList<>();
        for (JsonNode n : nodes) {
            if ("consensus".equals(n.path("role").asText())) {
                agencies.add(n.path("agency").asText());
            }
        }
        return Concentration.ofAgencies(agencies).warnings();
    }

    public static int down(Path dir) throws IOException, InterruptedException {
        Path jbossHome = jbossHomeOf(dir);
        List<Path> nodeDirs = nodeDirs(dir);
        for (Path node : nodeDirs) {
            NodeProcess p = process(jbossHome, node);
            System.out.println(p.stop(60) ? "stopped " + p.name() : p.name() + " was not running");
        }
        if (!nodeDirs.isEmpty()) {
            Properties first = new NodeDirectory(nodeDirs.get(0)).properties();
            int index = Integer.parseInt(first.getProperty("index", "0"));
            if (new PartnerProcess(dir, new Ports(Integer.parseInt(first.getProperty("port.offset", "0")) - 100 * index)).stop()) {
                System.out.println("stopped the partner simulators");
            }
        }
        if (Files.exists(dir.resolve("postgres/PG_VERSION")) && !nodeDirs.isEmpty()) {
            Properties first = new NodeDirectory(nodeDirs.get(0)).properties();
            int index = Integer.parseInt(first.getProperty("index", "0"));
            new PostgresCluster(dir, new Ports(Integer.parseInt(first.getProperty("port.offset", "0")) - 100 * index)).stop();
            System.out.println("stopped PostgreSQL");
        }
        return 0;
    }

    /**
     * {@code ./consortium slow NODE MILLIS|off}: a fault drill. The node holds every frame it sends to its peers for
     * MILLIS (p2p.delay.millis in its node.properties, re-read within 5 s), as a congested low-bandwidth link would,
     * so it drops out of the commit certificates and the console flags it sluggish.
     */
    public static int slow(Path dir, String name, String millis) throws IOException {
        NodeDirectory node = new NodeDirectory(dir.resolve("nodes").resolve(name));
        if (!Files.exists(node.propertiesFile())) {
            return usage("no node " + name + " in " + dir);
        }
        long delay;
        try {
            delay = millis.equals("off") ? 0 : Long.parseLong(millis);
        } catch (NumberFormatException e) {
            return usage("the delay is a number of milliseconds or off, not " + millis);
        }
        if (delay < 0 || delay > 60_000) {
            return usage("the delay is 0 to 60000 milliseconds, not " + delay);
        }
        node.setProperty("p2p.delay.millis", delay > 0 ? Long.toString(delay) : null);
        System.out.println(delay > 0 ? name + " holds every peer frame " + delay + " ms (within 5 s)" : name + " sends at once again (within 5 s)");
        return 0;
    }

    /** The modes of {@code ./consortium byzantine}, as the node's drill names them. */
    static final List<String> BYZANTINE_MODES = List.of("flood", "oversized", "future", "equivocate", "mute", "all");

    /**
     * {@code ./consortium byzantine NODE MODE|off [SECONDS]}: a fault drill. The node misbehaves toward its peers with
     * its own key for SECONDS (byzantine.mode and byzantine.until in its node.properties, read within a second): the
     * honest nodes must keep committing, within their memory bound, and flag it with the evidence in GET /nodes.
     */
    public static int byzantine(Path dir, String name, String mode, String seconds) throws IOException {
        NodeDirectory node = new NodeDirectory(dir.resolve("nodes").resolve(name));
        if (!Files.exists(node.propertiesFile())) {
            return usage("no node " + name + " in " + dir);
        }
        if (mode.equals("off")) {
            node.setProperty("byzantine.mode", null);
            node.setProperty("byzantine.until", null);
            System.out.println(name + " behaves again (within a second)");
            return 0;
        }
        if (!BYZANTINE_MODES.contains(mode)) {
            return usage("the mode is one of " + String.join(", ", BYZANTINE_MODES) + " or off, not " + mode);
        }
        long secs;
        try {
            secs = Long.parseLong(seconds);
        } catch (NumberFormatException e) {
            return usage("the duration is a number of seconds, not " + seconds);
        }
        if (secs < 1 || secs > 86_400) {
            return usage("the duration is 1 to 86400 seconds, not " + secs);
        }
        long until = System.currentTimeMillis() + secs * 1000;
        node.setProperty("byzantine.until", Long.toString(until));
        node.setProperty("byzantine.mode", mode);
        System.out.println(name + " misbehaves (" + mode + ") for " + secs + " s, until " + java.time.Instant.ofEpochMilli(until)
                + ": watch GET /nodes on the others (misbehaving, evidence)");
        return 0;
    }

    private static int one(String command, Path dir, List<String> positional, Map<String, String> opts) throws Exception {
        if (positional.size() != 1) {
            return usage(command + " takes one node name");
        }
        Path node = dir.resolve("nodes").resolve(positional.get(0));
        if (!Files.exists(node.resolve("data/node.properties"))) {
            return usage("no node " + positional.get(0) + " in " + dir);
        }
        Path jbossHome = jbossHomeOf(dir);
        NodeProcess p = process(jbossHome, node);
        switch (command) {
            case "stop" -> System.out.println(p.stop(60) ? "stopped " + p.name() : p.name() + " was not running");
            case "kill" -> System.out.println(p.kill() ? "killed " + p.name() : p.name() + " was not running");
            default -> {
                if (!Files.exists(new NodeDirectory(node).nodeCertificateFile())) {
                    System.err.println(p.name() + " has no certificate yet: its agency CA signs its CSR first (./consortium sign-csr)");
                    return 1;
                }
                Path ear = opts.containsKey("ear") ? Path.of(opts.get("ear")) : node.resolve("server/deployments/battery-ledger.ear");
                if (!p.start(ear)) {
                    System.out.println(p.name() + " is already running");
                    return 0;
                }
                String admin = Users.loadOrCreate(dir.resolve("users.properties"), new SecureRandom()).get("admin");
                if (!waitUntilServing(p, admin)) {
                    System.err.println(p.name() + " did not start: see " + node.resolve("log/server.log"));
                    return 1;
                }
                System.out.println("started " + p.name());
            }
        }
        return 0;
    }
}
