package org.batteryledger.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The commands that create the consortium and run its nodes' processes. */
final class NodeCommands {
    private NodeCommands() {
    }

    /** What {@code init} and {@code up} create: the layout, the suite, the server template and the ports. */
    static class Creation {
        @Option(names = "--nodes", paramLabel = "N", defaultValue = "4",
                description = "nodes of a new consortium, 1 to 20 (default ${DEFAULT-VALUE}; 7 gives agencies of 4, 2 and 1); an existing one is kept")
        int nodes;

        @Option(names = "--suite", paramLabel = "SUITE", defaultValue = "ecdsa-p256-sha256",
                description = "the signature suite of a new consortium: ecdsa-p256-sha256 or sm2-sm3 (default ${DEFAULT-VALUE})")
        String suite;

        @Option(names = "--template", paramLabel = "JBOSS_HOME", defaultValue = "${sys:consortium.template}",
                description = "the configured WildFly every node's server base directory is copied from (default: the build's, ${DEFAULT-VALUE})")
        Path template;

        @Option(names = "--port-shift", paramLabel = "SHIFT", defaultValue = "0",
                description = "added to every port (a multiple of 100), for a second consortium beside the first (default ${DEFAULT-VALUE})")
        int portShift;

        void check() {
            if (nodes < 1 || nodes > 20) {
                throw new IllegalArgumentException("--nodes must be between 1 and 20, not " + nodes);
            }
            if (template == null) {
                throw new IllegalArgumentException("--template is required (./consortium passes the build's WildFly)");
            }
        }

        Ports ports() {
            return new Ports(portShift);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Creates the chain CA, the agencies and the nodes if there are none, starts every node and waits until each serves. Idempotent.",
                    "Starts the partner simulators (an ERP over SOAP, a charging platform over REST) on port 8700; node0 pulls battery data from both."})
    static final class Up implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Mixin
        Main.EarOption ear;
        @Mixin
        Creation creation;

        @Option(names = "--db", paramLabel = "DB", defaultValue = "h2",
                description = "h2 (a file per node, the default) or postgres (a private PostgreSQL from Debian's package, a database per node)")
        String db;

        @Option(names = "--fleet", paramLabel = "SEED:BATTERIES:SESSIONS", defaultValue = "42:1000:100",
                description = "the partner simulators' fleet (default ${DEFAULT-VALUE}), or none to run no simulators")
        String fleet;

        @Option(names = "--ha", paramLabel = "NODE[,NODE...]|all",
                description = "these members run as a cluster of two servers sharing their PostgreSQL database (needs --db postgres): "
                        + "one runs the replica, the other takes over when it fails; server 1 of node i serves HTTP at 8080+100*i+50")
        String ha;

        @Override
        public Integer call() throws Exception {
            creation.check();
            if (ha != null && !db.equals("postgres")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--ha needs --db postgres: a member's two servers share its database");
            }
            return at.consortium().up(creation.nodes, creation.suite, creation.template, ear.ear, creation.ports(), db,
                    fleet.equals("none") ? null : fleet, ha);
        }
    }

    @Command(name = "init", hidden = true, mixinStandardHelpOptions = true,
            description = "Creates the consortium and the server base directories without starting anything (the build's one-node IT consortium).")
    static final class Init implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Mixin
        Creation creation;

        @Override
        public Integer call() throws Exception {
            creation.check();
            at.consortium().init(creation.nodes, creation.suite, creation.template, creation.ports());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The node list with each node's process, height, view and primary, and a warning per agency holding more validators than f.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Main.DirOption at;

        @Override
        public Integer call() throws Exception {
            return at.consortium().status();
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stops every node, the partner simulators and PostgreSQL; the data stays in the consortium directory.")
    static final class Down implements Callable<Integer> {
        @Mixin
        Main.DirOption at;

        @Override
        public Integer call() throws Exception {
            return at.consortium().down();
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops one node cleanly (a kill after 60 s), for fault drills.")
    static final class Stop extends Main.OnNode {
        @Override
        int on(Consortium consortium) throws Exception {
            boolean any = false;
            for (NodeProcess p : consortium.servers(node)) {
                any |= p.stop(60);
            }
            System.out.println(any ? "stopped " + node : node + " was not running");
            return 0;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts one node and waits until it serves; it catches up with the chain.")
    static final class Start extends Main.OnNode {
        @Mixin
        Main.EarOption ear;

        @Override
        int on(Consortium consortium) throws Exception {
            return consortium.start(node, ear.ear) ? 0 : 1;
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true,
            description = "Kills one node with SIGKILL, as a crash would: a clustered member's active server, or NODE/1 a given server.")
    static final class Kill implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Parameters(index = "0", paramLabel = "NODE[/SERVER]", description = "the node, e.g. node2, or one server of a clustered member, e.g. node0/1")
        String node;

        @Override
        public Integer call() throws Exception {
            NodeProcess p = at.consortium().server(node);
            System.out.println(p.kill() ? "killed " + p.serverName() : p.serverName() + " was not running");
            return 0;
        }
    }
}
