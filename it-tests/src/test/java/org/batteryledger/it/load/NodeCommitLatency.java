package org.batteryledger.it.load;

import org.batteryledger.launcher.client.NodeClient;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nodes' own commit latency histograms ({@code batteryledger_commit_latency_seconds}: from a transaction's 202 to
 * its block's commit on the node that took it), summed over the nodes between two readings. No polling: it shows what
 * the generator's commit watch cannot, latency without the watch's own load, but only to the bucket bounds.
 */
final class NodeCommitLatency {
    private static final Pattern BUCKET = Pattern.compile("^batteryledger_commit_latency_seconds_bucket\\{le=\"([^\"]+)\"} (\\d+)$", Pattern.MULTILINE);

    /** Bucket bounds (as the nodes print them, "+Inf" last) and the cumulative counts summed over the nodes. */
    record Reading(List<String> bounds, long[] cumulative) {
        /** The smallest bound that holds the quantile {@code q} of what was observed between {@code before} and this. */
        String quantileSince(Reading before, double q) {
            long total = cumulative[cumulative.length - 1] - before.cumulative[cumulative.length - 1];
            if (total == 0) {
                return "none";
            }
            for (int i = 0; i < cumulative.length; i++) {
                if (cumulative[i] - before.cumulative[i] >= q * total) {
                    return "≤ " + bounds.get(i) + " s";
                }
            }
            return "+Inf";
        }

        /** The share of what was observed since {@code before} within each bound up to 1 s: "≤ 0.05 s 41.0%, ...". */
        String sharesSince(Reading before) {
            long total = countSince(before);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < cumulative.length && total > 0; i++) {
                if (bounds.get(i).equals("+Inf") || Double.parseDouble(bounds.get(i)) > 1) {
                    break;
                }
                out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "≤ %s s %.1f%%", bounds.get(i),
                        100.0 * (cumulative[i] - before.cumulative[i]) / total));
            }
            return out.toString();
        }

        long countSince(Reading before) {
            return cumulative[cumulative.length - 1] - before.cumulative[cumulative.length - 1];
        }
    }

    private NodeCommitLatency() {
    }

    static Reading read(List<NodeClient> nodes) throws Exception {
        List<String> bounds = null;
        long[] sum = null;
        for (NodeClient node : nodes) {
            Matcher m = BUCKET.matcher(node.get("auditor", "/metrics").body());
            java.util.ArrayList<String> b = new java.util.ArrayList<>();
            java.util.ArrayList<Long> c = new java.util.ArrayList<>();
            while (m.find()) {
                b.add(m.group(1));
                c.add(Long.parseLong(m.group(2)));
            }
            if (sum == null) {
                bounds = b;
                sum = new long[c.size()];
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += c.get(i);
            }
        }
        return new Reading(bounds, sum);
    }

    static String describe(Reading before, Reading after) {
        return String.format(Locale.ROOT, "%d observed; median %s, p99 %s (%s)", after.countSince(before), after.quantileSince(before, 0.5),
                after.quantileSince(before, 0.99), after.sharesSince(before));
    }
}
