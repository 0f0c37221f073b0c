package org.batteryledger.node.records;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.background.Background;
import org.batteryledger.node.pacing.Pacing;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.service.LedgerService;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anchors stored records: seals them into batches (by size, or when the oldest has waited long enough), submits
 * each batch's Merkle root in one ANCHOR_RECORDS transaction (which also registers the batteries of the batch's master
 * records), and marks the batch anchored once the root is in the
 * committed state. Every step reads its work from the database, so after a crash the next cycle goes on where the
 * last one stopped: a sealed batch is submitted, a submitted one that never committed is submitted again after the
 * transaction's lifetime, and a root already on chain is recognised rather than anchored twice.
 */
@Singleton
@Startup
@DependsOn({"NodeRuntime", "RecordsUpgrade", "Background"})
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class AnchorService {
    private static final Logger LOG = Logger.getLogger(AnchorService.class.getName());
    /** Blocks after submission before an uncommitted anchoring transaction is given up and sent again. */
    static final long RESUBMIT_AFTER_BLOCKS = 110;
    /** Full batches sealed per cycle at most, so one cycle stays short under a flood. */
    private static final int MAX_SEALS_PER_CYCLE = 20;
    /**
     * Records per batch by default. Each batch costs the chain an anchoring transaction and, at intake rates, a block of
     * its own (about 700 bytes together); at 4,000 records that is under 0.2 bytes a record, where 1,000 cost 0.7
     * (BENCHMARKS.md, goal 4). An audit path is two hashes longer than at 1,000, and a batch fills in about a second at
     * 3,500 records/s; below that rate {@code anchor.max.wait.millis} seals it.
     */
    static final int DEFAULT_BATCH_SIZE = 4_000;

    @EJB
    private Background scheduler;
    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;
    @EJB
    private NodeRuntime runtime;
    @EJB
    private WriteGate gate;
    @EJB
    private IntakeService intake;

    private int batchSize;
    private long maxWaitMillis;
    private String batchPrefix;
    private Background.Periodic cycle;
    /** Dead letters kept at most ({@code deadletters.max}); pruned about once a minute. */
    private int deadLettersMax;
    private int cyclesSincePrune;
    private int cyclesPerPrune;
    /** Whether records stored before the anchoring queue existed are queued (done once, in the first cycle that can). */
    private boolean queueComplete;
    /** Quiet while the queue is empty and no batch waits for its block: intake tells of records it stored. */
    private final Pacing pacing = new Pacing(Pacing.DEFAULT_QUIET_LOOK_MILLIS);

    @PostConstruct
    void start() {
        Properties p;
        try {
            p = runtime.directory().properties();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read node.properties: " + e.getMessage(), e);
        }
        batchSize = Integer.parseInt(p.getProperty("anchor.batch.size", String.valueOf(DEFAULT_BATCH_SIZE)));
        maxWaitMillis = Long.parseLong(p.getProperty("anchor.max.wait.millis", "2000"));
        long interval = Long.parseLong(p.getProperty("anchor.interval.millis", "500"));
        batchPrefix = ledger.nodeName();
        deadLettersMax = Integer.parseInt(p.getProperty("deadletters.max", "100000"));
        cyclesPerPrune = (int) Math.max(1, 60_000 / interval);
        intake.onStored(pacing::told);
        cycle = scheduler.scheduleWithFixedDelay(this::cycle, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info(() -> "anchoring batches of up to " + batchSize + " records, or after " + maxWaitMillis + " ms");
    }

    @PreDestroy
    void stop() {
        if (cycle != null) {
            cycle.stop();
        }
    }

    void cycle() {
        if (gate.last().database() != null || runtime.pauseReason() != null || runtime.standby() != null) {
            // nothing can be sealed or submitted (a standby leaves it to the active server); below the disk floor
            // anchoring goes on: it keeps acknowledged records
            pacing.told(); // and the first cycle after looks
            return;
        }
        try {
            pruneNow();
            if (!pacing.lookNow(System.nanoTime())) {
                return;
            }
            if (!queueComplete) {
                int queued = store.queueUnbatched();
                queueComplete = true;
                if (queued > 0) {
                    LOG.info(() -> queued + " records stored before the anchoring queue existed are queued for anchoring");
                }
            }
            boolean queueEmpty = false;
            for (int i = 0; i < MAX_SEALS_PER_CYCLE; i++) {
                RecordStore.Sealing s = store.sealBatch(ledger.suite(), batchPrefix, batchSize, maxWaitMillis, System.currentTimeMillis());
                if (s.sealed().isEmpty()) {
                    queueEmpty = s.queueEmpty();
                    break;
                }
                BatchEntity batch = s.sealed().get();
                LOG.fine(() -> "sealed batch " + batch.batchId() + " of " + batch.size() + " records");
            }
            long height = ledger.height();
            List<BatchEntity> sealed = store.batches(BatchEntity.Status.SEALED);
            for (BatchEntity b : sealed) {
                if (!recognisedOnChain(b)) {
                    submit(b, height);
                }
            }
            List<BatchEntity> submitted = store.batches(BatchEntity.Status.SUBMITTED);
            pacing.looked(queueEmpty && sealed.isEmpty() && submitted.isEmpty());
            for (BatchEntity b : submitted) {
                if (!recognisedOnChain(b) && height > b.submittedAtHeight() + RESUBMIT_AFTER_BLOCKS) {
                    LOG.warning(() -> "batch " + b.batchId() + " was submitted at height " + b.submittedAtHeight() + " in transaction "
                            + b.txHash() + " and is not on chain at height " + height + "; submitting it again");
                    submit(b, height);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "anchoring cycle failed; the next one retries", e);
        }
    }

    /** About once a minute, quiet or not (intake adds dead letters). */
    private void pruneNow() {
        if (++cyclesSincePrune < cyclesPerPrune) {
            return;
        }
        cyclesSincePrune = 0;
        int pruned = store.pruneDeadLetters(deadLettersMax);
        if (pruned > 0) {
            LOG.info(() -> pruned + " oldest dead letters deleted: this node keeps the newest " + deadLettersMax + " (deadletters.max)");
        }
    }

    /** True (and the batch marked anchored) when its root is in the committed state. */
    private boolean recognisedOnChain(BatchEntity b) {
        Optional<byte[]> anchor = ledger.state(Tables.ANCHOR, b.root());
        if (anchor.isEmpty()) {
            return false;
        }
        Payloads.Anchor a = Payloads.Anchor.decode(anchor.get());
        store.markAnchored(b.batchId(), a.txHash().hex(), a.height());
        for (BatteryRegistry.Request q : store.registrations(b.batchId())) {
            // Intake refuses a code another agency holds; this is the race where both took one in before either anchored.
            BatteryRegistry.refusal(ledger.committedState(), q.batteryCode(), q.masterHash()).ifPresent(reason ->
                    LOG.warning(() -> "battery record " + q.masterHash().shortHex() + " of batch " + b.batchId() + " is anchored but did not "
                            + "register battery " + q.batteryCode() + ": " + reason));
        }
        LOG.fine(() -> "batch " + b.batchId() + " anchored at height " + a.height());
        return true;
    }

    private void submit(BatchEntity b, long height) {
        // The batch's master records register their batteries in the same transaction (the battery registry).
        SubmitResult r = ledger.submitAsNode(TxType.ANCHOR_RECORDS,
                new Payloads.AnchorRecords(b.batchId(), Hash.fromHex(b.root()), b.size(), store.registrations(b.batchId())).encode());
        if (r.accepted()) {
            store.markSubmitted(b.batchId(), r.txHash().hex(), height);
        } else {
            LOG.warning(() -> "batch " + b.batchId() + " not accepted for anchoring (" + r.outcome() + ": " + r.reason() + "); retrying");
        }
    }
}
