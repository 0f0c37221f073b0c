package org.batteryledger.it.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU time the node JVMs of a local consortium used, read from {@code /proc/<pid>/stat} (user plus system time,
 * all threads): what a load generator divides by the transactions it committed. Linux only; the node processes are
 * found by their {@code -Djboss.node.name=} option, as {@code pgrep -f} would.
 */
final class NodeCpu {
    /** USER_HZ: the unit of utime and stime. 100 on every Linux the project runs on ({@code getconf CLK_TCK}). */
    private static final long TICKS_PER_SECOND = 100;
    private final List<Long> pids;

    private NodeCpu(List<Long> pids) {
        this.pids = pids;
    }

    /** The JVMs of nodes node0 … node{n-1}; fails when one is not running. */
    static NodeCpu of(int nodes) {
        List<Long> pids = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String option = "-Djboss.node.name=node" + n;
            pids.add(ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(option)).orElse(false))
                    .map(ProcessHandle::pid).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no running JVM with " + option)));
        }
        return new NodeCpu(pids);
    }

    /** CPU seconds used so far by every node, summed. */
    double seconds() {
        long ticks = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // Fields after the command (in parentheses, which may hold spaces): state is field 3, utime 14, stime 15.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                throw new UncheckedIOException("node process " + pid + " is gone", e);
            }
        }
        return (double) ticks / TICKS_PER_SECOND;
    }

    /** The resident set of each node, in MB, in node order. */
    List<Long> rssMegabytes() {
        List<Long> out = new ArrayList<>();
        for (long pid : pids) {
            try {
                long kb = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                        .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
                out.add(kb / 1024);
            } catch (IOException e) {
                throw new UncheckedIOException("node process " + pid + " is gone", e);
            }
        }
        return out;
    }
}
