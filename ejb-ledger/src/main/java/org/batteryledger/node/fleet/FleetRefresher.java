package org.batteryledger.node.fleet;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.state.WriteSet;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.pacing.Pacing;
import org.batteryledger.node.records.IntakeService;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.valuation.CannotValue;
import org.batteryledger.node.valuation.ValuationService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the fleet table in step, once a second while there is work ({@link Pacing}): batteries the chain registers
 * (seen in each commit; all of them once after a start), batteries this node takes records of (its intake followed by
 * position), the chain's latest certificate of each, and then assessments of the batteries that are due, at a bounded
 * rate. An assessment gathers the battery's records from every member as a valuation does, so the rate is what the
 * members' record exchange can spare for background work ({@code fleet.assessments.per.second}, against a share of 20
 * queries a second per asker at each holder). By default 8 on the nodes of recyclers and auditors, who price and check
 * the fleet, and 0 on the others (their tables list every battery with what the chain says, and the figures of the
 * batteries they value): with every node assessing every battery, the background load grows with the consortium's size
 * times its fleet. A battery is due when new, when its registration or this node's records of it change, shortly after
 * an assessment that found records here not anchored yet, and {@code fleet.max.age.minutes} (default 60) after its last
 * assessment, since other members' new records leave no trace on chain to react to.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "Background"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class FleetRefresher {
    private static final Logger LOG = Logger.getLogger(FleetRefresher.class.getName());
    /** Battery codes touched by commits that wait for the next cycle, at most; beyond that a rescan catches up. */
    static final int MAX_TOUCHED = 100_000;
    static final int DEFAULT_RATE = 8;
    static final int ROWS_PER_CYCLE = 1_000;
    /** Records here waiting for their anchor: look again after about one anchoring round. */
    static final long UNANCHORED_RECHECK_MILLIS = 5_000;
    /**
     * Evidence unavailable or incomplete because a holder did not answer (down, busy, just added and still starting) or
     * a record was not anchored yet: look again this soon, then backing off (see FleetEntity#unavailable).
     */
    static final long HOLDER_RETRY_MILLIS = 10_000;
    /** An assessment that failed for a reason of this node's own: try again after a minute. */
    static final long RETRY_MILLIS = 60_000;

    @EJB
    private Background scheduler;
    @Resource
    private jakarta.enterprise.concurrent.ManagedExecutorService executor;
    @EJB
    private FleetIndex fleet;
    @EJB
    private ValuationService valuations;
    @EJB
    private LedgerService ledger;
    @EJB
    private NodeRuntime runtime;
    @EJB
    private org.batteryledger.node.availability.WriteGate gate;
    @EJB
    private IntakeService intake;

    private final Set<String> touched = ConcurrentHashMap.newKeySet();
    private volatile boolean rescan = true;
    private String rescanAfter = "";
    /** The configured rate, or null to take it from this node's member kinds. */
    private Integer configured;
    private long maxAgeMillis;
    private long intakeMark = -1;
    private Background.Periodic cycle;
    /** Quiet while the intake is followed to its end: intake tells of records it stored. */
    private final Pacing following = new Pacing(Pacing.DEFAULT_QUIET_LOOK_MILLIS);
    /**
     * Quiet while no battery is due: what makes one due here (a registration, records here) tells it; one whose time
     * comes (a retry, the maximum age) waits for the next quiet look.
     */
    private final Pacing assessing = new Pacing(Pacing.DEFAULT_QUIET_LOOK_MILLIS);

    @PostConstruct
    void start() {
        Properties p;
        try {
            p = runtime.directory().properties();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read node.properties: " + e.getMessage(), e);
        }
        String rate = p.getProperty("fleet.assessments.per.second");
        configured = rate == null || rate.isBlank() ? null : Math.max(0, Integer.parseInt(rate.trim()));
        maxAgeMillis = Math.max(1, Long.parseLong(p.getProperty("fleet.max.age.minutes", "60").trim())) * 60_000;
        runtime.onCommit((replica, blocks) -> {
            for (Ready.Committed b : blocks) {
                for (WriteSet.Entry e : b.writeSet().entries()) {
                    if (e.table().equals(Tables.BATTERY) || e.table().equals(Tables.VALUATION_LATEST)) {
                        if (touched.size() < MAX_TOUCHED) {
                            touched.add(e.key());
                        } else {
                            rescan = true; // the loop must not wait: the next cycles read the registry instead
                        }
                    }
                }
            }
        });
        runtime.onStateReplaced(() -> rescan = true); // joined from a snapshot: its registrations came without commits
        intake.onStored(following::told);
        cycle = scheduler.scheduleWithFixedDelay(this::cycle, 1_000, 1_000, TimeUnit.MILLISECONDS);
        LOG.info(() -> "fleet table: " + (configured == null ? DEFAULT_RATE + " assessments a second at most on a recycler's or auditor's node, none elsewhere"
                : configured + " assessments a second at most") + ", each battery again after " + maxAgeMillis / 60_000 + " min");
    }

    @PreDestroy
    void stop() {
        if (cycle != null) {
            cycle.stop();
        }
    }

    private void cycle() {
        if (gate.refusal() != null) {
            following.told(); // and the first cycle after looks (a standby that took over: the other server's intake)
            assessing.told();
            return; // the fleet table is written to the store: it waits with the other writers
        }
        long now = System.currentTimeMillis();
        // Each step on its own: one that fails (and logs why) does not hold up the others.
        step("the registry rescan", () -> {
            if (rescan) {
                rescanStep(now);
            }
        });
        step("following the chain's registrations", () -> applyTouched(now));
        step("following this node's intake", () -> followIntake(now));
        step("assessing", () -> assessDue(now));
    }

    private static void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "fleet table: " + what + " failed; the next cycle tries again", e);
        }
    }

    /** One page of the registry as the committed state holds it, so nothing registered while this node was down is missed. */
    private void rescanStep(long now) {
        List<byte[]> page = fleet.registrationsAfter(rescanAfter, ROWS_PER_CYCLE);
        List<BatteryRegistry.Registration> regs = new ArrayList<>();
        for (byte[] raw : page) {
            regs.add(BatteryRegistry.Registration.decode(raw));
        }
        if (!regs.isEmpty()) {
            fleet.registered(regs, now);
            assessing.told();
            rescanAfter = regs.get(regs.size() - 1).batteryCode();
        }
        if (page.size() < ROWS_PER_CYCLE) {
            rescan = false;
            rescanAfter = "";
        }
    }

    private void applyTouched(long now) {
        if (touched.isEmpty()) {
            return;
        }
        List<String> codes = new ArrayList<>();
        for (String c : touched) {
            codes.add(c);
            if (codes.size() == ROWS_PER_CYCLE) {
                break;
            }
        }
        codes.forEach(touched::remove);
        List<BatteryRegistry.Registration> regs = new ArrayList<>();
        Map<String, String> latest = new LinkedHashMap<>();
        for (String code : codes) {
            ledger.state(Tables.BATTERY, code).map(BatteryRegistry.Registration::decode).ifPresent(regs::add);
            ledger.state(Tables.VALUATION_LATEST, code).ifPresent(id -> latest.put(code, new String(id, StandardCharsets.UTF_8)));
        }
        fleet.registered(regs, now);
        fleet.certificates(latest, now);
        assessing.told();
    }

    private void followIntake(long now) {
        if (!following.lookNow(System.nanoTime())) {
            return;
        }
        if (intakeMark < 0) {
            intakeMark = fleet.intakeMark();
        }
        long before = intakeMark;
        intakeMark = fleet.followIntake(intakeMark, 5 * ROWS_PER_CYCLE, now);
        following.looked(intakeMark == before);
        if (intakeMark != before) {
            assessing.told();
        }
    }

    /** Assessments a second: as configured, else by this node's member kinds on chain now (governance may change them). */
    private int rate() {
        if (configured != null) {
            return configured;
        }
        byte[] raw = ledger.committedState().get(Tables.AGENCY, ledger.agency().orElse(""));
        Member m = raw == null ? null : Member.decode(raw);
        return m != null && (m.is(MemberKind.RECYCLER) || m.is(MemberKind.AUDITOR)) ? DEFAULT_RATE : 0;
    }

    private void assessDue(long now) {
        int perCycle = rate();
        if (perCycle == 0 || !assessing.lookNow(System.nanoTime())) {
            return;
        }
        // Two at a time, as a holder lets one asker have 2 queries in flight: a holder that does not answer within its
        // timeout then holds up half the work, not all of it. What is left waits for the next cycle.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        java.util.concurrent.ConcurrentLinkedQueue<String> due = new java.util.concurrent.ConcurrentLinkedQueue<>(fleet.due(now, perCycle));
        assessing.looked(due.isEmpty());
        Runnable worker = () -> {
            String code;
            while (System.nanoTime() < deadline && (code = due.poll()) != null) {
                assess(code);
            }
        };
        java.util.concurrent.Future<?> other = executor.submit(worker);
        worker.run();
        try {
            other.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.log(Level.WARNING, "fleet table: an assessment worker failed", e.getCause());
        }
    }

    /** Assesses one battery now from the consortium's evidence and writes its row. */
    public void assess(String code) {
        long now = System.currentTimeMillis();
        try {
            ValuationService.Valued v = valuations.value(code, true);
            String certificate = ledger.state(Tables.VALUATION_LATEST, code).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
            Assessed a = Assessed.of(v, certificate);
            if (a.holdersMissing() > 0) {
                fleet.assessedWithoutSomeHolders(code, a, now, HOLDER_RETRY_MILLIS, maxAgeMillis);
            } else {
                fleet.assessed(code, a, now, now + (a.unanchored() > 0 ? UNANCHORED_RECHECK_MILLIS : maxAgeMillis));
            }
        } catch (NotHeld | CannotValue | org.batteryledger.node.availability.Unavailable e) { // Unavailable: its holders busy
            fleet.unavailable(code, e.getMessage(), now, HOLDER_RETRY_MILLIS, maxAgeMillis);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "assessing " + code + " for the fleet table failed", e);
            fleet.notAssessed(code, Evidence.NOT_ASSESSED, "the last assessment failed on this node; it is tried again", now, now + RETRY_MILLIS);
        }
    }
}
