package org.batteryledger.core.sim;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./consortium simulate} (its command line is consortium-cli's): runs seeded simulations and prints per-node
 * participation and throughput. The last line is {@code seeds=S violations=V committed=K} (K: transactions committed
 * over all seeds).
 */
public final class SimulationSweep {
    private SimulationSweep() {
    }

    /**
     * What to simulate: {@code seed} non-null runs that one seed (and prints its report), else {@code seeds} seeds from 1.
     *
     * @param slow   node index to link bandwidth in bytes per second ({@link #parseSlow})
     * @param load   transactions per second, or null for the scenario's own
     * @param millis how long the load lasts, or null for the scenario's own
     */
    public record Spec(int nodes, int byzantine, int crashes, int seeds, Long seed, String suite, Map<Integer, Long> slow, Double load, Long millis) {
        public Spec {
            if (nodes < 1 || seeds < 1) {
                throw new IllegalArgumentException("--nodes and --seeds must be at least 1");
            }
            if (byzantine < 0 || crashes < 0) {
                throw new IllegalArgumentException("--byzantine and --crash must not be negative");
            }
            slow = Map.copyOf(slow);
        }
    }

    /** The default suite: the simulator's keyed hash, fast and deterministic. */
    public static final String DEFAULT_SUITE = SimSuite.ID;

    /** Runs the sweep, printing to {@code out}; returns 1 when a seed violated a safety or liveness property, else 0. */
    public static int run(Spec spec, PrintStream out) {
        int nodes = spec.nodes();
        int byzantine = spec.byzantine();
        int crashes = spec.crashes();
        String suite = spec.suite();
        Map<Integer, Long> slow = new TreeMap<>(spec.slow());
        Double load = spec.load();
        Long millis = spec.millis();
        Long single = spec.seed();
        int seeds = spec.seeds();
        if (byzantine + crashes > nodes) {
            throw new IllegalArgumentException("--byzantine plus --crash exceeds --nodes");
        }
        for (int idx : slow.keySet()) {
            if (idx < 0 || idx >= nodes) {
                throw new IllegalArgumentException("--slow names node " + idx + ", nodes are 0.." + (nodes - 1));
            }
        }
        long first = single != null ? single : 1;
        int count = single != null ? 1 : seeds;
        int violations = 0;
        long committed = 0;
        double throughput = 0;
        long viewChanges = 0;
        double[] participation = new double[nodes];
        for (long seed = first; seed < first + count; seed++) {
            Scenario s = scenario(seed, nodes, byzantine, crashes, suite, slow, load, millis);
            SimResult r = new Simulation(s).run();
            committed += r.committedTxs();
            throughput += r.throughputTxPerSec();
            viewChanges += r.viewChanges();
            for (int i = 0; i < nodes; i++) {
                participation[i] += r.participation()[i];
            }
            if (!r.ok()) {
                violations++;
            }
            if (!r.ok() || count == 1) {
                out.print(r.report());
            }
        }
        if (count > 1) {
            out.printf(Locale.ROOT, "%d seeds of %d nodes (%d byzantine, %d crashing), suite %s%n", count, nodes, byzantine, crashes, suite);
            out.printf(Locale.ROOT, "  %-6s %-10s %14s%n", "node", "link", "participation");
            for (int i = 0; i < nodes; i++) {
                long bw = slow.getOrDefault(i, Scenario.FAST_LINK);
                String link = bw >= 1_000_000 ? (bw * 8 / 1_000_000) + " Mbit/s" : (bw * 8 / 1000) + " kbit/s";
                out.printf(Locale.ROOT, "  node%-2d %-10s %13.1f%%%n", i, link, participation[i] / count * 100);
            }
            out.printf(Locale.ROOT, "  mean throughput %.1f tx/s, %.1f view changes per seed%n", throughput / count, (double) viewChanges / count);
        }
        out.printf(Locale.ROOT, "seeds=%d violations=%d committed=%d%n", count, violations, committed);
        return violations > 0 ? 1 : 0;
    }

    static Scenario scenario(long seed, int nodes, int byzantine, int crashes, String suite, Map<Integer, Long> slow, Double load, Long millis) {
        Scenario s;
        if (!slow.isEmpty()) {
            s = new Scenario(seed, nodes, byzantine, crashes, suite, slow, Scenario.FAST_LINK, 0, 0, 1_000, false, 100, 20_000,
                    crashes > 0 ? 10_000 : 0, 30_000, 500);
        } else {
            s = Scenario.randomMix(seed, nodes, byzantine, crashes, suite);
        }
        if (load != null || millis != null) {
            s = s.withLoad(load != null ? load : s.txPerSecond(), millis != null ? millis : s.loadMillis());
        }
        return s;
    }

    /** {@code 5=2mbit,6=512kbit} or bytes per second as a plain number. */
    public static Map<Integer, Long> parseSlow(String spec) {
        Map<Integer, Long> out = new TreeMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--slow takes NODE=BANDWIDTH pairs, e.g. 5=2mbit, not " + part);
            }
            String node = kv[0].trim().replaceFirst("^node", "");
            String bw = kv[1].trim().toLowerCase(Locale.ROOT).replace("/s", "").replace("ps", "it");
            long bitsPerSecond;
            if (bw.endsWith("mbit")) {
                bitsPerSecond = (long) (Double.parseDouble(bw.substring(0, bw.length() - 4)) * 1_000_000);
            } else if (bw.endsWith("kbit")) {
                bitsPerSecond = (long) (Double.parseDouble(bw.substring(0, bw.length() - 4)) * 1_000);
            } else if (bw.endsWith("gbit")) {
                bitsPerSecond = (long) (Double.parseDouble(bw.substring(0, bw.length() - 4)) * 1_000_000_000);
            } else {
                bitsPerSecond = Long.parseLong(bw) * 8;
            }
            if (bitsPerSecond < 8_000) {
                throw new IllegalArgumentException("bandwidth below 8 kbit/s is not simulated: " + kv[1]);
            }
            out.put(Integer.parseInt(node), bitsPerSecond / 8);
        }
        return out;
    }
}
