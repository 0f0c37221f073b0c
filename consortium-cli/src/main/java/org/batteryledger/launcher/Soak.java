package org.batteryledger.launcher;

import org.batteryledger.core.sim.Scenario;
import org.batteryledger.core.sim.SimResult;
import org.batteryledger.core.sim.SimSuite;
import org.batteryledger.core.sim.Simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./consortium soak}: the simulation soak, many seeds over every fault mix of the build's sweep
 * ({@code SimulationSeedsTest}: 4 and 7 nodes; none, Byzantine, crashing and mixed faults; each seed draws its own
 * loss, partitions and Byzantine behaviours), with real signatures on every 20th seed. Seed s runs mix s mod 7, so
 * any stretch of seeds covers the mixes evenly. Seeds run side by side, one per thread: a seed's run depends on its
 * number alone, so threads change the time, never the result (the simulator itself stays single-threaded and pure).
 * Prints each failing seed's replay command and ends with {@code seeds=S violations=V seconds=T}.
 */
final class Soak {
    /** nodes, Byzantine, crashing: the build's rows. */
    static final int[][] MIXES = {{4, 0, 0}, {4, 1, 0}, {4, 0, 1}, {7, 0, 0}, {7, 2, 0}, {7, 0, 2}, {7, 1, 1}};
    /** Far from the build's seeds (1,000-7,120), so the soak explores new ones. */
    static final long DEFAULT_FIRST_SEED = 1_000_000;

    private Soak() {
    }

    static String suiteOf(long seed) {
        return seed % 20 == 0 ? (seed % 40 == 0 ? "sm2-sm3" : "ecdsa-p256-sha256") : SimSuite.ID;
    }

    static Scenario scenario(long seed) {
        int[] m = MIXES[(int) Math.floorMod(seed, (long) MIXES.length)];
        return Scenario.randomMix(seed, m[0], m[1], m[2], suiteOf(seed));
    }

    /** The command that replays one seed alone. */
    static String replay(long seed) {
        int[] m = MIXES[(int) Math.floorMod(seed, (long) MIXES.length)];
        return String.format(Locale.ROOT, "./consortium simulate --nodes %d --byzantine %d --crash %d --suite %s --seed %d", m[0], m[1], m[2],
                suiteOf(seed), seed);
    }

    /** Runs {@code seeds} seeds from {@code first} on {@code threads} threads; returns the number of violating seeds. */
    public static long run(long first, long seeds, int threads) throws Exception {
        long t0 = System.nanoTime();
        AtomicLong next = new AtomicLong(first);
        AtomicLong done = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        long end = first + seeds;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (long seed = next.getAndIncrement(); seed < end; seed = next.getAndIncrement()) {
                        SimResult r = new Simulation(scenario(seed)).run();
                        committed.addAndGet(r.committedTxs());
                        if (!r.ok()) {
                            violations.incrementAndGet();
                            synchronized (Soak.class) {
                                System.out.print(r.report());
                                System.out.println("replay: " + replay(seed));
                            }
                        }
                        long n = done.incrementAndGet();
                        if (n % 5_000 == 0) {
                            System.out.printf(Locale.ROOT, "%d of %d seeds, %d violations, %.0f s%n", n, seeds, violations.get(), (System.nanoTime() - t0) / 1e9);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        if (committed.get() == 0) {
            System.out.println("the load committed nothing: the checkers checked nothing");
            violations.incrementAndGet();
        }
        System.out.printf(Locale.ROOT, "seeds=%d violations=%d seconds=%.0f first=%d committed=%d%n", seeds, violations.get(),
                (System.nanoTime() - t0) / 1e9, first, committed.get());
        return violations.get();
    }
}
