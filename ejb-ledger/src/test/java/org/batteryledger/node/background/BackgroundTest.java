package org.batteryledger.node.background;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundTest {
    @Test
    void aRunThatThrowsDoesNotEndItsTask() throws Exception {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            CountDownLatch third = new CountDownLatch(3);
            Background.Periodic task = Background.Periodic.schedule(executor, () -> {
                third.countDown();
                throw new IllegalStateException("a bug in a periodic task");
            }, () -> true, 0, 1, TimeUnit.MILLISECONDS);
            assertTrue(third.await(30, TimeUnit.SECONDS), "the task ran again after it threw");
            task.stop();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void stopWaitsForTheRunInProgressAndNoneStartsAfter() throws Exception {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2);
        try {
            CountDownLatch inRun = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean runEnded = new AtomicBoolean();
            AtomicInteger runs = new AtomicInteger();
            Background.Periodic task = Background.Periodic.schedule(executor, () -> {
                runs.incrementAndGet();
                inRun.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                runEnded.set(true);
            }, () -> true, 0, 1, TimeUnit.MILLISECONDS);
            assertTrue(inRun.await(30, TimeUnit.SECONDS));
            Thread stopper = new Thread(task::stop);
            stopper.start();
            // The stopper waits on the run; let the run end only once the stop has begun waiting.
            while (stopper.getState() != Thread.State.TIMED_WAITING && stopper.isAlive()) {
                Thread.onSpinWait();
            }
            release.countDown();
            stopper.join(30_000);
            assertTrue(runEnded.get(), "stop returned only after the run in progress ended");
            int after = runs.get();
            executor.shutdown();
            assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS));
            assertEquals(after, runs.get(), "no run started after the stop");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void noRunWhileTheServerIsNotRunning() throws Exception {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger asked = new AtomicInteger();
            CountDownLatch askedThrice = new CountDownLatch(3);
            Background.Periodic task = Background.Periodic.schedule(executor, runs::incrementAndGet, () -> {
                asked.incrementAndGet();
                askedThrice.countDown();
                return false; // suspended
            }, 0, 1, TimeUnit.MILLISECONDS);
            assertTrue(askedThrice.await(30, TimeUnit.SECONDS));
            task.stop();
            assertEquals(0, runs.get());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void theRunningStateIsReadWhereTheServerHasOne() throws Exception {
        javax.management.MBeanServer mbeans = javax.management.MBeanServerFactory.newMBeanServer();
        assertTrue(Background.serverRunning(mbeans).getAsBoolean(), "no such MBean: tasks run");
        ServerState state = new ServerState();
        mbeans.registerMBean(state, new javax.management.ObjectName("jboss.root:type=state"));
        java.util.function.BooleanSupplier running = Background.serverRunning(mbeans);
        assertTrue(running.getAsBoolean());
        for (RunningState s : RunningState.values()) {
            state.value = s;
            assertEquals(s == RunningState.NORMAL, running.getAsBoolean(), s.toString());
        }
    }

    /** WildFly's {@code Process.RunningState}, whose text is its name in lower case with dashes. */
    public enum RunningState {
        STOPPED, STARTING, PRE_SUSPEND, NORMAL, ADMIN_ONLY, SUSPENDING, SUSPENDED, STOPPING;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** As WildFly's {@code RunningStateJmxMBean}: a standard MBean, so the attribute is named after its getter. */
    public interface ServerStateMBean {
        RunningState getRunningState();
    }

    public static final class ServerState implements ServerStateMBean {
        volatile RunningState value = RunningState.NORMAL;

        @Override
        public RunningState getRunningState() {
            return value;
        }
    }
}
