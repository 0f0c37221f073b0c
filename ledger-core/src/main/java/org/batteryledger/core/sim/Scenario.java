package org.batteryledger.core.sim;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One simulated run, fully determined by its fields: the same scenario gives the same run, event for event.
 *
 * @param bandwidthBytesPerSec per-node link capacity (uplink and downlink each); nodes not listed get the default
 * @param txPerSecond          offered load, spread over the honest nodes that are up
 * @param loadMillis           how long clients submit transactions
 * @param faultMillis          faults (crashes, partitions, loss) happen before this and are healed at it
 * @param livenessMillis       after the load stops and faults heal, every accepted transaction must commit
 *                             within this much simulated time
 */
public record Scenario(long seed, int nodes, int byzantine, int crashes, String suite, Map<Integer, Long> bandwidthBytesPerSec,
                       long defaultBandwidthBytesPerSec, double lossRate, double duplicateRate, long jitterMicros,
                       boolean partition, double txPerSecond, long loadMillis, long faultMillis, long livenessMillis,
                       int maxBlockTxs) {

    public static final long FAST_LINK = 125_000_000L; // 1 Gbit/s
    public static final long SLOW_LINK = 250_000L;     // 2 Mbit/s

    public Scenario {
        bandwidthBytesPerSec = Map.copyOf(new TreeMap<>(bandwidthBytesPerSec));
        if (nodes < 1) {
            throw new IllegalArgumentException("at least one node");
        }
        if (byzantine + crashes > nodes) {
            throw new IllegalArgumentException("more faulty nodes than nodes");
        }
    }

    /**
     * A fault mix drawn from the seed: a clean network, a lossy one, partitions, crashes, Byzantine nodes, or
     * several at once. Byzantine and crash counts are given; the seed decides the rest.
     */
    public static Scenario randomMix(long seed, int nodes, int byzantine, int crashes, String suite) {
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
        int mix = r.nextInt(6);
        double loss = switch (mix) {
            case 1, 5 -> 0.01 + r.nextDouble() * 0.09;
            default -> 0.0;
        };
        double dup = (mix == 1 || mix == 5) ? r.nextDouble() * 0.05 : 0.0;
        long jitter = switch (mix) {
            case 2, 5 -> 5_000 + r.nextInt(45_000);
            default -> r.nextInt(2_000);
        };
        boolean partition = mix == 3 || mix == 5;
        return new Scenario(seed, nodes, byzantine, crashes, suite, Map.of(), FAST_LINK, loss, dup, jitter, partition,
                100, 3_000, 4_000, 60_000, 500);
    }

    /** A clean network and a steady load; faults come from the test's script ({@link Simulation#atMillis}). */
    public static Scenario scripted(long seed, int nodes, int byzantine) {
        return new Scenario(seed, nodes, byzantine, 0, SimSuite.ID, Map.of(), FAST_LINK, 0, 0, 1_000, false, 100, 6_000, 8_000, 60_000, 500);
    }

    /** The reference deployment's finding: 7 nodes, the given ones on 2 Mbit/s links, a steady load. */
    public static Scenario slowLinks(long seed, Map<Integer, Long> slow, double txPerSecond) {
        return new Scenario(seed, 7, 0, 0, SimSuite.ID, slow, FAST_LINK, 0, 0, 1_000, false, txPerSecond, 20_000, 0, 30_000, 500);
    }

    public Scenario withSuite(String s) {
        return new Scenario(seed, nodes, byzantine, crashes, s, bandwidthBytesPerSec, defaultBandwidthBytesPerSec, lossRate,
                duplicateRate, jitterMicros, partition, txPerSecond, loadMillis, faultMillis, livenessMillis, maxBlockTxs);
    }

    public Scenario withBandwidth(Map<Integer, Long> b) {
        return new Scenario(seed, nodes, byzantine, crashes, suite, b, defaultBandwidthBytesPerSec, lossRate,
                duplicateRate, jitterMicros, partition, txPerSecond, loadMillis, faultMillis, livenessMillis, maxBlockTxs);
    }

    public Scenario withLoad(double perSecond, long millis) {
        return new Scenario(seed, nodes, byzantine, crashes, suite, bandwidthBytesPerSec, defaultBandwidthBytesPerSec, lossRate,
                duplicateRate, jitterMicros, partition, perSecond, millis, faultMillis, livenessMillis, maxBlockTxs);
    }

    public long bandwidth(int node) {
        return bandwidthBytesPerSec.getOrDefault(node, defaultBandwidthBytesPerSec);
    }

    /** The command that replays this run. */
    public String replayCommand() {
        StringBuilder sb = new StringBuilder("./consortium simulate --nodes ").append(nodes).append(" --byzantine ").append(byzantine)
                .append(" --crash ").append(crashes).append(" --seed ").append(seed);
        if (!SimSuite.ID.equals(suite)) {
            sb.append(" --suite ").append(suite);
        }
        if (!bandwidthBytesPerSec.isEmpty()) {
            sb.append(" --slow ");
            String sep = "";
            for (Map.Entry<Integer, Long> e : bandwidthBytesPerSec.entrySet()) {
                sb.append(sep).append(e.getKey()).append('=').append(e.getValue() * 8 / 1000).append("kbit");
                sep = ",";
            }
        }
        return sb.toString();
    }
}
