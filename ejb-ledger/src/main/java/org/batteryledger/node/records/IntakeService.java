package org.batteryledger.node.records;

import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.node.service.LedgerService;

import java.util.List;
import java.util.Set;

/**
 * The entry of every record into this node, pushed or pulled. Submissions are taken one at a time (a write lock),
 * so deduplication by record id is exact: two concurrent submissions of one id cannot both store it.
 */
@Singleton
@Lock(LockType.WRITE)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class IntakeService {
    /** Records per submission; a bigger one is refused whole, before anything is stored. */
    public static final int MAX_RECORDS_PER_SUBMISSION = 1_000;

    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;

    /**
     * @param records      parsed JSON values, one per record
     * @param source       who sent them (user and channel), kept with each record and dead letter
     * @param allowedTypes record types this sender may submit
     * @throws InvalidInput for more than {@link #MAX_RECORDS_PER_SUBMISSION} records
     */
    public List<Outcome> take(List<Object> records, String source, Set<String> allowedTypes) {
        if (records.size() > MAX_RECORDS_PER_SUBMISSION) {
            throw new InvalidInput("a submission holds at most " + MAX_RECORDS_PER_SUBMISSION + " records, this one "
                    + records.size() + "; split it");
        }
        return store.take(ledger.suite(), records, source, allowedTypes, System.currentTimeMillis());
    }
}
