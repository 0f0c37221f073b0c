package org.batteryledger.node.runtime;

/**
 * What the server log says of committed blocks: a line for a block at most once a second, which also counts the blocks
 * committed since the line before. A line per block was three quarters of a busy node's log: at ten blocks a second its
 * capped log (five files of 10 MB) held nine hours, and start-up and error lines rotated away with it. A block after a
 * quiet second is always logged, so a server that commits again after a pause says so at once.
 * <p>
 * Used on the replica's loop thread only; the caller passes the time, so the rule is tested without a clock.
 */
final class CommitLog {
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private long lastLineNanos;
    private boolean logged;
    private long skippedBlocks;
    private long skippedTxs;
    private long firstSkipped;

    /** The line to log for this committed block, or null when it is only counted into the next one. */
    String committed(long height, int txs, String proposer, long view, int seals, long nowNanos) {
        if (logged && nowNanos - lastLineNanos < INTERVAL_NANOS) {
            if (skippedBlocks == 0) {
                firstSkipped = height;
            }
            skippedBlocks++;
            skippedTxs += txs;
            return null;
        }
        StringBuilder line = new StringBuilder("committed block ").append(height).append(" (").append(txs).append(" txs, proposed by ")
                .append(proposer).append(", certificate of view ").append(view).append(" with ").append(seals).append(" seals)");
        if (skippedBlocks > 0) {
            line.append("; ").append(skippedBlocks).append(skippedBlocks == 1 ? " block" : " blocks").append(" before it since the last line (")
                    .append(firstSkipped).append(skippedBlocks == 1 ? "" : "-" + (height - 1)).append(", ").append(skippedTxs).append(" txs)");
        }
        logged = true;
        lastLineNanos = nowNanos;
        skippedBlocks = 0;
        skippedTxs = 0;
        return line.toString();
    }
}
