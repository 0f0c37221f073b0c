package org.batteryledger.node.records;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;
import org.batteryledger.core.record.RecordSchema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The off-chain record store: intake (validate, deduplicate, store, or dead-letter with a reason) and anchoring
 * batches (seal, submit, anchored). Each call is one JTA transaction: a submission is stored whole or not at all,
 * and a batch is sealed together with the assignment of its records.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class RecordStore {
    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    /**
     * Takes a submission in. Every record gets an outcome; the accepted ones are durable when this returns.
     *
     * @param records      parsed JSON values ({@link Json#parse}), one per record
     * @param allowedTypes record types the sender may submit ({@code battery}, {@code session})
     */
    public List<Outcome> take(CryptoSuite suite, List<Object> records, String source, Set<String> allowedTypes, long now) {
        List<Outcome> out = new ArrayList<>(records.size());
        List<ParsedRecord> valid = new ArrayList<>();
        List<Integer> validIndex = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            RecordSchema.Result r = RecordSchema.check(records.get(i));
            if (r instanceof RecordSchema.Invalid inv) {
                out.add(reject(i, inv.recordId(), inv.reason(), source, records.get(i), now));
            } else if (r instanceof RecordSchema.Valid v) {
                BatteryRecord rec = v.parsed().record();
                if (!allowedTypes.contains(rec.type())) {
                    out.add(reject(i, rec.recordId(), "the sender may not submit '" + rec.type() + "' records (allowed: "
                            + String.join(", ", new java.util.TreeSet<>(allowedTypes)) + ")", source, records.get(i), now));
                } else if (v.parsed().canonicalBytes().length > RecordEntity.MAX_CANONICAL_BYTES) {
                    out.add(reject(i, rec.recordId(), "the record is " + v.parsed().canonicalBytes().length + " bytes in canonical form; at most "
                            + RecordEntity.MAX_CANONICAL_BYTES + " are taken", source, records.get(i), now));
                } else {
                    valid.add(v.parsed());
                    validIndex.add(i);
                    out.add(null); // decided below
                }
            } else {
                throw new AssertionError(r);
            }
        }
        Map<String, RecordEntity> stored = existing(valid);
        Set<String> knownBatteries = knownBatteries(valid);
        Map<String, String> takenNow = new HashMap<>(); // recordId -> hash, within this submission
        for (int k = 0; k < valid.size(); k++) {
            int i = validIndex.get(k);
            ParsedRecord p = valid.get(k);
            BatteryRecord rec = p.record();
            String hash = p.hash(suite).hex();
            String earlier = takenNow.containsKey(rec.recordId()) ? takenNow.get(rec.recordId())
                    : stored.containsKey(rec.recordId()) ? stored.get(rec.recordId()).recordHash() : null;
            if (earlier != null) {
                out.set(i, earlier.equals(hash) ? new Outcome.Accepted(i, rec.recordId(), hash, true)
                        : reject(i, rec.recordId(), "conflict: record " + rec.recordId() + " was taken in with hash " + earlier
                        + "; a record id cannot be reused for different content (this one hashes to " + hash + ")", source, records.get(i), now));
                continue;
            }
            if (rec instanceof BatteryRecord.Session && !knownBatteries.contains(rec.batteryCode())) {
                out.set(i, reject(i, rec.recordId(), "unknown battery " + rec.batteryCode() + ": this node has no battery record for it; "
                        + "send the manufacturer's battery record first", source, records.get(i), now));
                continue;
            }
            em.persist(new RecordEntity(rec.recordId(), rec.type(), rec.batteryCode(), hash, p.canonicalJson(), source, now));
            takenNow.put(rec.recordId(), hash);
            if (rec instanceof BatteryRecord.Master) {
                knownBatteries.add(rec.batteryCode());
            }
            out.set(i, new Outcome.Accepted(i, rec.recordId(), hash, false));
        }
        return out;
    }

    private Outcome.Rejected reject(int index, String recordId, String reason, String source, Object json, long now) {
        em.persist(new DeadLetterEntity(recordId, source, reason, Json.write(json), now));
        return new Outcome.Rejected(index, recordId, reason);
    }

    private Map<String, RecordEntity> existing(List<ParsedRecord> records) {
        Map<String, RecordEntity> out = new HashMap<>();
        if (records.isEmpty()) {
            return out;
        }
        List<String> ids = records.stream().map(p -> p.record().recordId()).distinct().toList();
        for (RecordEntity e : em.createQuery("select r from RecordEntity r where r.recordId in :ids", RecordEntity.class)
                .setParameter("ids", ids).getResultList()) {
            out.put(e.recordId(), e);
        }
        return out;
    }

    private Set<String> knownBatteries(List<ParsedRecord> records) {
        List<String> codes = records.stream().filter(p -> p.record() instanceof BatteryRecord.Session)
                .map(p -> p.record().batteryCode()).distinct().toList();
        if (codes.isEmpty()) {
            return new HashSet<>();
        }
        return new HashSet<>(em.createQuery("select distinct r.batteryCode from RecordEntity r where r.type = 'battery' and r.batteryCode in :codes",
                String.class).setParameter("codes", codes).getResultList());
    }

    // ------------------------------------------------------------------------------------------------ anchoring

    /**
     * Seals the oldest unbatched records into one batch when there are {@code maxSize} of them, or when the oldest
     * waited {@code maxWaitMillis}. Returns the sealed batch, if one was sealed.
     */
    public Optional<BatchEntity> sealBatch(CryptoSuite suite, String batchPrefix, int maxSize, long maxWaitMillis, long now) {
        // Runs every cycle: decide from one aggregate row, load the records only when a batch is due.
        Object[] waiting = em.createQuery("select count(r), min(r.receivedAt) from RecordEntity r where r.batchId is null", Object[].class)
                .getSingleResult();
        long count = ((Number) waiting[0]).longValue();
        if (count == 0 || (count < maxSize && ((Number) waiting[1]).longValue() > now - maxWaitMillis)) {
            return Optional.empty();
        }
        List<RecordEntity> open = em.createQuery("select r from RecordEntity r where r.batchId is null order by r.seq", RecordEntity.class)
                .setMaxResults(maxSize).getResultList();
        String batchId = batchPrefix + "-" + open.get(0).seq();
        List<Hash> leaves = new ArrayList<>(open.size());
        for (int i = 0; i < open.size(); i++) {
            open.get(i).batched(batchId, i);
            leaves.add(Hash.fromHex(open.get(i).recordHash()));
        }
        BatchEntity b = new BatchEntity(batchId, MerkleTree.root(suite, leaves).hex(), open.size(), now);
        em.persist(b);
        return Optional.of(b);
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
        for (String h : em.createQuery("select r.recordHash from RecordEntity r where r.batchId = :b order by r.leafIndex", String.class)
                .setParameter("b", batchId).getResultList()) {
            out.add(Hash.fromHex(h));
        }
        return out;
    }

    /** Battery codes with master data on this node: code, chemistry (from the canonical record) and session count. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<BatterySummary> batteries(int limit) {
        List<BatterySummary> out = new ArrayList<>();
        List<RecordEntity> masters = em.createQuery("select r from RecordEntity r where r.type = 'battery' order by r.batteryCode", RecordEntity.class)
                .setMaxResults(limit).getResultList();
        if (masters.isEmpty()) {
            return out;
        }
        Map<String, Long> sessions = new HashMap<>();
        for (Object[] row : em.createQuery("select r.batteryCode, count(r) from RecordEntity r where r.type = 'session' and r.batteryCode in :codes "
                + "group by r.batteryCode", Object[].class).setParameter("codes", masters.stream().map(RecordEntity::batteryCode).toList()).getResultList()) {
            sessions.put((String) row[0], (Long) row[1]);
        }
        for (RecordEntity m : masters) {
            Object chemistry = ((Map<?, ?>) Json.parse(m.canonicalJson())).get("chemistry");
            out.add(new BatterySummary(m.batteryCode(), String.valueOf(chemistry), sessions.getOrDefault(m.batteryCode(), 0L)));
        }
        return out;
    }

    public record BatterySummary(String batteryCode, String chemistry, long sessions) {
    }

    /** Every record of a battery on this node, master data first, then sessions in intake order. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RecordEntity> history(String batteryCode) {
        return em.createQuery("select r from RecordEntity r where r.batteryCode = :c order by r.type, r.seq", RecordEntity.class)
                .setParameter("c", batteryCode).getResultList();
    }

    /** How far intake and anchoring have come on this node. */
    public record Progress(long stored, long unbatched, long batchedNotAnchored, long deadLetters) {
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Progress progress() {
        long stored = em.createQuery("select count(r) from RecordEntity r", Long.class).getSingleResult();
        long unbatched = em.createQuery("select count(r) from RecordEntity r where r.batchId is null", Long.class).getSingleResult();
        Number unanchored = em.createQuery("select sum(b.size) from BatchEntity b where b.status <> :a", Number.class)
                .setParameter("a", BatchEntity.Status.ANCHORED).getSingleResult();
        long dead = em.createQuery("select count(d) from DeadLetterEntity d", Long.class).getSingleResult();
        return new Progress(stored, unbatched, unanchored == null ? 0 : unanchored.longValue(), dead);
    }
}
