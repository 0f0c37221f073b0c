package org.batteryledger.node.availability;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.storage.LogCap;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Whether this node takes new writes: records pushed or pulled, transactions, valuations, lots. It looks at its store
 * every second: free space on the data directory's disk against the floor ({@code disk.floor.bytes} in node.properties,
 * re-read each time, 512m by default), and whether the ledger database answers. Below the floor or without a database a
 * write is refused whole with {@link Unavailable} (503 and a reason) before anything is stored; reads go on. Consensus
 * goes on below the floor (blocks are small, and the others need this node's votes): the floor keeps room for them and
 * for what was acknowledged. When the store refused what the replica decided, the replica is paused; once the database
 * answers the gate resumes it, so the node recovers by itself.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // looks from outside any transaction: a probe enlists nothing
public class WriteGate {
    private static final Logger LOG = Logger.getLogger(WriteGate.class.getName());
    /** Below this a node cannot promise to persist what it acknowledges, unless node.properties says otherwise. */
    public static final long DEFAULT_FLOOR_BYTES = 512L * 1024 * 1024;
    static final int PROBE_TIMEOUT_SECONDS = 2;
    /**
     * While the database is away it is asked again this often, not every second: each failed attempt costs the pool a
     * logged stack trace. It is also what callers are told to wait ({@link Unavailable#RETRY_AFTER_SECONDS}).
     */
    static final long PROBE_WHILE_DOWN_NANOS = Unavailable.RETRY_AFTER_SECONDS * 1_000_000_000L;

    @EJB
    private NodeRuntime runtime;
    @EJB
    private Background scheduler;
    @Resource(lookup = "java:jboss/datasources/LedgerDS")
    private DataSource ledgerDataSource;
    private Background.Periodic sampler;
    private volatile Look last = new Look(-1, DEFAULT_FLOOR_BYTES, null, null);
    /** The database's last refusal as the driver or pool put it: for the log only. */
    private volatile String databaseError;
    private long lastProbeNanos;
    /**
     * A replica resumed again within this long of its last resume (a persist that fails for a reason of its own, not
     * the store's availability, or a disk truly full) waits 2, 4, 8 ... 300 s before the next one rather than a second:
     * each round logs a stack trace. A resume after a longer pause starts over.
     */
    static final long QUICK_REPAUSE_NANOS = 60_000_000_000L;
    static final long MAX_RESUME_BACKOFF_NANOS = 300_000_000_000L;
    /** Owned by the sampler's thread. */
    private final Backoff resumes = new Backoff();

    /**
     * What the gate saw last.
     *
     * @param disk     why the disk takes no new writes, or null
     * @param database why the database takes none, or null
     */
    public record Look(long freeBytes, long floorBytes, String disk, String database) {
        /** The first reason to refuse a write, or null. */
        public String refusal() {
            return disk != null ? disk : database;
        }
    }

    @PostConstruct
    void start() {
        look();
        sampler = scheduler.scheduleWithFixedDelay(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (sampler != null) {
            sampler.stop();
        }
    }

    private void sample() {
        try {
            Look l = look();
            long nanos = System.nanoTime();
            // The database is what a resume needs; the disk floor only refuses new writes (consensus goes on below it).
            if (runtime.pauseReason() != null && l.database() == null && resumes.due(nanos) && runtime.resume()) {
                long wait = resumes.resumed(nanos);
                if (wait > 0) {
                    LOG.warning(() -> "the replica paused again within a minute of resuming; if it pauses again it resumes after "
                            + wait / 1_000_000_000L + " s at the earliest");
                }
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "the write gate could not look at the store: " + e.getMessage());
        }
    }

    /** Looks at the store now; says so in the log when a refusal starts or ends (not every second). */
    public synchronized Look look() {
        long floor = floorBytes();
        long free = freeBytes();
        String disk = free >= 0 && free < floor
                ? "the node's disk is at its floor: " + mib(free) + " free, the floor is " + mib(floor)
                + " (disk.floor.bytes); it takes new writes again when space is freed"
                : null;
        Look before = last;
        long nanos = System.nanoTime();
        String database;
        if (before.database() == null || nanos - lastProbeNanos >= PROBE_WHILE_DOWN_NANOS) {
            database = probeDatabase();
            lastProbeNanos = nanos;
        } else {
            database = before.database();
        }
        Look now = new Look(free, floor, disk, database);
        last = now;
        report("disk", before.disk(), disk);
        report("database", before.database(), database == null ? null : database + " (" + databaseError + ")");
        return now;
    }

    /** What the gate saw at its last look (at most a second old). */
    public Look last() {
        return last;
    }

    /**
     * Refuses a new write, whole, while the store cannot promise to keep it or the replica is paused.
     *
     * @throws Unavailable with the reason
     */
    public void admit() {
        String refusal = refusal();
        if (refusal != null) {
            throw new Unavailable("the node takes no new writes now: " + refusal);
        }
    }

    /** Why a new write would be refused now (the store at its last look, the replica paused, or this server a standby), or null. */
    public String refusal() {
        String refusal = last.refusal();
        if (refusal == null && runtime.pauseReason() != null) {
            refusal = "the replica is paused until its store takes writes again";
        }
        if (refusal == null && runtime.standby() != null) {
            refusal = runtime.standby() + " (writes go to the active server)"; // the member's writers run on one server
        }
        return refusal;
    }

    private long floorBytes() {
        try {
            String v = runtime.directory().properties().getProperty("disk.floor.bytes");
            return v == null || v.isBlank() ? DEFAULT_FLOOR_BYTES : LogCap.bytes(v);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_FLOOR_BYTES; // an unreadable setting keeps the default rather than opening the gate
        }
    }

    private long freeBytes() {
        try {
            return Files.getFileStore(runtime.directory().data()).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Null when a pooled connection answers; the pool validates it first, so a database that came back is seen. */
    private String probeDatabase() {
        String drill = runtime.storeFailureInjected() ? "the store fails by drill (fault.store.fail in node.properties)" : null;
        if (drill != null) {
            return drill;
        }
        try (Connection c = ledgerDataSource.getConnection()) {
            if (c.isValid(PROBE_TIMEOUT_SECONDS)) {
                return null;
            }
            databaseError = "the connection did not validate within " + PROBE_TIMEOUT_SECONDS + " s";
        } catch (SQLException | RuntimeException e) {
            databaseError = firstLine(e.getMessage()); // for the log: callers are told no more than that it does not answer
        }
        return "the ledger database does not answer; it takes new writes again when the database is back";
    }

    /** When the next resume may come: right away, unless resumes follow each other within a minute. */
    static final class Backoff {
        private boolean resumedBefore;
        private long lastNanos;
        private long waitNanos;

        boolean due(long nanos) {
            return !resumedBefore || nanos - (lastNanos + waitNanos) >= 0;
        }

        /** Notes a resume; returns how long the next one waits at least. */
        long resumed(long nanos) {
            waitNanos = resumedBefore && nanos - lastNanos < QUICK_REPAUSE_NANOS
                    ? Math.min(MAX_RESUME_BACKOFF_NANOS, Math.max(2_000_000_000L, 2 * waitNanos)) : 0;
            resumedBefore = true;
            lastNanos = nanos;
            return waitNanos;
        }
    }

    private static void report(String what, String before, String now) {
        if ((before == null) == (now == null)) {
            return; // a changing figure in an ongoing refusal is not news
        }
        if (now != null) {
            LOG.warning(() -> "WRITES REFUSED (" + what + "): " + now);
        } else {
            LOG.warning(() -> "writes taken again (" + what + " recovered)");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
