package org.batteryledger.node.fleet;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.valuation.UnitKind;
import org.batteryledger.node.valuation.ValuationService;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fleet table (table {@code FLEET_BATTERY}): pages of it sorted and filtered for the console and the API, the
 * pictures of the same filter, and the writes of the {@link FleetRefresher} and of valuations. Each write in a
 * transaction of its own; reads take no lock.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class FleetIndex {
    /** Points of the value-against-age picture at most; more rows than that are sampled in battery code order. */
    public static final int MAX_POINTS = 1_000;
    /** State-of-health bins of the histogram: 5 % each. */
    public static final int BINS = 20;

    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    /** One page: the rows, the cursor of the next page (null at the end) and how many rows the filter matches. */
    public record Page(List<FleetEntity> rows, String nextCursor, long total) {
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Page page(FleetQuery.Sort sort, String filterText, FleetQuery.Where where, FleetQuery.Cursor cursor, int limit) {
        String column = "f." + sort.field().attribute;
        String dir = sort.columnDescending() ? " desc" : " asc";
        String after = sort.columnDescending() ? " < :" : " > :";
        List<FleetEntity> rows = new ArrayList<>();
        if (cursor == null || !cursor.nulls()) {
            String cond = where.and(column + " is not null");
            if (cursor != null) {
                cond += " and (" + column + after + "cv or (" + column + " = :cv and f.batteryCode" + after + "cc))";
            }
            // The code breaks ties, and is not named twice when it is the sort column (H2 2.2 fails on the repeated key).
            String tieBreak = sort.field() == FleetQuery.Field.BATTERY_CODE ? "" : ", f.batteryCode" + dir;
            TypedQuery<FleetEntity> q = em.createQuery("select f from FleetEntity f where " + cond + " order by " + column + dir + tieBreak,
                    FleetEntity.class);
            bind(q, where.parameters());
            if (cursor != null) {
                q.setParameter("cv", cursor.sortValue(sort.field())).setParameter("cc", cursor.code());
            }
            rows.addAll(q.setMaxResults(limit + 1).getResultList());
        }
        if (rows.size() <= limit && sort.field() != FleetQuery.Field.BATTERY_CODE) {
            String cond = where.and(column + " is null") + (cursor != null && cursor.nulls() ? " and f.batteryCode > :nc" : "");
            TypedQuery<FleetEntity> q = em.createQuery("select f from FleetEntity f where " + cond + " order by f.batteryCode asc", FleetEntity.class);
            bind(q, where.parameters());
            if (cursor != null && cursor.nulls()) {
                q.setParameter("nc", cursor.code());
            }
            rows.addAll(q.setMaxResults(limit + 1 - rows.size()).getResultList());
        }
        String next = null;
        if (rows.size() > limit) {
            rows = new ArrayList<>(rows.subList(0, limit));
            FleetEntity last = rows.get(limit - 1);
            String v = FleetQuery.sortValueOf(last, sort.field());
            next = new FleetQuery.Cursor(sort.wire(), FleetQuery.filterHash(filterText), v == null, v, last.batteryCode()).encode();
        }
        return new Page(rows, next, count(where));
    }

    /** The battery codes a filter matches, in code order, at most {@code max}. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> codes(FleetQuery.Where where, int max) {
        TypedQuery<String> q = em.createQuery("select f.batteryCode from FleetEntity f" + (where.jpql().isEmpty() ? "" : " where " + where.jpql())
                + " order by f.batteryCode", String.class);
        bind(q, where.parameters());
        return q.setMaxResults(max).getResultList();
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long count(FleetQuery.Where where) {
        TypedQuery<Long> q = em.createQuery("select count(f) from FleetEntity f" + (where.jpql().isEmpty() ? "" : " where " + where.jpql()), Long.class);
        bind(q, where.parameters());
        return q.getSingleResult();
    }

    /**
     * The pictures of the rows a filter matches, so they agree with the table: how many, the status and evidence mix,
     * per chemistry a state-of-health histogram (bins of 5 %), and value against age for up to {@link #MAX_POINTS}.
     */
    public record Summary(long count, Map<String, Long> statuses, Map<String, Long> evidence, Map<String, long[]> histograms,
                          List<Point> points, long pointsOf) {
    }

    public record Point(String batteryCode, long manufacturedAt, double residualValue, String status) {
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Summary summary(FleetQuery.Where where) {
        long count = count(where);
        Map<String, Long> statuses = new TreeMap<>();
        for (Object[] row : grouped("f.status", where)) {
            statuses.put(row[0] == null ? "not assessed" : (String) row[0], (Long) row[1]);
        }
        Map<String, Long> evidence = new TreeMap<>();
        for (Object[] row : grouped("f.evidence", where)) {
            evidence.put((String) row[0], (Long) row[1]);
        }
        Map<String, long[]> histograms = new TreeMap<>();
        TypedQuery<Object[]> h = em.createQuery("select f.chemistry, f.stateOfHealth from FleetEntity f where "
                + where.and("f.stateOfHealth is not null and f.chemistry is not null"), Object[].class);
        bind(h, where.parameters());
        // Binned here, not in SQL: one pass over two columns, and the same rule (5 % bins, 100 % in the last) everywhere.
        h.getResultStream().forEach(row -> histograms.computeIfAbsent((String) row[0], k -> new long[BINS])[bin((Double) row[1])]++);
        String withValue = where.and("f.residualValue is not null and f.manufacturedAt is not null");
        TypedQuery<Long> pc = em.createQuery("select count(f) from FleetEntity f where " + withValue, Long.class);
        bind(pc, where.parameters());
        long pointsOf = pc.getSingleResult();
        TypedQuery<Object[]> p = em.createQuery("select f.batteryCode, f.manufacturedAt, f.residualValue, f.status from FleetEntity f where "
                + withValue + " order by f.batteryCode", Object[].class);
        bind(p, where.parameters());
        List<Point> points = p.setMaxResults(MAX_POINTS).getResultStream()
                .map(r -> new Point((String) r[0], (Long) r[1], (Double) r[2], (String) r[3])).toList();
        return new Summary(count, statuses, evidence, histograms, points, pointsOf);
    }

    static int bin(double soh) {
        return Math.max(0, Math.min(BINS - 1, (int) Math.floor(soh * BINS)));
    }

    private List<Object[]> grouped(String column, FleetQuery.Where where) {
        TypedQuery<Object[]> q = em.createQuery("select " + column + ", count(f) from FleetEntity f"
                + (where.jpql().isEmpty() ? "" : " where " + where.jpql()) + " group by " + column, Object[].class);
        bind(q, where.parameters());
        return q.getResultList();
    }

    private static void bind(TypedQuery<?> q, Map<String, Object> params) {
        params.forEach(q::setParameter);
    }

    // --- writes (the refresher, valuations) ---------------------------------------------------------------------------

    /** Registrations as the chain has them: a row for each new battery, due now when new or superseded. */
    public void registered(Collection<BatteryRegistry.Registration> registrations, long now) {
        Map<String, FleetEntity> rows = rows(registrations.stream().map(BatteryRegistry.Registration::batteryCode).toList());
        for (BatteryRegistry.Registration r : registrations) {
            FleetEntity e = rows.get(r.batteryCode());
            if (e == null) {
                e = new FleetEntity(r.batteryCode(), UnitKind.ofCode(r.batteryCode()).wire(), now);
                em.persist(e);
                rows.put(r.batteryCode(), e);
            }
            if (e.registrationVersion() != r.version() || e.registeredBy() == null) {
                e.registered(r.agency(), r.version(), r.manufacturedAtEpochSecond(), now);
            }
        }
    }

    /** Batteries this node took records of: a row for each (due now), whether or not the chain knows them yet. */
    public void touched(Collection<String> codes, long now) {
        Map<String, FleetEntity> rows = rows(codes);
        for (String code : codes) {
            FleetEntity e = rows.get(code);
            if (e == null) {
                em.persist(new FleetEntity(code, UnitKind.ofCode(code).wire(), now));
            } else {
                e.due(now);
            }
        }
    }

    /**
     * The chain's latest certificate of each battery, as {@code VALUATION_LATEST} says: a certificate the row does not
     * know yet (issued on another node, or here outside a lot) makes the battery due, so its figures follow.
     */
    public void certificates(Map<String, String> latest, long now) {
        Map<String, FleetEntity> rows = rows(latest.keySet());
        latest.forEach((code, id) -> {
            FleetEntity e = rows.get(code);
            if (e != null && !id.equals(e.certificateId())) {
                e.certificate(id);
                e.due(now);
            }
        });
    }

    private Map<String, FleetEntity> rows(Collection<String> codes) {
        Map<String, FleetEntity> out = new LinkedHashMap<>();
        List<String> all = List.copyOf(codes);
        for (int i = 0; i < all.size(); i += 500) {
            for (FleetEntity e : em.createQuery("select f from FleetEntity f where f.batteryCode in :c", FleetEntity.class)
                    .setParameter("c", all.subList(i, Math.min(all.size(), i + 500))).getResultList()) {
                out.put(e.batteryCode(), e);
            }
        }
        return out;
    }

    /** The row of a battery this node just valued with a certificate is fresh: looked at again after this long at the earliest. */
    public static final long FRESH_MILLIS = 10 * 60_000;

    /**
     * A battery this node just valued and certified: its row from that very valuation, with the certificate. Its
     * registration then finds the row's certificate current and does not make the row due: without this, every
     * certificate gathered the battery's evidence from every holder a second time, for the fleet table. Evidence with
     * holders missing or records not yet anchored is looked at again soon, as the refresher would.
     */
    public Assessed issued(ValuationService.Issued issued, long now) {
        Assessed a = Assessed.of(issued.valued(), issued.certificate().id());
        boolean settled = a.holdersMissing() == 0 && a.unanchored() == 0;
        assessed(issued.certificate().batteryCode(), a, now, now + (settled ? FRESH_MILLIS : FleetRefresher.UNANCHORED_RECHECK_MILLIS));
        return a;
    }

    public void assessed(String code, Assessed a, long now, long nextDue) {
        row(code, nextDue).assessed(a, now, nextDue);
    }

    /** See {@link FleetEntity#assessedWithoutSomeHolders}. */
    public void assessedWithoutSomeHolders(String code, Assessed a, long now, long firstRetry, long maxAge) {
        row(code, now).assessedWithoutSomeHolders(a, now, firstRetry, maxAge);
    }

    private FleetEntity row(String code, long dueAt) {
        FleetEntity e = em.find(FleetEntity.class, code);
        if (e == null) {
            e = new FleetEntity(code, UnitKind.ofCode(code).wire(), dueAt);
            em.persist(e);
        }
        return e;
    }

    public void notAssessed(String code, Evidence why, String detail, long now, long nextDue) {
        FleetEntity e = em.find(FleetEntity.class, code);
        if (e != null) {
            e.notAssessed(why, detail, now, nextDue);
        }
    }

    /** See {@link FleetEntity#unavailable}. */
    public void unavailable(String code, String detail, long now, long firstRetry, long maxAge) {
        FleetEntity e = em.find(FleetEntity.class, code);
        if (e != null) {
            e.unavailable(detail, now, firstRetry, maxAge);
        }
    }

    /** Batteries whose next assessment is due, the longest due first. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> due(long now, int max) {
        return em.createQuery("select f.batteryCode from FleetEntity f where f.dueAt <= :now order by f.dueAt, f.batteryCode", String.class)
                .setParameter("now", now).setMaxResults(max).getResultList();
    }

    // --- this node's intake, followed by its position ---------------------------------------------------------------

    /** The intake position the fleet has followed up to (0 at first). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long intakeMark() {
        FleetMark m = em.find(FleetMark.class, FleetMark.INTAKE);
        return m == null ? 0 : m.value();
    }

    /**
     * Records taken after {@code mark}, at most {@code max}: their batteries get a row (due now) and the mark moves, in
     * one transaction, so a crash neither loses nor repeats a step.
     *
     * @return the new mark
     */
    public long followIntake(long mark, int max, long now) {
        List<Object[]> taken = em.createQuery("select r.seq, r.batteryCode from RecordEntity r where r.seq > :m order by r.seq", Object[].class)
                .setParameter("m", mark).setMaxResults(max).getResultList();
        if (taken.isEmpty()) {
            return mark;
        }
        java.util.Set<String> codes = new java.util.LinkedHashSet<>();
        long last = mark;
        for (Object[] row : taken) {
            last = Math.max(last, (Long) row[0]);
            codes.add((String) row[1]);
        }
        touched(codes, now);
        FleetMark m = em.find(FleetMark.class, FleetMark.INTAKE);
        if (m == null) {
            em.persist(new FleetMark(FleetMark.INTAKE, last));
        } else {
            m.value(last);
        }
        return last;
    }

    /** Registered batteries after {@code afterCode} in code order, from the committed state's rows (a startup rescan). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<byte[]> registrationsAfter(String afterCode, int max) {
        List<byte[]> out = new ArrayList<>();
        for (Object v : em.createNativeQuery("select STATE_VALUE from LEDGER_STATE where STATE_TABLE = ?1 and STATE_KEY > ?2 order by STATE_KEY")
                .setParameter(1, org.batteryledger.core.contract.Tables.BATTERY).setParameter(2, afterCode).setMaxResults(max).getResultList()) {
            out.add(bytes(v));
        }
        return out;
    }

    /** A binary column as a native query gives it: bytes (PostgreSQL's bytea), or a Blob (H2's large binary column). */
    private static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        try {
            java.sql.Blob blob = (java.sql.Blob) v;
            return blob.getBytes(1, Math.toIntExact(blob.length()));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read a registry entry: " + e.getMessage(), e);
        }
    }
}
