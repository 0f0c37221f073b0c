package org.batteryledger.node.records;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;
import org.batteryledger.core.intake.Admission;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.core.state.PointReads;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The off-chain record store: intake (deduplicate, store, or dead-letter with a reason) and anchoring
 * batches (seal, submit, anchored). Each call is one JTA transaction: a submission is stored whole or not at all,
 * and a batch is sealed together with the assignment of its records.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class RecordStore {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RecordStore.class.getName());
    @jakarta.annotation.Resource(lookup = "java:jboss/datasources/LedgerDS")
    private javax.sql.DataSource dataSource;
    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    /**
     * Takes a validated submission in ({@link Intake#take}). Every record gets an outcome; the accepted ones are
     * durable when this returns, together with the dead letters and, for a pull, the partner's cursor.
     */
    public List<Outcome> take(CryptoSuite suite, Submission submission, long now, Admission.Rules rules, PointReads chain) {
        return Intake.take(suite, submission, new JpaIntakeStore(now, rules.agency(), chain), now, rules);
    }

    /** Intake's store port on this transaction's entity manager and the committed chain state. */
    private final class JpaIntakeStore implements Intake.Store {
        private final long now;
        private final String agency;
        private final PointReads chain;

        JpaIntakeStore(long now, String agency, PointReads chain) {
            this.now = now;
            this.agency = agency;
            this.chain = chain;
        }

        @Override
        public Map<String, String> storedHashes(Collection<String> recordIds) {
            Map<String, String> out = new HashMap<>();
            for (List<String> chunk : chunks(recordIds)) {
                for (Object[] row : em.createQuery("select r.recordId, r.recordHash from RecordEntity r where r.recordId in :ids", Object[].class)
                        .setParameter("ids", chunk).getResultList()) {
                    out.put((String) row[0], (String) row[1]);
                }
            }
            return out;
        }

        @Override
        public Map<String, Long> knownBatteries(Collection<String> batteryCodes) {
            Map<String, Long> out = new HashMap<>();
            for (String code : batteryCodes) {
                BatteryRegistry.registration(chain, code).ifPresent(r -> out.put(code, r.manufacturedAtEpochSecond()));
            }
            List<String> unregistered = batteryCodes.stream().filter(c -> !out.containsKey(c)).toList();
            for (List<String> chunk : chunks(unregistered)) {
                // held here and not anchored yet: the master record itself says when the battery was made
                for (String json : em.createQuery("select r.canonical from RecordEntity r where r.type = 'battery' and r.batteryCode in :codes "
                        + "order by r.seq", byte[].class).setParameter("codes", chunk).getResultList().stream()
                        .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).toList()) {
                    BatteryRecord.Master m = master(json);
                    out.putIfAbsent(m.batteryCode(), m.manufacturedAt().getEpochSecond());
                }
            }
            return out;
        }

        @Override
        public String registrationRefusal(String batteryCode) {
            return BatteryRegistry.refusalFor(chain, agency, batteryCode);
        }

        @Override
        public void store(ParsedRecord p, String hash, String source) {
            BatteryRecord rec = p.record();
            RecordEntity stored = new RecordEntity(rec.recordId(), rec.type(), rec.batteryCode(), hash, p.canonicalJson(), source, now);
            em.persist(stored); // the sequence generator gives it its seq here, before the insert
            em.persist(new AnchorQueueEntity(stored.seq(), now));
        }

        @Override
        public void deadLetter(String recordId, String reason, String source, Object json) {
            em.persist(new DeadLetterEntity(recordId, source, reason, Json.write(json), now));
        }

        @Override
        public Intake.Cursor cursor(String partner) {
            PullCursorEntity c = em.find(PullCursorEntity.class, partner);
            return c == null ? Intake.Cursor.START : new Intake.Cursor(c.position(), c.deferringSince());
        }

        @Override
        public void moveCursor(String partner, Intake.Cursor to, long newlyTaken) {
            PullCursorEntity c = em.find(PullCursorEntity.class, partner);
            if (c == null) {
                c = new PullCursorEntity(partner);
                em.persist(c);
            }
            c.moved(to.position(), to.deferringSince(), newlyTaken, now);
        }
    }

    /** A stored battery record, typed (it passed the schema when it was taken in). */
    static BatteryRecord.Master master(String canonicalJson) {
        RecordSchema.Result r = RecordSchema.check(Json.parse(canonicalJson));
        if (r instanceof RecordSchema.Valid v && v.parsed().record() instanceof BatteryRecord.Master m) {
            return m;
        }
        throw new IllegalStateException("a stored battery record no longer reads as one: " + r);
    }

    /** IN lists of at most 1,000 values (some databases refuse longer ones). */
    private static <T> List<List<T>> chunks(Collection<T> values) {
        List<T> all = new ArrayList<>(values);
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 1_000) {
            out.add(all.subList(i, Math.min(all.size(), i + 1_000)));
        }
        return out;
    }

    /** Where this node stands in a partner's feed; empty before its first page. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<PullCursorEntity> cursor(String partner) {
        return Optional.ofNullable(em.find(PullCursorEntity.class, partner));
    }

    // ------------------------------------------------------------------------------------------------ anchoring

    /** What a seal found: the batch it sealed, if any, and whether the anchoring queue was empty. */
    public record Sealing(Optional<BatchEntity> sealed, boolean queueEmpty) {
        static final Sealing EMPTY_QUEUE = new Sealing(Optional.empty(), true);
        static final Sealing WAITING = new Sealing(Optional.empty(), false);
    }

    /**
     * Seals the oldest unbatched records into one batch when there are {@code maxSize} of them, or when the oldest
     * waited {@code maxWaitMillis}.
     */
    public Sealing sealBatch(CryptoSuite suite, String batchPrefix, int maxSize, long maxWaitMillis, long now) {
        // Runs every cycle: reads at most one batch from the head of the queue, whatever the backlog behind it, with its
        // records (by key, in the queue's order: H2 walks the queue's primary key and stops after maxSize). A record
        // that is gone reads as nulls. Native SQL: an IN list of a thousand parameters was a linear search per row in H2.
        @SuppressWarnings("unchecked")
        List<Object[]> head = (List<Object[]>) em.createNativeQuery("select q.seq, q.receivedAt, r.recordId, r.recordHash, r.type, l.seq "
                + "from ANCHOR_QUEUE q left join OFFCHAIN_RECORD r on r.seq = q.seq left join " + RecordEntity.BATCH_LEAF + " l on l.seq = r.seq "
                + "order by q.seq").setMaxResults(maxSize).getResultList();
        if (head.isEmpty()) {
            return Sealing.EMPTY_QUEUE;
        }
        if (head.size() < maxSize && head.stream().mapToLong(o -> ((Number) o[1]).longValue()).min().getAsLong() > now - maxWaitMillis) {
            return Sealing.WAITING;
        }
        // A queued record that is in a batch already, or gone, cannot be sealed: its queue entry goes (and says so).
        List<Unbatched> selected = new ArrayList<>(head.size());
        List<Long> unsealable = new ArrayList<>();
        for (Object[] o : head) {
            long seq = ((Number) o[0]).longValue();
            if (o[2] == null || o[5] != null) { // gone, or it has a leaf row
                unsealable.add(seq);
            } else {
                selected.add(new Unbatched(seq, (String) o[3], (String) o[4]));
            }
        }
        if (!unsealable.isEmpty()) {
            LOG.severe(() -> unsealable.size() + " records in the anchoring queue are in a batch already or not stored (seq " + unsealable
                    + "); their queue entries are removed: check the database");
        }
        List<Unbatched> open = upToRegistrationLimit(selected);
        if (open.isEmpty()) {
            dequeue(unsealable);
            return Sealing.WAITING;
        }
        String batchId = batchPrefix + "-" + open.get(0).seq();
        List<Hash> leaves = new ArrayList<>(open.size());
        for (Unbatched r : open) {
            leaves.add(Hash.fromHex(r.recordHash()));
        }
        MerkleTree tree = MerkleTree.of(suite, leaves);
        // Each record's leaf row, in one JDBC batch on the transaction's connection. A record in a batch already has its
        // row: the insert fails on the key, and the seal rolls back rather than anchor the record twice.
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement assign = c.prepareStatement(
                "insert into " + RecordEntity.BATCH_LEAF + " (seq, batchId, leafIndex, auditPath, hashKey) values (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < open.size(); i++) {
                assign.setLong(1, open.get(i).seq());
                assign.setString(2, batchId);
                assign.setInt(3, i);
                assign.setBytes(4, tree.inclusionProof(i).encode());
                assign.setLong(5, RecordEntity.hashKey(open.get(i).recordHash()));
                assign.addBatch();
            }
            assign.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot seal batch " + batchId + " (is one of its records, seq " + open.get(0).seq() + " to "
                    + open.get(open.size() - 1).seq() + ", in a batch already?): " + e.getMessage(), e);
        }
        List<Long> done = new ArrayList<>(unsealable);
        open.forEach(r -> done.add(r.seq()));
        dequeue(done);
        BatchEntity b = new BatchEntity(batchId, tree.root().hex(), open.size(), now);
        em.persist(b);
        return new Sealing(Optional.of(b), false);
    }

    /** Removes these records' queue entries, in this transaction (one JDBC batch). */
    private void dequeue(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement delete = c.prepareStatement(
                "delete from ANCHOR_QUEUE where seq = ?")) {
            for (long seq : seqs) {
                delete.setLong(1, seq);
                delete.addBatch();
            }
            delete.executeBatch();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot remove " + seqs.size() + " records from the anchoring queue: " + e.getMessage(), e);
        }
    }

    /**
     * Queues every unbatched record that has no queue entry: the records a node stored before the queue existed.
     * Returns how many were queued. The anchoring service calls it at start; it scans the records only when the counts
     * say that some are neither in a batch nor queued (H2 counts a table's rows without reading them).
     */
    public int queueUnbatched() {
        // One statement, so one snapshot: intake storing records between separate counts could make them match.
        Number unaccounted = (Number) em.createNativeQuery("select (select count(*) from OFFCHAIN_RECORD) - (select count(*) from "
                + RecordEntity.BATCH_LEAF + ") - (select count(*) from ANCHOR_QUEUE)").getSingleResult();
        if (unaccounted.longValue() == 0) {
            return 0;
        }
        return em.createNativeQuery("insert into ANCHOR_QUEUE (seq, receivedAt) select r.seq, r.receivedAt from OFFCHAIN_RECORD r "
                + "where not exists (select 1 from " + RecordEntity.BATCH_LEAF + " l where l.seq = r.seq) "
                + "and not exists (select 1 from ANCHOR_QUEUE q where q.seq = r.seq)").executeUpdate();
    }

    private long count(String table) {
        return ((Number) em.createNativeQuery("select count(*) from " + table).getSingleResult()).longValue();
    }

    /** A record waiting for a batch, as sealing needs it (no entity: nothing for the persistence context to track). */
    private record Unbatched(long seq, String recordHash, String type) {
    }

    /** The records up to (not including) the one master record too many for one anchoring transaction's registrations. */
    private static List<Unbatched> upToRegistrationLimit(List<Unbatched> records) {
        int masters = 0;
        for (int i = 0; i < records.size(); i++) {
            if ("battery".equals(records.get(i).type()) && ++masters > BatteryRegistry.MAX_PER_BATCH) {
                return records.subList(0, i);
            }
        }
        return records;
    }

    /** The batteries a batch registers: its master records in leaf order, as the anchoring transaction carries them. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<BatteryRegistry.Request> registrations(String batchId) {
        List<BatteryRegistry.Request> out = new ArrayList<>();
        for (Object[] r : batchRows("r.batteryCode, r.recordHash, r.canonical", batchId, "and r.type = 'battery' ")) {
            String json = new String((byte[]) r[2], java.nio.charset.StandardCharsets.UTF_8);
            out.add(new BatteryRegistry.Request((String) r[0], Hash.fromHex((String) r[1]), master(json).manufacturedAt().getEpochSecond()));
        }
        return out;
    }

    /**
     * Columns of a batch's records in leaf order. Native SQL, so that the leaf rows' index drives the join: H2 keeps an
     * outer join's order, and the entity's own join to its leaf row would scan every record.
     */
    @SuppressWarnings("unchecked")
    private List<Object[]> batchRows(String columns, String batchId, String condition) {
        List<?> rows = em.createNativeQuery("select " + columns + ", l.leafIndex from " + RecordEntity.BATCH_LEAF + " l join OFFCHAIN_RECORD r "
                + "on r.seq = l.seq where l.batchId = ?1 " + condition + "order by l.leafIndex").setParameter(1, batchId).getResultList();
        return (List<Object[]>) rows;
    }

    public List<BatchEntity> batches(BatchEntity.Status status) {
        return em.createQuery("select b from BatchEntity b where b.status = :s order by b.sealedAt", BatchEntity.class)
                .setParameter("s", status).getResultList();
    }

    public void markSubmitted(String batchId, String txHash, long atHeight) {
        em.find(BatchEntity.class, batchId).submitted(txHash, atHeight);
    }

    public void markAnchored(String batchId, String txHash, long height) {
        em.find(BatchEntity.class, batchId).anchored(txHash, height);
    }

    // ------------------------------------------------------------------------------------------------ reading

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<RecordEntity> record(String recordId) {
        return em.createQuery("select r from RecordEntity r where r.recordId = :id", RecordEntity.class)
                .setParameter("id", recordId).getResultStream().findFirst();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<BatchEntity> batch(String batchId) {
        return Optional.ofNullable(em.find(BatchEntity.class, batchId));
    }

    /** The record hashes of a batch in leaf order: the batch's Merkle tree is rebuilt from them. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<Hash> leaves(String batchId) {
        List<Hash> out = new ArrayList<>();
        for (Object[] r : batchRows("r.recordHash", batchId, "")) {
            out.add(Hash.fromHex((String) r[0]));
        }
        return out;
    }

    /** Every record of a battery on this node, master data first, then sessions in intake order. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RecordEntity> history(String batteryCode) {
        return em.createQuery("select r from RecordEntity r where r.batteryCode = :c order by r.type, r.seq", RecordEntity.class)
                .setParameter("c", batteryCode).getResultList();
    }

    /**
     * Which of these batteries this node holds any record of (anchored or not): the record exchange answers the others
     * with an empty page at once. One look at the battery index, not a row read.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public java.util.Set<String> heldBatteries(Collection<String> batteryCodes) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (List<String> chunk : chunks(batteryCodes)) {
            out.addAll(em.createQuery("select distinct r.batteryCode from RecordEntity r where r.batteryCode in :codes", String.class)
                    .setParameter("codes", chunk).getResultList());
        }
        return out;
    }

    /**
     * The anchored records of a battery on this node after intake position {@code afterSeq}, in intake order: what the
     * record exchange discloses (a record without an anchor has no proof to travel with). The rows are read-only: a
     * change to one is never written.
     *
     * @param types "battery", "session" or both
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RecordEntity> anchoredRecords(String batteryCode, List<String> types, long afterSeq, int limit) {
        if (types.isEmpty() || types.size() > 2) {
            throw new IllegalArgumentException("one or two record types, not " + types);
        }
        // Two type parameters rather than "in :types": Hibernate translates a query with a list parameter again at every
        // call. A holder answers up to 32 batteries' pages in one transaction: read-only rows are not snapshotted when
        // read, and with flush mode COMMIT the query does not first walk every row read so far to see whether anything
        // needs writing (Hibernate's auto-flush walks them before every query while it manages any entity, pending
        // writes or not; here nothing read is ever written: the rows are records, the transaction's writes are its
        // disclosures).
        return em.createQuery("select r from RecordEntity r, BatchEntity b where r.batchId = b.batchId and b.status = :anchored "
                        + "and r.batteryCode = :c and (r.type = :t1 or r.type = :t2) and r.seq > :after order by r.seq", RecordEntity.class)
                .setParameter("anchored", BatchEntity.Status.ANCHORED).setParameter("c", batteryCode)
                .setParameter("t1", types.get(0)).setParameter("t2", types.get(types.size() - 1))
                .setParameter("after", afterSeq).setMaxResults(limit).setHint(READ_ONLY, true)
                .setFlushMode(jakarta.persistence.FlushModeType.COMMIT).getResultList();
    }

    /**
     * Hibernate's hint for entities loaded only to be read: no snapshot kept, no dirty check at flush (by its name, as
     * JPA hints go: ejb-ledger compiles against the Jakarta APIs, not Hibernate).
     */
    private static final String READ_ONLY = "org.hibernate.readOnly";

    /** Records of a battery stored here whose batch is not anchored yet, for "not yet anchored" in the consortium view. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long unanchoredCount(String batteryCode) {
        return em.createQuery("select count(r) from RecordEntity r where r.batteryCode = :c and (r.batchId is null or r.batchId in "
                        + "(select b.batchId from BatchEntity b where b.status <> :anchored))", Long.class)
                .setParameter("c", batteryCode).setParameter("anchored", BatchEntity.Status.ANCHORED).getSingleResult();
    }

    /** This node's records of a battery whose batch is not anchored yet (none, or sealed or submitted), in intake order. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RecordEntity> unanchoredRecords(String batteryCode) {
        return em.createQuery("select r from RecordEntity r where r.batteryCode = :c and (r.batchId is null or r.batchId in "
                        + "(select b.batchId from BatchEntity b where b.status <> :anchored)) order by r.seq", RecordEntity.class)
                .setParameter("c", batteryCode).setParameter("anchored", BatchEntity.Status.ANCHORED).getResultList();
    }

    /**
     * The record sealed here with this hash, if any (the holder's side of a proof query): found by its leaf row's key, so a
     * record not sealed yet, which has no proof to give, is not found.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<RecordEntity> sealedRecordByHash(String recordHash) {
        return em.createQuery("select r from RecordEntity r where r.hashKey = :k and r.recordHash = :h order by r.seq", RecordEntity.class)
                .setParameter("k", RecordEntity.hashKey(recordHash)).setParameter("h", recordHash).setMaxResults(1).getResultStream().findFirst();
    }

    /**
     * Keeps the newest {@code max} dead letters and deletes the rest: a client that sends nothing but rejected records
     * cannot fill the disk with them. Returns how many were deleted.
     */
    public int pruneDeadLetters(int max) {
        List<Long> cut = em.createQuery("select d.id from DeadLetterEntity d order by d.id desc", Long.class).setFirstResult(max).setMaxResults(1)
                .getResultList();
        return cut.isEmpty() ? 0 : em.createQuery("delete from DeadLetterEntity d where d.id <= :cut").setParameter("cut", cut.get(0)).executeUpdate();
    }

    /**
     * How far intake and anchoring have come on this node. {@code unbatched} is the stored records without a leaf row;
     * {@code batchLeaves} (the sizes of every batch sealed here) equals {@code stored - unbatched} while each batch
     * has exactly its leaf rows: a batch that lost one shows as a difference (the crash drill checks it).
     */
    public record Progress(long stored, long unbatched, long batchedNotAnchored, long deadLetters, long batchLeaves) {
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Progress progress() {
        long stored = count("OFFCHAIN_RECORD");
        long unbatched = stored - count(RecordEntity.BATCH_LEAF);
        Number unanchored = em.createQuery("select sum(b.size) from BatchEntity b where b.status <> :a", Number.class)
                .setParameter("a", BatchEntity.Status.ANCHORED).getSingleResult();
        long dead = em.createQuery("select count(d) from DeadLetterEntity d", Long.class).getSingleResult();
        Number leaves = em.createQuery("select sum(b.size) from BatchEntity b", Number.class).getSingleResult();
        return new Progress(stored, unbatched, unanchored == null ? 0 : unanchored.longValue(), dead, leaves == null ? 0 : leaves.longValue());
    }
}
