package org.batteryledger.core.sim;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./consortium simulate}: runs seeded simulations and prints per-node participation and throughput. The
 * last line is {@code seeds=S violations=V committed=K} (K: transactions committed over all seeds); the exit
 * status is 1 when V > 0, 2 on a usage error.
 */
public final class SimulateMain {
    private SimulateMain() {
    }

    public static void main(String[] args) {
        int exit;
        try {
            exit = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("simulate: " + e.getMessage());
            System.err.println("usage: simulate [--nodes N] [--byzantine B] [--crash C] [--seeds S | --seed X] "
                    + "[--suite sim-keyed-hash|ecdsa-p256-sha256|sm2-sm3] [--slow NODE=BANDWIDTH,...] [--load TX_PER_SEC] [--millis LOAD_MS]");
            exit = 2;
        }
        System.exit(exit);
    }

    static int run(String[] args) {
        int nodes = 4;
        int byzantine = 0;
        int crashes = 0;
        int seeds = 100;
        Long single = null;
        String suite = SimSuite.ID;
        Map<Integer, Long> slow = new TreeMap<>();
        Double load = null;
        Long millis = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            i++;
            switch (a) {
                case "--nodes" -> nodes = positive(a, v);
                case "--byzantine" -> byzantine = nonNegative(a, v);
                case "--crash" -> crashes = nonNegative(a, v);
                case "--seeds" -> seeds = positive(a, v);
                case "--seed" -> single = Long.parseLong(v);
                case "--suite" -> suite = v;
                case "--slow" -> slow.putAll(parseSlow(v));
                case "--load" -> load = Double.parseDouble(v);
                case "--millis" -> millis = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
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
                System.out.print(r.report());
            }
        }
        if (count > 1) {
            System.out.printf(Locale.ROOT, "%d seeds of %d nodes (%d byzantine, %d crashing), suite %s%n", count, nodes, byzantine, crashes, suite);
            System.out.printf(Locale.ROOT, "  %-6s %-10s %14s%n", "node", "link", "participation");
            for (int i = 0; i < nodes; i++) {
                long bw = slow.getOrDefault(i, Scenario.FAST_LINK);
                String link = bw >= 1_000_000 ? (bw * 8 / 1_000_000) + " Mbit/s" : (bw * 8 / 1000) + " kbit/s";
                System.out.printf(Locale.ROOT, "  node%-2d %-10s %13.1f%%%n", i, link, participation[i] / count * 100);
            }
            System.out.printf(Locale.ROOT, "  mean throughput %.1f tx/s, %.1f view changes per seed%n", throughput / count, (double) viewChanges / count);
        }
        System.out.printf(Locale.ROOT, "seeds=%d violations=%d committed=%d%n", count, violations, committed);
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
    static Map<Integer, Long> parseSlow(String spec) {
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

    private static int positive(String name, String v) {
        int n = Integer.parseInt(v);
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    private static int nonNegative(String name, String v) {
        int n = Integer.parseInt(v);
        if (n < 0) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return n;
    }
}
