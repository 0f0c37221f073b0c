package org.batteryledger.launcher;

import org.batteryledger.core.sim.SimulationSweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** The fault drills on a running consortium, and the simulator's runs. */
final class DrillCommands {
    private DrillCommands() {
    }

    @Command(name = "slow", mixinStandardHelpOptions = true,
            description = "Fault drill: the node holds every peer frame MILLIS ms (a congested link); the console shows it sluggish with its round trip.")
    static final class Slow extends Main.OnNode {
        @Parameters(index = "1", paramLabel = "MILLIS|off", description = "the delay, 0 to 60000 ms, or off")
        String delay;

        @Override
        int on(Consortium consortium) throws Exception {
            long millis;
            try {
                millis = delay.equals("off") ? 0 : Long.parseLong(delay);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the delay is a number of milliseconds or off, not " + delay);
            }
            consortium.slow(node, millis);
            return 0;
        }
    }

    @Command(name = "byzantine", mixinStandardHelpOptions = true,
            description = {"Fault drill: the node misbehaves toward its peers with its own key for SECONDS; the others keep committing and flag it.",
                    "Modes: flood (junk transactions and votes at line rate),",
                    "oversized (frames at and over the 16 MiB limit), future (signed votes for far heights and views), equivocate (two blocks or votes for one slot),",
                    "mute (silent), all (rotating every 5 s). GET /nodes and the console show it misbehaving, with the evidence."})
    static final class Byzantine extends Main.OnNode {
        @Parameters(index = "1", paramLabel = "MODE|off", description = "flood, oversized, future, equivocate, mute, all, or off")
        String mode;
        @Parameters(index = "2", paramLabel = "SECONDS", defaultValue = "60", arity = "0..1", description = "how long, 1 to 86400 (default ${DEFAULT-VALUE})")
        long seconds;

        @Override
        int on(Consortium consortium) throws Exception {
            consortium.byzantine(node, mode, seconds);
            return 0;
        }
    }

    @Command(name = "kill-loop", mixinStandardHelpOptions = true,
            description = {"Crash drill: kills seeded random nodes with SIGKILL under intake, then checks that nothing acknowledged was lost.",
                    "A node is killed every few seconds while node0 pulls and a pusher sends records over REST to every node; each restarts at once.",
                    "Then checks that every acknowledged record is held once, anchored and verifies,",
                    "each record is in exactly one batch, the nodes hold one chain and no vote was contradicted. Prints kills=... violations=V",
                    "(exit 1 if V > 0) and appends it to kill-loop.log in the consortium directory."})
    static final class KillLoopCommand implements Callable<Integer> {
        @Mixin
        Main.DirOption at;
        @Mixin
        Main.EarOption ear;
        @Option(names = "--kills", paramLabel = "N", defaultValue = "10", description = "how many kills (default ${DEFAULT-VALUE})")
        int kills;
        @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "the seed of victims, pauses and records (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--overlap", description = "do not wait until a victim serves before the next kill: several nodes may be down at once")
        boolean overlap;

        @Override
        public Integer call() throws Exception {
            if (kills < 1) {
                throw new IllegalArgumentException("--kills must be at least 1");
            }
            KillLoop.Options o = KillLoop.Options.of(kills, seed);
            if (overlap) {
                o = new KillLoop.Options(o.kills(), o.seed(), o.minPauseMillis(), o.maxPauseMillis(), o.pushEveryMillis(), o.settleWithin(), true);
            }
            KillLoop.Result r = at.consortium().killLoop(ear.ear, o);
            System.out.print(r.report());
            String entry = String.format(Locale.ROOT, "%s kill-loop --kills %d --seed %d%n", Instant.now(), o.kills(), o.seed()) + r.report();
            Files.writeString(at.dir.resolve("kill-loop.log"), entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return r.passed() ? 0 : 1;
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"Simulation soak: many seeds over every fault mix of the build's sweep, one thread per core.",
                    "The mixes: 4 and 7 nodes; Byzantine, crashing, lossy, partitioned. Prints each failing seed's replay command and",
                    "seeds=S violations=V seconds=T."})
    static final class SoakCommand implements Callable<Integer> {
        @Option(names = "--seeds", paramLabel = "S", defaultValue = "100000", description = "how many seeds (default ${DEFAULT-VALUE})")
        long seeds;
        @Option(names = "--from", paramLabel = "SEED", defaultValue = "" + Soak.DEFAULT_FIRST_SEED, description = "the first seed (default ${DEFAULT-VALUE})")
        long from;
        @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: one per core)")
        Integer threads;

        @Override
        public Integer call() throws Exception {
            if (seeds < 1 || (threads != null && threads < 1)) {
                throw new IllegalArgumentException("--seeds and --threads must be at least 1");
            }
            return Soak.run(from, seeds, threads != null ? threads : Runtime.getRuntime().availableProcessors()) == 0 ? 0 : 1;
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = {"The deterministic PBFT simulator: seeded runs with per-node participation and throughput; no server is started.",
                    "The last line is seeds=S violations=V committed=K (exit 1 if V > 0)."})
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--nodes", paramLabel = "N", defaultValue = "4", description = "nodes (default ${DEFAULT-VALUE})")
        int nodes;
        @Option(names = "--byzantine", paramLabel = "B", defaultValue = "0", description = "Byzantine nodes (default ${DEFAULT-VALUE})")
        int byzantine;
        @Option(names = "--crash", paramLabel = "C", defaultValue = "0", description = "crashing nodes (default ${DEFAULT-VALUE})")
        int crashes;
        @Option(names = "--seeds", paramLabel = "S", defaultValue = "100", description = "seeds 1..S (default ${DEFAULT-VALUE})")
        int seeds;
        @Option(names = "--seed", paramLabel = "X", description = "one seed only, with its full report")
        Long seed;
        @Option(names = "--suite", paramLabel = "SUITE", defaultValue = SimulationSweep.DEFAULT_SUITE,
                description = "sim-keyed-hash, ecdsa-p256-sha256 or sm2-sm3 (default ${DEFAULT-VALUE})")
        String suite;
        @Option(names = "--slow", paramLabel = "NODE=BANDWIDTH[,...]", description = "slow links, e.g. 5=2mbit,6=512kbit")
        String slow;
        @Option(names = "--load", paramLabel = "TX_PER_SEC", description = "offered load (default: the scenario's)")
        Double load;
        @Option(names = "--millis", paramLabel = "LOAD_MS", description = "how long the load lasts (default: the scenario's)")
        Long millis;

        @Override
        public Integer call() {
            Map<Integer, Long> links = slow == null ? Map.of() : SimulationSweep.parseSlow(slow);
            return SimulationSweep.run(new SimulationSweep.Spec(nodes, byzantine, crashes, seeds, seed, suite, links, load, millis), System.out);
        }
    }
}
