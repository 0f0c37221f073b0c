package org.batteryledger.node.drill;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.runtime.NodeRuntime;

import java.io.IOException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A fault drill, like {@code ./consortium slow}: {@code ./consortium byzantine NODE MODE [SECONDS]} sets
 * {@code byzantine.mode} and {@code byzantine.until} (epoch millis) in the node's node.properties, read every second,
 * and while they hold this node misbehaves toward its peers with its own key, as a faulty member would:
 * {@code flood}, {@code oversized}, {@code future}, {@code equivocate}, {@code mute}, or {@code all} (rotating every
 * 5 s). The honest nodes must keep committing within their memory bound and flag this one, with the evidence.
 * {@code fault.store.fail=true} makes the node's next persist fail, as a full disk would: its replica must stop.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ByzantineDrill {
    private static final Logger LOG = Logger.getLogger(ByzantineDrill.class.getName());
    static final long ROTATE_MILLIS = 5_000;

    @EJB
    private NodeRuntime runtime;
    @EJB
    private Background scheduler;
    @Resource
    private ManagedThreadFactory threadFactory;
    private Background.Periodic reload;
    private volatile DrillMode mode;
    private volatile long until;
    private Thread sender;
    private Misbehaviour misbehaviour;

    @PostConstruct
    void start() {
        reload = scheduler.scheduleWithFixedDelay(this::read, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (reload != null) {
            reload.stop();
        }
        end("the node stops");
    }

    private synchronized void read() {
        try {
            Properties p = runtime.directory().properties();
            runtime.injectStoreFailure(Boolean.parseBoolean(p.getProperty("fault.store.fail", "false").trim()));
            String name = p.getProperty("byzantine.mode", "").trim();
            long end = Long.parseLong(p.getProperty("byzantine.until", "0").trim());
            if (name.isEmpty() || System.currentTimeMillis() >= end) {
                end(name.isEmpty() ? "switched off" : "its time is up");
                return;
            }
            DrillMode m = DrillMode.valueOf(name.toUpperCase(Locale.ROOT));
            if (mode == null) {
                begin(m, end);
            } else {
                mode = m;
                until = end;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the byzantine drill settings", e);
        }
    }

    private void begin(DrillMode m, long end) {
        mode = m;
        until = end;
        misbehaviour = new Misbehaviour(runtime.network(), runtime.signer(), runtime.suite(), runtime.genesis().chainId(runtime.suite()),
                runtime::committedHeight, runtime.nodeId());
        runtime.outboundFilter(this::filter);
        sender = threadFactory.newThread(this::sendLoop);
        sender.setName("byzantine-drill");
        sender.start();
        LOG.warning(() -> "BYZANTINE DRILL: this node misbehaves (" + m.name().toLowerCase(Locale.ROOT) + ") until "
                + java.time.Instant.ofEpochMilli(end));
    }

    private synchronized void end(String why) {
        if (mode == null) {
            return;
        }
        mode = null;
        runtime.outboundFilter(null);
        if (sender != null) {
            sender.interrupt();
        }
        Misbehaviour m = misbehaviour;
        LOG.warning(() -> "BYZANTINE DRILL over (" + why + "): sent " + m.framesSent() + " frames, " + m.bytesSent() + " bytes of misbehaviour");
    }

    /** The mode now: {@code all} rotates through the others. */
    private DrillMode current() {
        DrillMode m = mode;
        if (m != DrillMode.ALL) {
            return m;
        }
        DrillMode[] modes = {DrillMode.FLOOD, DrillMode.OVERSIZED, DrillMode.FUTURE, DrillMode.EQUIVOCATE, DrillMode.MUTE};
        return modes[(int) (System.currentTimeMillis() / ROTATE_MILLIS % modes.length)];
    }

    /** The replica's own messages on their way out: kept, changed or withheld. */
    private boolean filter(NodeId to, org.batteryledger.core.pbft.PbftMessage m, int index) {
        DrillMode now = current();
        if (now == null) {
            return true;
        }
        return switch (now) {
            case MUTE -> misbehaviour.withhold(m);
            case EQUIVOCATE -> !misbehaviour.equivocate(to, m, index);
            default -> true;
        };
    }

    /** Junk at the rate the links take it, for the modes that send of their own accord. */
    private void sendLoop() {
        while (mode != null && !Thread.currentThread().isInterrupted()) {
            DrillMode now = current();
            boolean sent = switch (now == null ? DrillMode.MUTE : now) {
                case FLOOD -> misbehaviour.flood();
                case OVERSIZED -> misbehaviour.oversized();
                case FUTURE -> misbehaviour.future();
                default -> false;
            };
            if (!sent) {
                // Nothing writable (the peers read no faster) or nothing to send in this mode: yield the core a moment.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            if (System.currentTimeMillis() >= until) {
                end("its time is up");
            }
        }
    }

    /** The drill's modes, as {@code ./consortium byzantine} names them. */
    public enum DrillMode { FLOOD, OVERSIZED, FUTURE, EQUIVOCATE, MUTE, ALL }
}
