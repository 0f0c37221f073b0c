package org.batteryledger.node.exchange;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.exchange.HeldRecord;
import org.batteryledger.core.exchange.ReceivedRecords;
import org.batteryledger.core.exchange.RecordPage;
import org.batteryledger.core.exchange.RecordPages;
import org.batteryledger.core.exchange.RecordQuery;
import org.batteryledger.core.merkle.InclusionProof;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.policy.DisclosurePolicy;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.node.records.BatchEntity;
import org.batteryledger.node.records.RecordEntity;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.LedgerService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The holder's side of the record exchange: answers another member's query within the consortium's disclosure
 * policy (on chain, so every holder applies the same rules) and logs the answer in the same transaction.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class RecordHolder {
    /** Disclosures kept at most: the log is pruned to the newest ones every {@link #PRUNE_EVERY} answers. */
    static final long MAX_DISCLOSURES_KEPT = 100_000;
    static final long PRUNE_EVERY = 1_000;
    private static final java.util.concurrent.atomic.AtomicLong ANSWERED = new java.util.concurrent.atomic.AtomicLong();

    @PersistenceContext(unitName = "ledger")
    private EntityManager em;
    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;

    public RecordPage answer(NodeId from, RecordQuery query, long now) {
        PointReads chain = ledger.committedState();
        NodeRecord asker = Registry.node(chain, from);
        String subject = query instanceof RecordQuery.Battery b ? b.batteryCode() : ((RecordQuery.Proof) query).recordHash().hex();
        String kind = query instanceof RecordQuery.Battery ? "battery" : "proof";
        String refusal = refusal(chain, from, asker);
        if (refusal != null) {
            em.persist(new DisclosureEntity(now, from.value(), asker == null ? "?" : asker.agency(), kind, subject, 0, refusal));
            return RecordPage.refused(query.requestId(), RecordPage.Status.REFUSED, refusal);
        }
        RecordPage page = query instanceof RecordQuery.Battery b
                ? battery(chain, asker, b, RecordPage.MAX_PAGE_BYTES, new HashMap<>(), store.heldBatteries(List.of(b.batteryCode())))
                : proof((RecordQuery.Proof) query);
        em.persist(new DisclosureEntity(now, from.value(), asker.agency(), kind, subject, page.records().size(),
                page.status() == RecordPage.Status.OK ? String.join("; ", page.refusals()) : page.reason()));
        logged(1);
        return page;
    }

    /**
     * Several batteries' pages in one transaction, in the query's order, their records at most {@link RecordPages#MAX_BYTES}
     * together: a battery this answer does not get to has an empty page that says there is more (and costs one row
     * read). One disclosure each.
     */
    public RecordPages answer(NodeId from, RecordQuery.Batteries query, long now) {
        PointReads chain = ledger.committedState();
        NodeRecord asker = Registry.node(chain, from);
        String refusal = refusal(chain, from, asker);
        if (refusal != null) {
            em.persist(new DisclosureEntity(now, from.value(), asker == null ? "?" : asker.agency(), "battery",
                    query.batteries().get(0).batteryCode() + (query.batteries().size() > 1 ? " and " + (query.batteries().size() - 1) + " more" : ""),
                    0, refusal));
            return RecordPages.refused(query.requestId(), RecordPage.Status.REFUSED, refusal);
        }
        Map<String, BatchEntity> batches = new HashMap<>();
        List<RecordPage> pages = new ArrayList<>(query.batteries().size());
        Set<String> held = store.heldBatteries(query.batteries().stream().map(RecordQuery.Battery::batteryCode).toList());
        int budget = RecordPages.MAX_BYTES;
        for (RecordQuery.Battery b : query.batteries()) {
            // A battery gets records while a whole page still fits; the rest only say whether there is more (one row
            // each), so a query reads at most about MAX_BYTES of records however its batteries are sized.
            RecordPage page = battery(chain, asker, b, budget >= RecordPage.MAX_PAGE_BYTES ? RecordPage.MAX_PAGE_BYTES : 0, batches, held);
            budget -= page.recordBytes();
            pages.add(page);
            em.persist(new DisclosureEntity(now, from.value(), asker.agency(), "battery", b.batteryCode(), page.records().size(),
                    String.join("; ", page.refusals())));
        }
        logged(pages.size());
        return new RecordPages(query.requestId(), RecordPage.Status.OK, "", pages);
    }

    /** Why a node may not ask at all (not a registered member node, or revoked), or null. */
    private static String refusal(PointReads chain, NodeId from, NodeRecord asker) {
        if (asker == null || Registry.isRevoked(chain, from)) {
            return "node " + from.shortId() + " is not a registered member node" + (asker == null ? "" : " (revoked)");
        }
        return null;
    }

    /** Counts logged disclosures; every {@link #PRUNE_EVERY} of them, the log is cut to its newest ones. */
    private void logged(int disclosures) {
        long before = ANSWERED.getAndAdd(disclosures);
        if (before / PRUNE_EVERY != (before + disclosures) / PRUNE_EVERY) {
            // A bound on the log however hard members ask (each may ask 20 times a second): the newest 100,000 stay.
            Long newest = em.createQuery("select max(d.id) from DisclosureEntity d", Long.class).getSingleResult();
            if (newest != null) {
                em.createQuery("delete from DisclosureEntity d where d.id < :cut").setParameter("cut", newest - MAX_DISCLOSURES_KEPT).executeUpdate();
            }
        }
    }

    /**
     * One battery's page, its records at most {@code maxBytes} (none when nothing is left: the page then says there is
     * more). {@code held}: the batteries asked for that this node holds records of; of any other, the page is empty
     * without a refusal (a holder of nothing has nothing to refuse), and costs no policy check or row read.
     */
    private RecordPage battery(PointReads chain, NodeRecord asker, RecordQuery.Battery q, int maxBytes, Map<String, BatchEntity> batches,
                               Set<String> held) {
        if (!held.contains(q.batteryCode())) {
            return new RecordPage(q.requestId(), RecordPage.Status.OK, "", List.of(), List.of(), false);
        }
        String holderAgency = ledger.agency().orElse("");
        String registeredBy = BatteryRegistry.registration(chain, q.batteryCode()).map(BatteryRegistry.Registration::agency).orElse(null);
        boolean chargedIt = q.standing() != null && new ReceivedRecords(ledger.suite(), chain).check(q.standing(), asker.agency(), q.batteryCode())
                instanceof ReceivedRecords.Verified v && v.record().record() instanceof BatteryRecord.Session;
        DisclosurePolicy.Asker who = new DisclosurePolicy.Asker(asker.agency(), Member.decode(chain.get(Tables.AGENCY, asker.agency())), chargedIt);
        List<String> types = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        if (q.masters()) {
            allowed(who, holderAgency, q.batteryCode(), registeredBy, DisclosurePolicy.RecordType.MASTER, "battery", types, refusals);
        }
        if (q.sessions()) {
            allowed(who, holderAgency, q.batteryCode(), registeredBy, DisclosurePolicy.RecordType.SESSION, "session", types, refusals);
        }
        if (types.isEmpty()) {
            return new RecordPage(q.requestId(), RecordPage.Status.OK, "", List.of(), refusals, false);
        }
        // With no bytes left, one row says whether there is more.
        List<RecordEntity> rows = store.anchoredRecords(q.batteryCode(), types, q.afterSeq(), maxBytes > 0 ? q.limit() + 1 : 1);
        return RecordPage.of(q.requestId(), held(rows, true, batches), q.limit(), refusals, rows.size() > q.limit(), maxBytes);
    }

    /** A refusal is said only where this node holds records of the type: a holder of nothing has nothing to refuse. */
    private void allowed(DisclosurePolicy.Asker who, String holder, String code, String registeredBy, DisclosurePolicy.RecordType type,
                         String recordType, List<String> types, List<String> refusals) {
        String refusal = DisclosurePolicy.refusal(who, holder, code, registeredBy, type);
        if (refusal == null) {
            types.add(recordType);
        } else if (!store.anchoredRecords(code, List.of(recordType), 0, 1).isEmpty()) {
            refusals.add(refusal);
        }
    }

    /**
     * This node's own anchored records of a battery as a page, as it would disclose them to its own agency: the
     * consortium view checks them the same way as any member's (a row changed in this node's database fails too).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public RecordPage ownPage(String batteryCode, boolean masters, boolean sessions, long afterSeq, int limit) {
        List<String> types = new ArrayList<>();
        if (masters) {
            types.add("battery");
        }
        if (sessions) {
            types.add("session");
        }
        List<RecordEntity> rows = types.isEmpty() ? List.of() : store.anchoredRecords(batteryCode, types, afterSeq, limit + 1);
        return RecordPage.of(0, held(rows, true, new HashMap<>()), limit, List.of(), rows.size() > limit);
    }

    /** A proof discloses where a record sits, not the record: the asker has it already, so no content goes out. */
    private RecordPage proof(RecordQuery.Proof q) {
        Optional<RecordEntity> r = store.sealedRecordByHash(q.recordHash().hex());
        if (r.isEmpty()) {
            return new RecordPage(q.requestId(), RecordPage.Status.OK, "", List.of(), List.of(), false);
        }
        List<HeldRecord> held = held(List.of(r.get()), false, new HashMap<>());
        return new RecordPage(q.requestId(), RecordPage.Status.OK, "", held, List.of(), false);
    }

    /**
     * Rows with their proofs; rows whose batch is not anchored are left out (they have no proof to travel with).
     * {@code batches}: the batches read so far in this answer.
     */
    private List<HeldRecord> held(List<RecordEntity> rows, boolean withContent, Map<String, BatchEntity> batches) {
        Map<String, MerkleTree> trees = new HashMap<>();
        List<HeldRecord> out = new ArrayList<>(rows.size());
        for (RecordEntity r : rows) {
            BatchEntity b = batches.computeIfAbsent(r.batchId(), id -> store.batch(id).orElse(null));
            if (b == null || b.status() != BatchEntity.Status.ANCHORED) {
                continue;
            }
            byte[] kept = r.auditPath();
            InclusionProof path = kept != null ? InclusionProof.decode(kept)
                    : trees.computeIfAbsent(b.batchId(), id -> MerkleTree.of(ledger.suite(), store.leaves(id))).inclusionProof(r.leafIndex());
            byte[] content = withContent ? r.canonicalBytes() : new byte[0];
            out.add(new HeldRecord(content, path, Hash.fromHex(b.root()), r.seq()));
        }
        return out;
    }

    /** The newest disclosures this node made, newest first. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<DisclosureEntity> disclosures(int limit) {
        return em.createQuery("select d from DisclosureEntity d order by d.id desc", DisclosureEntity.class).setMaxResults(limit).getResultList();
    }
}
