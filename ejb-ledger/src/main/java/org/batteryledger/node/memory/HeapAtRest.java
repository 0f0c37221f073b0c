package org.batteryledger.node.memory;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.runtime.NodeRuntime;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the heap back once the node is at rest. G1 returns memory only when a concurrent cycle ends with more than
 * {@code MaxHeapFreeRatio} of the heap free, 70% by default, and starts such a cycle on an idle JVM only with
 * {@code G1PeriodicGCInterval} set (JEP 346): a node kept its whole 384 MB heap after its first burst of work, with a
 * live set of 130-160 MB. A ratio of 20% all the time brought a node at rest down to about 1.25 times its live set, but
 * made a record push a quarter slower (a small heap shrunk again at every cycle under load). So the node sets the
 * ratios only while it is at rest, and G1's own defaults come back as soon as it is busy: every
 * {@value #SAMPLE_SECONDS} s it counts the collections of the last {@value #WINDOW_SECONDS} s ({@link Rest}); at most
 * {@value #REST_COLLECTIONS} (the periodic cycle, and one from an idle node's trickle of work) is rest.
 * <p>
 * Entering rest, it also runs one full collection. A concurrent cycle shrinks the heap only to what is still in use
 * after marking, and the old regions a burst of work filled with garbage are emptied by mixed collections, which an
 * idle node hardly runs: the records' holder kept its whole heap for more than five minutes after a push in two runs of
 * three. A full collection compacts the heap and sizes it by the ratios just set, at once; the node is at rest, so its
 * pause (BENCHMARKS.md) delays no work that was waiting. The collection is the node's own: it does not count as work.
 * At most one in {@value #FULL_COLLECTION_SECONDS} s: a rest that comes again sooner keeps the ratios only.
 * <p>
 * The three options are manageable, so they are set through the JVM's diagnostic MBean; any of them an operator set
 * on the command line (origin other than the JVM's default) is left alone, and so is a JVM without G1.
 * <p>
 * On unless {@code node.properties} say {@code heap.at.rest=false}. A record push after a rest cost node0 a quarter
 * more CPU in three runs against an earlier EAR as the control, but no more than without it in pairs with the same
 * EAR. BENCHMARKS.md, "A node's heap after load".
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
public class HeapAtRest {
    private static final Logger LOG = Logger.getLogger(HeapAtRest.class.getName());
    /** Often enough that a burst of work finds G1's own ratios back within a few collections. */
    static final int SAMPLE_SECONDS = 2;
    static final int WINDOW_SECONDS = 60;
    static final int REST_COLLECTIONS = 2;
    /**
     * At most one full collection in this long: a node whose steady trickle of work sits at the edge of rest would
     * otherwise come to rest, and pay a full collection, every few window lengths (the smaller heap collects more often).
     */
    static final int FULL_COLLECTION_SECONDS = 600;
    /** A periodic concurrent cycle after this long without a collection. */
    static final String PERIODIC_MILLIS = "60000";
    static final String REST_MIN_FREE = "10";
    static final String REST_MAX_FREE = "20";

    @EJB
    private NodeRuntime runtime;
    @EJB
    private Background scheduler;
    private Background.Periodic sampling;
    private final Rest rest = new Rest(WINDOW_SECONDS / SAMPLE_SECONDS, REST_COLLECTIONS, FULL_COLLECTION_SECONDS / SAMPLE_SECONDS);
    private MBeanServer server;
    private ObjectName hotspot;
    private String busyMinFree;
    private String busyMaxFree;
    private boolean atRest;

    @PostConstruct
    void start() {
        try {
            if (!Boolean.parseBoolean(runtime.directory().properties().getProperty("heap.at.rest", "true").trim())) {
                return;
            }
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "the heap is not given back at rest: node.properties cannot be read", e);
            return;
        }
        try {
            server = ManagementFactory.getPlatformMBeanServer();
            hotspot = new ObjectName("com.sun.management:type=HotSpotDiagnostic");
            if (!"true".equals(option("UseG1GC").get("value"))) {
                LOG.info("the heap is not given back at rest: this JVM does not run G1");
                return;
            }
            CompositeData minFree = option("MinHeapFreeRatio");
            CompositeData maxFree = option("MaxHeapFreeRatio");
            if (!isDefault(minFree) || !isDefault(maxFree)) {
                LOG.info("the heap is not given back at rest: MinHeapFreeRatio or MaxHeapFreeRatio was set on the command line");
                return;
            }
            busyMinFree = (String) minFree.get("value");
            busyMaxFree = (String) maxFree.get("value");
            if (isDefault(option("G1PeriodicGCInterval"))) {
                set("G1PeriodicGCInterval", PERIODIC_MILLIS);
            }
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "the heap is not given back at rest: the JVM's diagnostic MBean is not usable here", e);
            return;
        }
        sampling = scheduler.scheduleWithFixedDelay(this::sample, SAMPLE_SECONDS, SAMPLE_SECONDS, TimeUnit.SECONDS);
        LOG.info(() -> "the heap goes back down at rest: free ratios " + REST_MIN_FREE + "/" + REST_MAX_FREE + " after " + WINDOW_SECONDS
                + " s with at most " + REST_COLLECTIONS + " collections, " + busyMinFree + "/" + busyMaxFree + " while busy");
    }

    @PreDestroy
    void stop() {
        if (sampling != null) {
            sampling.stop();
        }
    }

    /** The JVM's collections so far. */
    private static long collections() {
        long collections = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, gc.getCollectionCount());
        }
        return collections;
    }

    private void sample() {
        boolean nowAtRest = rest.sample(collections());
        if (nowAtRest == atRest) {
            return;
        }
        try {
            // MinHeapFreeRatio may never exceed MaxHeapFreeRatio: the JVM refuses the option that would make it so.
            if (nowAtRest) {
                set("MinHeapFreeRatio", REST_MIN_FREE);
                set("MaxHeapFreeRatio", REST_MAX_FREE);
                if (rest.fullCollectionDue()) {
                    long before = collections();
                    long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
                    long started = System.nanoTime();
                    ManagementFactory.getMemoryMXBean().gc(); // a full collection: compacts, then sizes the heap by the ratios
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    rest.own(collections() - before);
                    long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
                    LOG.fine(() -> "at rest: one full collection in " + millis + " ms, heap " + (committed >> 20) + " MB -> " + (after >> 20) + " MB");
                }
            } else {
                set("MaxHeapFreeRatio", busyMaxFree);
                set("MinHeapFreeRatio", busyMinFree);
                LOG.fine("busy: G1 sizes the heap as it would");
            }
            atRest = nowAtRest;
        } catch (Exception e) {
            LOG.log(Level.WARNING, "cannot set the heap's free ratios; leaving them", e);
            stop();
        }
    }

    private CompositeData option(String name) throws Exception {
        return (CompositeData) server.invoke(hotspot, "getVMOption", new Object[]{name}, new String[]{String.class.getName()});
    }

    /** Whether the JVM chose the option's value itself: not on the command line, not set since. */
    private static boolean isDefault(CompositeData option) {
        return "DEFAULT".equals(String.valueOf(option.get("origin")));
    }

    private void set(String name, String value) throws Exception {
        server.invoke(hotspot, "setVMOption", new Object[]{name, value}, new String[]{String.class.getName(), String.class.getName()});
    }

    /**
     * Whether the JVM is at rest, from its cumulative collection count sampled at a fixed period: at most
     * {@code restCollections} collections over the last {@code window} samples. Busy until the window is full.
     */
    static final class Rest {
        private final int window;
        private final long restCollections;
        private final int samplesBetweenFull;
        private final Deque<Long> samples = new ArrayDeque<>();
        /** Collections the caller ran itself: not work, so not counted. */
        private long own;
        private long sampled;
        private long lastOwnAt;

        Rest(int window, long restCollections, int samplesBetweenFull) {
            if (window < 1 || restCollections < 0 || samplesBetweenFull < 0) {
                throw new IllegalArgumentException("window " + window + ", rest collections " + restCollections + ", between full " + samplesBetweenFull);
            }
            this.window = window;
            this.restCollections = restCollections;
            this.samplesBetweenFull = samplesBetweenFull;
            this.lastOwnAt = -samplesBetweenFull;
        }

        /** {@code collections} more of the count were the caller's own (the full collection on entering rest). */
        void own(long collections) {
            own += collections;
            lastOwnAt = sampled;
        }

        /** Whether a full collection of the caller's own is allowed now: none in the last {@code samplesBetweenFull} samples. */
        boolean fullCollectionDue() {
            return sampled - lastOwnAt >= samplesBetweenFull;
        }

        boolean sample(long collections) {
            sampled++;
            samples.addLast(collections - own);
            if (samples.size() > window + 1) {
                samples.removeFirst();
            }
            return samples.size() == window + 1 && samples.peekLast() - samples.peekFirst() <= restCollections;
        }
    }
}
