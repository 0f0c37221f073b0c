package org.batteryledger.core.sim;

import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.crypto.Hash;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run found: violations (empty when every checker held) and what was measured.
 *
 * @param participation  per node, the share of commit certificates that carry its seal, as the median other
 *                       honest node stores them: how much it takes part in consensus
 * @param heights        per node, the blocks it holds at the end
 * @param throughputTxPerSec committed transactions per simulated second while the load ran
 */
public record SimResult(Scenario scenario, List<String> violations, int committedBlocks, int committedTxs, int acceptedTxs,
                        double throughputTxPerSec, double[] participation, int[] heights, long viewChanges,
                        double medianLatencyMillis, double p99LatencyMillis, long messagesSent, long bytesSent, long simulatedMillis,
                        long droppedMessages, List<String> nodeDetails) {

    static SimResult of(Simulation sim, Scenario s, List<String> violations, Map<Hash, Long> submitted, Map<Hash, Long> latencies,
                        long messages, long bytes, long nowMicros) {
        int n = sim.nodes.size();
        double[] participation = new double[n];
        int[] heights = new int[n];
        long viewChanges = 0;
        long dropped = 0;
        SimNode reference = null;
        for (SimNode node : sim.nodes) {
            heights[node.index] = node.blocks.size();
            if (node.honest() && (reference == null || node.blocks.size() > reference.blocks.size())) {
                reference = node;
            }
            if (node.up()) {
                viewChanges += node.replica.metrics().viewChangesStarted();
                dropped += node.replica.metrics().droppedTotal();
            }
        }
        // Each honest node sees participation in the certificates it stores; report the median observer's view.
        for (SimNode x : sim.nodes) {
            List<Double> views = new ArrayList<>();
            for (SimNode y : sim.nodes) {
                if (y == x || !y.honest() || y.blocks.isEmpty()) {
                    continue;
                }
                long carried = 0;
                for (CommittedBlock b : y.blocks) {
                    if (b.certificate().signedBy(x.id)) {
                        carried++;
                    }
                }
                views.add((double) carried / y.blocks.size());
            }
            Collections.sort(views);
            participation[x.index] = views.isEmpty() ? 0 : views.get(views.size() / 2);
        }
        long windowStart = 1_000_000;
        long windowEnd = s.loadMillis() * 1000;
        long txsInWindow = 0;
        if (reference != null) {
            for (int i = 0; i < reference.blocks.size(); i++) {
                long t = reference.commitTimes.get(i);
                if (t >= windowStart && t < windowEnd) {
                    txsInWindow += reference.blocks.get(i).block().transactions().size();
                }
            }
        }
        double throughput = windowEnd > windowStart ? txsInWindow * 1e6 / (windowEnd - windowStart) : 0;
        List<Long> lat = new ArrayList<>(latencies.values());
        Collections.sort(lat);
        double median = lat.isEmpty() ? 0 : lat.get(lat.size() / 2) / 1000.0;
        double p99 = lat.isEmpty() ? 0 : lat.get(Math.min(lat.size() - 1, (int) Math.ceil(lat.size() * 0.99) - 1)) / 1000.0;
        List<String> details = new ArrayList<>();
        for (SimNode node : sim.nodes) {
            String role = node.honest() ? "honest" : "byzantine " + node.byzantine.behaviours();
            details.add(node.up()
                    ? String.format(Locale.ROOT, "node%d %s: height %d view %d primary node%d pool %d; dropped %s", node.index, role,
                    node.replica.height(), node.replica.view(), sim.node(node.replica.primary()).index, node.replica.poolSize(), node.replica.metrics().dropped())
                    : "node" + node.index + " " + role + ": down");
        }
        return new SimResult(s, List.copyOf(violations), sim.checker.canonicalHeight(), sim.checker.committedTxs().size(), submitted.size(),
                throughput, participation, heights, viewChanges, median, p99, messages, bytes, nowMicros / 1000, dropped, details);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    /** A multi-line report: one line per node, then the totals. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "seed %d: %d nodes (%d byzantine, %d crashing), suite %s%n", scenario.seed(), scenario.nodes(),
                scenario.byzantine(), scenario.crashes(), scenario.suite()));
        sb.append(String.format(Locale.ROOT, "  %-6s %-10s %8s %14s%n", "node", "link", "blocks", "participation"));
        for (int i = 0; i < heights.length; i++) {
            long bw = scenario.bandwidth(i);
            String link = bw >= 1_000_000 ? (bw * 8 / 1_000_000) + " Mbit/s" : (bw * 8 / 1000) + " kbit/s";
            sb.append(String.format(Locale.ROOT, "  node%-2d %-10s %8d %13.1f%%%n", i, link, heights[i], participation[i] * 100));
        }
        sb.append(String.format(Locale.ROOT, "  committed %d blocks, %d of %d accepted txs; %.1f tx/s; latency median %.0f ms, p99 %.0f ms; "
                        + "%d view changes; %d messages (%.1f MB); %d messages dropped (late, duplicate or invalid); %d ms simulated%n",
                committedBlocks, committedTxs, acceptedTxs, throughputTxPerSec, medianLatencyMillis, p99LatencyMillis, viewChanges,
                messagesSent, bytesSent / 1e6, droppedMessages, simulatedMillis));
        for (String v : violations) {
            sb.append("  VIOLATION ").append(v).append(System.lineSeparator());
        }
        if (!violations.isEmpty()) {
            for (String d : nodeDetails) {
                sb.append("    ").append(d).append(System.lineSeparator());
            }
            sb.append("  replay: ").append(scenario.replayCommand()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
