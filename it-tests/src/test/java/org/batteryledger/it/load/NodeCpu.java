package org.batteryledger.it.load;

import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.NodeProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU time the node JVMs of a local consortium used, read from {@code /proc/<pid>/stat} (user plus system time,
 * all threads): what a load generator divides by the transactions it committed. Linux only; the node processes are
 * the launcher's ({@link NodeProcess#running}: the pid file holds the server's JVM).
 */
public final class NodeCpu {
    /** USER_HZ: the unit of utime and stime. 100 on every Linux the project runs on ({@code getconf CLK_TCK}). */
    private static final long TICKS_PER_SECOND = 100;
    private final List<Long> pids;

    private NodeCpu(List<Long> pids) {
        this.pids = pids;
    }

    /** The JVMs of nodes node0 … node{n-1} of the consortium in {@code dir}; fails when one is not running. */
    static NodeCpu of(Path dir, int nodes) throws IOException {
        Consortium consortium = Consortium.at(dir);
        List<Long> pids = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            String name = "node" + n;
            pids.add(consortium.node(name).running().map(ProcessHandle::pid)
                    .orElseThrow(() -> new IllegalStateException(name + " is not running")));
        }
        return new NodeCpu(pids);
    }

    /** CPU seconds used so far by every node, summed. */
    double seconds() {
        double sum = 0;
        for (double s : secondsEach()) {
            sum += s;
        }
        return sum;
    }

    /** CPU seconds used so far by each node, in node order. */
    double[] secondsEach() {
        double[] out = new double[pids.size()];
        for (int i = 0; i < out.length; i++) {
            long pid = pids.get(i);
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // Fields after the command (in parentheses, which may hold spaces): state is field 3, utime 14, stime 15.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out[i] = (double) (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
            } catch (IOException e) {
                throw new UncheckedIOException("node process " + pid + " is gone", e);
            }
        }
        return out;
    }

    /** CPU seconds a second the nodes use over the next {@code seconds} with no load from the caller (it waits meanwhile). */
    double idlePerSecond(long seconds) {
        double cpu0 = seconds();
        long t0 = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(seconds * 1_000_000_000L);
        return (seconds() - cpu0) / ((System.nanoTime() - t0) / 1e9);
    }

    /** Median, p99 and max of durations in nanoseconds, in milliseconds; "none" for none. */
    static String percentiles(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return "none";
        }
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return String.format(java.util.Locale.ROOT, "median %.1f ms, p99 %.1f ms, max %.1f ms", sorted.get(sorted.size() / 2) / 1e6,
                sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * 0.99)) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
    }

    /** The resident set of each node, in MB, in node order. */
    List<Long> rssMegabytes() throws IOException {
        List<Long> out = new ArrayList<>();
        for (long pid : pids) {
            out.add(residentBytes(pid) >> 20);
        }
        return out;
    }

    /** A process's resident set ({@code VmRSS} in {@code /proc/<pid>/status}), in bytes. */
    public static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }
}
