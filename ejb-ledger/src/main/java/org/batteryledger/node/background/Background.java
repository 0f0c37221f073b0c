package org.batteryledger.node.background;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.enterprise.concurrent.ManagedThreadFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's periodic work (anchoring cycles, the fleet table, lots, samplers, reloads), on a few threads of the
 * server's {@link ManagedThreadFactory}: the deployment's context, without the server's managed scheduler. That
 * scheduler refuses every run while the server is suspended on its way down and logs each refusal as an error with its
 * stack trace, so a clean stop of a node left one or two in its log. Here a run is skipped without a word while the
 * server is not running normally (its running state: starting, suspending, suspended, stopping), so no new work starts on the
 * way down, and a bean's {@code @PreDestroy} stops its task ({@link Periodic#stop}), waiting for a run in progress: a
 * run then never outlives its bean. The beans that schedule here depend on this one, so it is destroyed after them.
 * <p>
 * A run that throws is logged and the task runs again at its next turn, as under the managed scheduler; a plain
 * {@link ScheduledExecutorService} would have ended the task without a word.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Background {
    private static final Logger LOG = Logger.getLogger(Background.class.getName());
    /** The periodic tasks, most of them short; a long one (a seal, a fleet cycle) holds one thread, not the others. */
    static final int THREADS = 4;
    /** How long a bean's stop waits for its task's run in progress: a seal of a batch takes seconds on a busy node. */
    static final long STOP_WAIT_SECONDS = 30;

    /**
     * WildFly's own MBean of the server's running state, registered on the platform MBean server itself. The same state
     * through the management model ({@code jboss.as:management-root=server}, {@code suspendState}) runs a management
     * operation at each read: about 0.7 ms under C1, half of the background threads' CPU at ten reads a second.
     */
    private static final String SERVER_STATE = "jboss.root:type=state";
    /** Its attribute: {@code normal} while the server takes work ({@code Process.RunningState}'s text). */
    private static final String RUNNING_STATE = "RunningState";

    @Resource
    private ManagedThreadFactory threadFactory;
    private ScheduledThreadPoolExecutor executor;
    private BooleanSupplier serverRunning;

    @PostConstruct
    void start() {
        AtomicInteger count = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = threadFactory.newThread(r);
            t.setName("background-" + count.incrementAndGet());
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        serverRunning = serverRunning(ManagementFactory.getPlatformMBeanServer());
    }

    /**
     * Whether the server takes new work: its running state is {@code normal} (not starting, suspending, suspended or
     * stopping). Where there is no such MBean (not a WildFly), always true: tasks then run as they are scheduled.
     */
    static BooleanSupplier serverRunning(MBeanServer mbeans) {
        ObjectName server;
        try {
            server = new ObjectName(SERVER_STATE);
            mbeans.getAttribute(server, RUNNING_STATE);
        } catch (JMException | RuntimeException e) {
            LOG.info(() -> "the server's running state cannot be read (" + e + "); periodic tasks run also while it is suspended");
            return () -> true;
        }
        return () -> {
            try {
                return "normal".equalsIgnoreCase(String.valueOf(mbeans.getAttribute(server, RUNNING_STATE)));
            } catch (JMException | RuntimeException e) {
                return true;
            }
        };
    }

    /** As {@link ScheduledExecutorService#scheduleWithFixedDelay}, except that a run that throws does not end the task. */
    public Periodic scheduleWithFixedDelay(Runnable task, long initialDelay, long delay, TimeUnit unit) {
        return Periodic.schedule(executor, task, serverRunning, initialDelay, delay, unit);
    }

    @PreDestroy
    void stop() {
        executor.shutdown(); // the beans have stopped their tasks; nothing here interrupts a run
    }

    /** A task scheduled here: {@link #stop} ends it. */
    public static final class Periodic {
        private final Runnable task;
        private final BooleanSupplier mayRun;
        private final ReentrantLock running = new ReentrantLock();
        private volatile boolean stopped;
        private volatile ScheduledFuture<?> future;

        private Periodic(Runnable task, BooleanSupplier mayRun) {
            this.task = task;
            this.mayRun = mayRun;
        }

        /** {@code task} every {@code delay} after its last run ended, each run only while {@code mayRun} says so. */
        static Periodic schedule(ScheduledExecutorService executor, Runnable task, BooleanSupplier mayRun, long initialDelay, long delay, TimeUnit unit) {
            Periodic p = new Periodic(task, mayRun);
            p.future = executor.scheduleWithFixedDelay(p::runOnce, initialDelay, delay, unit);
            return p;
        }

        private void runOnce() {
            running.lock();
            try {
                if (!stopped && mayRun.getAsBoolean()) {
                    task.run();
                }
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, e, () -> "a periodic task failed (it runs again at its next turn): " + task);
            } finally {
                running.unlock();
            }
        }

        /** No more runs; waits up to {@link #STOP_WAIT_SECONDS} for a run in progress to end. */
        public void stop() {
            stopped = true;
            future.cancel(false);
            try {
                if (running.tryLock(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    running.unlock();
                } else {
                    LOG.warning(() -> "a periodic task still runs after " + STOP_WAIT_SECONDS + " s; its bean stops anyway: " + task);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
