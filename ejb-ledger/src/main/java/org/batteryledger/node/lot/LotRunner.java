package org.batteryledger.node.lot;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.fleet.Assessed;
import org.batteryledger.node.fleet.FleetIndex;
import org.batteryledger.node.pacing.Pacing;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.valuation.CannotValue;
import org.batteryledger.node.valuation.ValuationService;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Values the batteries of running lots, {@link #PARALLEL} at a time (each waits for its registration's block, so the
 * ones in flight share blocks; each gathers from every holder within the holder's share of 20 queries a second per
 * asker), oldest lot first. An item is claimed as STARTED in the database before its valuation
 * begins; after a crash, the first cycle gives each STARTED item the certificate this node issued of its battery since
 * then, if there is one, and puts the others back in line: a lot resumes, and no battery in it is valued twice. An item
 * whose valuation the node could not finish because it stopped taking writes (its certificate may be signed and
 * stored already) is settled the same way once it takes them again.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class LotRunner {
    private static final Logger LOG = Logger.getLogger(LotRunner.class.getName());
    static final int PARALLEL = 8;

    @EJB
    private Background scheduler;
    @Resource
    private ManagedExecutorService executor;
    @EJB
    private LotStore store;
    @EJB
    private ValuationService valuations;
    @EJB
    private FleetIndex fleet;
    @EJB
    private WriteGate gate;

    private final AtomicInteger inFlight = new AtomicInteger();
    /** Items interrupted by a refusal to write, still STARTED: settled as after a crash once writes are taken again. */
    private final java.util.Queue<LotItemEntity> interrupted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean recovered;
    private Background.Periodic cycle;
    /** Quiet while no item waits: a lot made here, or an item put back in line, tells it. */
    private final Pacing pacing = new Pacing(Pacing.DEFAULT_QUIET_LOOK_MILLIS);

    @PostConstruct
    void start() {
        // Recovery waits for blocks (a registration signed before a crash is submitted): never in a startup callback.
        cycle = scheduler.scheduleWithFixedDelay(this::cycle, 1_000, 500, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (cycle != null) {
            cycle.stop();
        }
    }

    /** A lot was made (committed): the next cycle claims its items. */
    @jakarta.ejb.TransactionAttribute(jakarta.ejb.TransactionAttributeType.NOT_SUPPORTED)
    public void lotMade() {
        pacing.told();
    }

    private void cycle() {
        if (gate.refusal() != null) {
            pacing.told(); // and the first cycle after looks (a standby that took over: lots made by the other server)
            return; // items wait in line while the store takes no writes: a certificate could not be kept
        }
        if (!pacing.lookNow(System.nanoTime())) {
            return;
        }
        try {
            if (!recovered) {
                recover();
                recovered = true;
            }
            for (int n = interrupted.size(); n > 0; n--) {
                LotItemEntity item = interrupted.poll();
                try {
                    settle(item);
                } catch (RuntimeException e) {
                    interrupted.add(item); // the next cycle tries again; a restart's recovery would settle it too
                    throw e;
                }
            }
            int free = PARALLEL - inFlight.get();
            if (free <= 0) {
                return; // not quiet: a slot frees when a valuation ends
            }
            List<LotItemEntity> claimed = store.claim(free, System.currentTimeMillis());
            pacing.looked(claimed.isEmpty() && interrupted.isEmpty());
            for (LotItemEntity item : claimed) {
                inFlight.incrementAndGet();
                try {
                    executor.execute(() -> {
                        try {
                            value(item);
                        } finally {
                            inFlight.decrementAndGet();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    inFlight.decrementAndGet();
                    store.pending(item.lotId(), item.position()); // back in line for the next cycle
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a lot valuation cycle failed; the next one tries again", e);
        }
    }

    private void recover() {
        List<LotItemEntity> started = store.started();
        for (LotItemEntity item : started) {
            settle(item);
        }
        if (!started.isEmpty()) {
            LOG.info(() -> started.size() + " lot item(s) interrupted by a stop: certificates issued before it adopted, the rest valued again");
        }
    }

    /** A STARTED item nobody values now: it adopts the certificate issued of its battery since it started, or waits in line. */
    private void settle(LotItemEntity item) {
        Optional<ValuationService.Stored> issued = valuations.issuedSince(item.batteryCode(), item.startedAt());
        if (issued.isPresent()) {
            Map<?, ?> results = (Map<?, ?>) issued.get().certificate().document().get("results");
            Map<?, ?> value = (Map<?, ?>) results.get("residualValue");
            store.valued(item.lotId(), item.position(), issued.get().certificate().id(), num(results.get("stateOfHealth")),
                    (String) results.get("status"), num(value.get("amount")), num(value.get("low")), num(value.get("high")),
                    (String) value.get("currency"), "adopted");
            store.finishIfDone(item.lotId(), System.currentTimeMillis());
        } else {
            store.pending(item.lotId(), item.position());
        }
    }

    private static double num(Object o) {
        return o == null ? 0 : ((Number) o).doubleValue();
    }

    private void value(LotItemEntity item) {
        try {
            boolean partial = store.find(item.lotId()).map(LotEntity::partial).orElse(false);
            ValuationService.Issued issued = valuations.issue(item.batteryCode(), partial);
            long now = System.currentTimeMillis();
            Assessed row = fleet.issued(issued, now);
            store.valued(item.lotId(), item.position(), issued.certificate().id(), row.stateOfHealth(), row.status(), row.residualValue(),
                    row.residualValueLow(), row.residualValueHigh(), row.currency(), row.evidence().wire());
            store.finishIfDone(item.lotId(), now);
        } catch (org.batteryledger.node.availability.Unavailable e) {
            interrupted.add(item); // its certificate may be stored already: settled when the node takes writes again
            pacing.told();
        } catch (CannotValue | NotHeld | InvalidInput e) {
            failed(item, e.getMessage());
        } catch (RuntimeException e) {
            if (gate.look().database() != null) {
                interrupted.add(item); // the database went away half-way: settled, not failed, when it is back
                pacing.told();
                return;
            }
            LOG.log(Level.WARNING, "valuing " + item.batteryCode() + " of lot " + item.lotId() + " failed", e);
            failed(item, "this node could not value it (see its log); value it again in a new lot");
        }
    }

    private void failed(LotItemEntity item, String why) {
        try {
            store.failed(item.lotId(), item.position(), why);
            store.finishIfDone(item.lotId(), System.currentTimeMillis());
        } catch (RuntimeException e) {
            interrupted.add(item); // not even its failure could be kept: settled again later
            pacing.told();
        }
    }
}
