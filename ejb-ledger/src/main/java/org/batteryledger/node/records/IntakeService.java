package org.batteryledger.node.records;

import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;
import org.batteryledger.node.service.LedgerService;

import java.util.List;

/**
 * The entry of every record into this node, pushed or pulled. Submissions are taken one at a time (a write lock),
 * so deduplication by record id is exact: two concurrent submissions of one id cannot both store it.
 */
@Singleton
@Lock(LockType.WRITE)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class IntakeService {
    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;

    /**
     * Takes a validated submission in (the intake route validates it first).
     *
     * @throws InvalidInput for more than {@link Intake#MAX_RECORDS_PER_SUBMISSION} records
     */
    public List<Outcome> take(Submission submission) {
        if (submission.candidates().size() > Intake.MAX_RECORDS_PER_SUBMISSION) {
            throw new InvalidInput("a submission holds at most " + Intake.MAX_RECORDS_PER_SUBMISSION + " records, this one "
                    + submission.candidates().size() + "; split it");
        }
        return store.take(ledger.suite(), submission, System.currentTimeMillis());
    }
}
