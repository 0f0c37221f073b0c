package org.batteryledger.launcher;

import org.batteryledger.core.crypto.Suites;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Java side of {@code ./consortium}. {@code init --dir D --nodes N --template JBOSS_HOME [--suite S]} creates a
 * consortium once (idempotent: an existing one is kept) and a server base directory per node.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !args[0].equals("init")) {
            System.err.println("usage: init --dir DIR --nodes N --template JBOSS_HOME [--suite ecdsa-p256-sha256|sm2-sm3]");
            System.exit(2);
        }
        Path dir = null;
        Path template = null;
        int nodes = 4;
        String suite = "ecdsa-p256-sha256";
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
                case "--template" -> template = Path.of(args[i + 1]);
                case "--suite" -> suite = args[i + 1];
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (dir == null || template == null) {
            System.err.println("--dir and --template are required");
            System.exit(2);
        }
        init(dir, nodes, suite, template);
    }

    public static void init(Path dir, int nodes, String suiteId, Path jbossHome) throws IOException {
        SecureRandom random = new SecureRandom();
        List<ConsortiumFactory.NodeSpec> layout = ConsortiumFactory.layout(nodes);
        if (!Files.exists(dir.resolve("ca/ca.crt"))) {
            new ConsortiumFactory(Suites.byId(suiteId), random, Instant.now()).create(dir, layout, Map.of());
            System.out.println("created a consortium of " + nodes + " nodes in " + dir);
        }
        Map<String, String> users = Users.loadOrCreate(dir.resolve("users.properties"), random);
        for (ConsortiumFactory.NodeSpec n : layout) {
            ServerBaseDir.prepare(jbossHome.resolve("standalone"), dir.resolve("nodes").resolve(n.name()).resolve("server"), users);
        }
    }
}
