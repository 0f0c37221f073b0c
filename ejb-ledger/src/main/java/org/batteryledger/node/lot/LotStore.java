package org.batteryledger.node.lot;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Lots and their items in the database; every change in a transaction of its own, so a crash leaves each step whole. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class LotStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    /** A new lot with its items, in one transaction: a lot is there whole or not at all. */
    public LotEntity create(List<String> codes, String selection, boolean partial, String user, long now) {
        String id = "LOT-" + LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L)).toString().replace("-", "") + "-"
                + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36).toUpperCase(Locale.ROOT);
        LotEntity lot = new LotEntity(id, now, user, selection, partial, codes.size());
        em.persist(lot);
        for (int i = 0; i < codes.size(); i++) {
            em.persist(new LotItemEntity(id, i, codes.get(i)));
            if (i % 500 == 499) {
                em.flush();
                em.clear();
            }
        }
        return lot;
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<LotEntity> find(String lotId) {
        return Optional.ofNullable(em.find(LotEntity.class, lotId));
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<LotEntity> recent(int max) {
        return em.createQuery("select l from LotEntity l order by l.createdAt desc", LotEntity.class).setMaxResults(max).getResultList();
    }

    /** How many items of a lot are in each state. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Map<LotItemEntity.State, Long> counts(String lotId) {
        Map<LotItemEntity.State, Long> out = new EnumMap<>(LotItemEntity.State.class);
        for (LotItemEntity.State s : LotItemEntity.State.values()) {
            out.put(s, 0L);
        }
        for (Object[] row : em.createQuery("select i.state, count(i) from LotItemEntity i where i.lotId = :l group by i.state", Object[].class)
                .setParameter("l", lotId).getResultList()) {
            out.put((LotItemEntity.State) row[0], (Long) row[1]);
        }
        return out;
    }

    /** The lot's value per currency: {amount, low, high} summed over the valued items. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Map<String, double[]> totals(String lotId) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Object[] row : em.createQuery("select i.currency, sum(i.residualValue), sum(i.residualValueLow), sum(i.residualValueHigh) "
                + "from LotItemEntity i where i.lotId = :l and i.state = :v group by i.currency order by i.currency", Object[].class)
                .setParameter("l", lotId).setParameter("v", LotItemEntity.State.VALUED).getResultList()) {
            out.put((String) row[0], new double[]{num(row[1]), num(row[2]), num(row[3])});
        }
        return out;
    }

    private static double num(Object o) {
        return o == null ? 0 : ((Number) o).doubleValue();
    }

    /** Items of a lot in order after {@code afterPosition}, optionally of one state only. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<LotItemEntity> items(String lotId, int afterPosition, int max, LotItemEntity.State only) {
        var q = em.createQuery("select i from LotItemEntity i where i.lotId = :l and i.position > :p"
                        + (only == null ? "" : " and i.state = :s") + " order by i.position", LotItemEntity.class)
                .setParameter("l", lotId).setParameter("p", afterPosition);
        if (only != null) {
            q.setParameter("s", only);
        }
        return q.setMaxResults(max).getResultList();
    }

    /**
     * Claims up to {@code max} waiting items of running lots, oldest lot first: each becomes STARTED with the time, in
     * this transaction, before anything is valued.
     */
    public List<LotItemEntity> claim(int max, long now) {
        List<LotItemEntity> items = em.createQuery("select i from LotItemEntity i, LotEntity l where i.lotId = l.lotId and l.status = :r "
                        + "and i.state = :p order by l.createdAt, i.lotId, i.position", LotItemEntity.class)
                .setParameter("r", LotEntity.Status.RUNNING).setParameter("p", LotItemEntity.State.PENDING).setMaxResults(max).getResultList();
        items.forEach(i -> i.started(now));
        return new ArrayList<>(items);
    }

    /** Items a crash left STARTED. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<LotItemEntity> started() {
        return em.createQuery("select i from LotItemEntity i where i.state = :s", LotItemEntity.class)
                .setParameter("s", LotItemEntity.State.STARTED).getResultList();
    }

    public void valued(String lotId, int position, String certificateId, double soh, String status, double value, double low, double high,
                       String currency, String evidence) {
        item(lotId, position).valued(certificateId, soh, status, value, low, high, currency, evidence);
    }

    public void failed(String lotId, int position, String why) {
        item(lotId, position).failed(why);
    }

    public void pending(String lotId, int position) {
        item(lotId, position).pending();
    }

    private LotItemEntity item(String lotId, int position) {
        return em.find(LotItemEntity.class, new LotItemEntity.Key(lotId, position));
    }

    /** A running lot with nothing waiting or being valued is done. */
    public void finishIfDone(String lotId, long now) {
        LotEntity lot = em.find(LotEntity.class, lotId);
        if (lot == null || lot.status() != LotEntity.Status.RUNNING) {
            return;
        }
        long open = em.createQuery("select count(i) from LotItemEntity i where i.lotId = :l and i.state in :s", Long.class)
                .setParameter("l", lotId).setParameter("s", List.of(LotItemEntity.State.PENDING, LotItemEntity.State.STARTED)).getSingleResult();
        if (open == 0) {
            lot.finish(LotEntity.Status.DONE, now);
        }
    }

    /** Cancels a running lot: its waiting items are left out; those being valued finish. @return false when not running */
    public boolean cancel(String lotId, long now) {
        LotEntity lot = em.find(LotEntity.class, lotId);
        if (lot == null || lot.status() != LotEntity.Status.RUNNING) {
            return false;
        }
        em.createQuery("update LotItemEntity i set i.state = :c where i.lotId = :l and i.state = :p")
                .setParameter("c", LotItemEntity.State.CANCELLED).setParameter("l", lotId).setParameter("p", LotItemEntity.State.PENDING)
                .executeUpdate();
        lot.finish(LotEntity.Status.CANCELLED, now);
        return true;
    }
}
