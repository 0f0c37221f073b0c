package org.batteryledger.node.records;

import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.intake.Admission;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.service.LedgerService;

import java.util.List;
import java.util.logging.Logger;

/**
 * The entry of every record into this node, pushed or pulled. Submissions are taken one at a time (a write lock),
 * so deduplication by record id is exact: two concurrent submissions of one id cannot both store it.
 */
@Singleton
@DependsOn("RecordsUpgrade")
@Lock(LockType.WRITE)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class IntakeService {
    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;
    @EJB
    private NodeRuntime runtime;
    @EJB
    private WriteGate gate;
    private final List<Runnable> storedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long maxFutureSkewSeconds = -1;
    private static final Logger LOG = Logger.getLogger(IntakeService.class.getName());

    /**
     * Takes a validated submission in (the intake route validates it first).
     *
     * @throws InvalidInput for more than {@link Intake#MAX_RECORDS_PER_SUBMISSION} records
     * @throws org.batteryledger.node.availability.Unavailable while the store cannot promise to keep them
     */
    public List<Outcome> take(Submission submission) {
        gate.admit();
        if (submission.candidates().size() > Intake.MAX_RECORDS_PER_SUBMISSION) {
            throw new InvalidInput("a submission holds at most " + Intake.MAX_RECORDS_PER_SUBMISSION + " records, this one "
                    + submission.candidates().size() + "; split it");
        }
        PointReads chain = ledger.committedState();
        String agency = ledger.agency().orElse("");
        Admission.Rules rules = new Admission.Rules(agency, Member.decode(chain.get(Tables.AGENCY, agency)), maxFutureSkewSeconds());
        List<Outcome> outcomes = store.take(ledger.suite(), submission, System.currentTimeMillis(), rules, chain);
        storedListeners.forEach(Runnable::run); // committed: the pollers that follow the intake look at their next cycle
        return outcomes;
    }

    /**
     * Told after each submission, its records committed, on the submitter's thread: a poller that follows the intake
     * (anchoring, the fleet table) looks at its next cycle instead of its next quiet look. Keep it short.
     */
    public void onStored(Runnable listener) {
        storedListeners.add(listener);
    }

    /** {@code intake.max.future.skew.seconds} in node.properties: how far past this node's clock a session may end. */
    private long maxFutureSkewSeconds() {
        if (maxFutureSkewSeconds < 0) {
            try {
                String v = runtime.directory().properties().getProperty("intake.max.future.skew.seconds");
                maxFutureSkewSeconds = v == null ? Admission.Rules.DEFAULT_MAX_FUTURE_SKEW_SECONDS : Long.parseLong(v.trim());
            } catch (java.io.IOException | NumberFormatException e) {
                LOG.warning(() -> "intake.max.future.skew.seconds unreadable (" + e.getMessage() + "); using "
                        + Admission.Rules.DEFAULT_MAX_FUTURE_SKEW_SECONDS);
                maxFutureSkewSeconds = Admission.Rules.DEFAULT_MAX_FUTURE_SKEW_SECONDS;
            }
        }
        return maxFutureSkewSeconds;
    }
}
