package org.batteryledger.node.exchange;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.exchange.HeldRecord;
import org.batteryledger.core.exchange.ReceivedRecords;
import org.batteryledger.core.exchange.RecordPage;
import org.batteryledger.core.exchange.RecordQuery;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.service.LedgerService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * The asker's side of the record exchange: a battery's records gathered from every member node that holds them (this
 * one included), each checked against this node's chain before it is shown or used, each marked with its holder. A
 * node that does not answer is named, and the gathering says it is incomplete; a record that fails its check is
 * reported with its holder and the reason, and is never used.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ConsortiumRecords {
    /** How long a holder has to answer, unless {@code exchange.timeout.millis} in node.properties says otherwise. */
    static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

    @EJB
    private RecordExchange exchange;
    @EJB
    private RecordHolder holder;
    @EJB
    private RecordStore store;
    @EJB
    private LedgerService ledger;
    @EJB
    private NodeRuntime runtime;

    /** How one member node took part in a gathering. */
    public record Holder(String nodeId, String name, String agency, Status status, String reason, int records, int failed) {
    }

    public enum Status {
        SELF, ANSWERED, NOT_ANSWERING, BUSY, REFUSED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    /** A record as gathered: verified (with its anchor) or failed (with the reason), and who holds it. */
    public record Gathered(BatteryRecord record, String recordId, String canonicalJson, String hash, String holderName, String holderAgency,
                           boolean verified, String verification, Long blockHeight, String txHash, String registration,
                           String batchRoot, org.batteryledger.core.merkle.InclusionProof path) {
        /** The record's leaf in its batch; -1 for a record that failed its check. */
        public long leafIndex() {
            return path == null ? -1 : path.leafIndex();
        }

        public long treeSize() {
            return path == null ? 0 : path.treeSize();
        }
    }

    /**
     * @param nextCursor null when there is nothing after this page
     * @param complete   every member node answered (policy refusals aside: they are listed in {@code refusals})
     */
    public record Gathering(List<Gathered> masters, List<Gathered> sessions, List<Holder> holders, List<String> refusals, String nextCursor,
                            boolean complete) {
        public List<Holder> missing() {
            return holders.stream().filter(h -> h.status() == Status.NOT_ANSWERING || h.status() == Status.BUSY
                    || h.status() == Status.REFUSED).toList();
        }
    }

    /**
     * One page of a battery's consortium records: master records (on the first page) and up to {@code limit} sessions
     * after {@code cursor}, merged by start time over the holders.
     */
    public Gathering gather(String batteryCode, String cursor, int limit) {
        Cursor from = Cursor.decode(cursor);
        return gather(batteryCode, from.isStart(), true, from, limit);
    }

    /** Times a busy holder is asked again during a {@link #gatherAll}, a little later each time. */
    static final int BUSY_RETRIES = 3;

    /**
     * Every record of a battery the members disclose (for a valuation): each holder is read page after page on its own
     * (pages of 500, rounds in parallel over the holders), a busy holder asked again a little later, up to
     * {@link #BUSY_RETRIES} times.
     *
     * @throws IllegalStateException when the battery has more than {@code maxSessions} sessions
     */
    public Gathering gatherAll(String code, int maxSessions) {
        PointReads chain = ledger.committedState();
        String ownAgency = ledger.agency().orElse("");
        NodeId self = ledger.nodeId();
        HeldRecord standing = standing(chain, ownAgency, code);
        long timeout = timeoutMillis();
        ReceivedRecords checker = new ReceivedRecords(ledger.suite(), chain);
        Map<NodeRecord, Long> open = new LinkedHashMap<>(); // holder -> position after which its next page starts
        Map<NodeRecord, Integer> busy = new LinkedHashMap<>();
        Map<NodeRecord, int[]> counts = new LinkedHashMap<>(); // holder -> {records, failed}
        ledger.activeNodes().forEach(n -> open.put(n, 0L));
        List<Gathered> masters = new ArrayList<>();
        List<Gathered> sessions = new ArrayList<>();
        List<Holder> silent = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        while (!open.isEmpty()) {
            Map<NodeRecord, CompletableFuture<RecordPage>> asked = new LinkedHashMap<>();
            for (Map.Entry<NodeRecord, Long> e : open.entrySet()) {
                NodeRecord n = e.getKey();
                long after = e.getValue();
                asked.put(n, askPage(n, self, code, true, true, after, RecordQuery.MAX_LIMIT, standing, timeout));
            }
            for (Map.Entry<NodeRecord, CompletableFuture<RecordPage>> e : asked.entrySet()) {
                NodeRecord n = e.getKey();
                Answer a = answer(n, e.getValue(), timeout);
                if (a.failure() != null && a.failure().status() == Status.BUSY && busy.merge(n, 1, Integer::sum) <= BUSY_RETRIES) {
                    pause(250L * busy.get(n));
                    continue; // asked again next round, from the same position
                }
                if (a.failure() != null) {
                    silent.add(a.failure());
                    open.remove(n);
                    continue;
                }
                RecordPage page = a.page();
                if (!counts.containsKey(n)) { // its first page: the policy's refusals are the same on every page
                    page.refusals().forEach(r -> refusals.add(n.name() + ": " + r));
                }
                int[] c = counts.computeIfAbsent(n, k -> new int[2]);
                long last = open.get(n);
                for (HeldRecord h : page.records()) {
                    Gathered g = gathered(checker.check(h, n.agency(), code), h, n);
                    c[0]++;
                    c[1] += g.verified() ? 0 : 1;
                    (g.record() instanceof BatteryRecord.Master ? masters : sessions).add(g);
                    last = Math.max(last, h.seq());
                }
                if (sessions.size() > maxSessions) {
                    throw new IllegalStateException("battery " + code + " has more than " + maxSessions + " sessions in the consortium");
                }
                if (page.more()) {
                    open.put(n, last);
                } else {
                    open.remove(n);
                }
            }
        }
        List<Holder> holders = new ArrayList<>();
        counts.forEach((n, c) -> holders.add(new Holder(n.nodeId().value(), n.name(), n.agency(), n.nodeId().equals(self) ? Status.SELF : Status.ANSWERED,
                "", c[0], c[1])));
        holders.addAll(silent);
        return new Gathering(masters, sessions, holders, refusals, null, silent.isEmpty());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // a busy holder's share refills at 20 queries a second: a short pause is enough
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Gathering gather(String code, boolean masters, boolean sessions, Cursor from, int limit) {
        PointReads chain = ledger.committedState();
        String ownAgency = ledger.agency().orElse("");
        NodeId self = ledger.nodeId();
        HeldRecord standing = masters ? standing(chain, ownAgency, code) : null;
        long timeout = timeoutMillis();
        Map<NodeRecord, CompletableFuture<RecordPage>> asked = new LinkedHashMap<>();
        for (NodeRecord n : ledger.activeNodes()) {
            asked.put(n, askPage(n, self, code, masters, sessions, from.after(n.nodeId()), limit, standing, timeout));
        }
        ReceivedRecords checker = new ReceivedRecords(ledger.suite(), chain);
        List<Holder> holders = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        List<Gathered> foundMasters = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        Map<NodeId, Boolean> more = new LinkedHashMap<>();
        boolean complete = true;
        for (Map.Entry<NodeRecord, CompletableFuture<RecordPage>> e : asked.entrySet()) {
            NodeRecord n = e.getKey();
            boolean isSelf = n.nodeId().equals(self);
            Answer a = answer(n, e.getValue(), timeout);
            if (a.failure() != null) {
                holders.add(a.failure());
                complete = false;
                continue;
            }
            RecordPage page = a.page();
            for (String r : page.refusals()) {
                refusals.add(n.name() + ": " + r);
            }
            int failed = 0;
            for (HeldRecord h : page.records()) {
                Gathered g = gathered(checker.check(h, n.agency(), code), h, n);
                failed += g.verified() ? 0 : 1;
                if (g.record() instanceof BatteryRecord.Master) {
                    foundMasters.add(g);
                } else {
                    candidates.add(new Candidate(g, n.nodeId(), h.seq()));
                }
            }
            more.put(n.nodeId(), page.more());
            holders.add(new Holder(n.nodeId().value(), n.name(), n.agency(), isSelf ? Status.SELF : Status.ANSWERED, "",
                    page.records().size(), failed));
        }
        candidates.sort(Comparator.comparing((Candidate c) -> c.started()).thenComparing(c -> c.gathered().recordId() == null ? "" : c.gathered().recordId()));
        List<Gathered> page = new ArrayList<>();
        Cursor next = from.copy();
        boolean left = false;
        for (Candidate c : candidates) {
            if (page.size() == limit) {
                left = true;
                break;
            }
            page.add(c.gathered());
            next.advance(c.holder(), c.seq());
        }
        boolean anyMore = left || more.values().stream().anyMatch(Boolean::booleanValue);
        return new Gathering(foundMasters, page, holders, refusals, anyMore ? next.encode() : null, complete);
    }

    /** This node answers itself; any other holder is asked over the peer links. */
    private CompletableFuture<RecordPage> askPage(NodeRecord n, NodeId self, String code, boolean masters, boolean sessions, long after,
                                                  int limit, HeldRecord standing, long timeout) {
        return n.nodeId().equals(self) ? CompletableFuture.completedFuture(holder.ownPage(code, masters, sessions, after, limit))
                : exchange.askBattery(n.nodeId(), new RecordQuery.Battery(0, code, masters, sessions, after, limit, standing), timeout);
    }

    /** A holder's page, or how it failed to give one (no answer in time, no link, busy, refused). */
    private record Answer(RecordPage page, Holder failure) {
    }

    private static Answer answer(NodeRecord n, CompletableFuture<RecordPage> asked, long timeout) {
        RecordPage page;
        try {
            page = asked.join();
        } catch (CompletionException | java.util.concurrent.CancellationException ex) {
            Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            String why = cause instanceof TimeoutException ? "no answer within " + timeout + " ms" : cause.getMessage();
            return new Answer(null, new Holder(n.nodeId().value(), n.name(), n.agency(), Status.NOT_ANSWERING, why, 0, 0));
        }
        if (page.status() != RecordPage.Status.OK) {
            return new Answer(null, new Holder(n.nodeId().value(), n.name(), n.agency(),
                    page.status() == RecordPage.Status.BUSY ? Status.BUSY : Status.REFUSED, page.reason(), 0, 0));
        }
        return new Answer(page, null);
    }

    private record Candidate(Gathered gathered, NodeId holder, long seq) {
        String started() {
            return gathered.record() instanceof BatteryRecord.Session s ? s.startedAt().toString() : "";
        }
    }

    private static Gathered gathered(ReceivedRecords.Check check, HeldRecord h, NodeRecord n) {
        String json = new String(h.canonical(), java.nio.charset.StandardCharsets.UTF_8);
        if (check instanceof ReceivedRecords.Verified v) {
            return new Gathered(v.record().record(), v.record().record().recordId(), json, v.recordHash().hex(), n.name(), n.agency(), true,
                    "anchored in block " + v.anchor().height() + " by " + v.anchor().agency(), v.anchor().height(), v.anchor().txHash().hex(),
                    v.registration(), h.batchRoot().hex(), h.path());
        }
        ReceivedRecords.Failed f = (ReceivedRecords.Failed) check;
        return new Gathered(null, f.recordId(), json, f.recordHash().hex(), n.name(), n.agency(), false, f.reason(), null, null, "", null, null);
    }

    /**
     * What shows a holder that this node's agency charged the battery: one of its own anchored sessions of it. Sent only
     * when the agency is a charging operator and nothing else (other kinds read master data by their kind).
     */
    private HeldRecord standing(PointReads chain, String ownAgency, String code) {
        Member m = Member.decode(chain.get(Tables.AGENCY, ownAgency));
        if (!m.is(MemberKind.CHARGING) || m.is(MemberKind.RECYCLER) || m.is(MemberKind.AUDITOR)) {
            return null;
        }
        List<HeldRecord> own = holder.ownPage(code, false, true, 0, 1).records();
        return own.isEmpty() ? null : own.get(0);
    }

    private long timeoutMillis() {
        try {
            String v = runtime.directory().properties().getProperty("exchange.timeout.millis");
            return v == null ? DEFAULT_TIMEOUT_MILLIS : Math.max(100, Long.parseLong(v.trim()));
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_TIMEOUT_MILLIS;
        }
    }

    /** Per holder, the intake position after which its next page starts: opaque to clients (base64url). */
    static final class Cursor {
        private final Map<String, Long> after;

        private Cursor(Map<String, Long> after) {
            this.after = after;
        }

        boolean isStart() {
            return after.isEmpty();
        }

        long after(NodeId node) {
            return after.getOrDefault(node.value(), 0L);
        }

        void advance(NodeId node, long seq) {
            after.merge(node.value(), seq, Math::max);
        }

        Cursor copy() {
            return new Cursor(new LinkedHashMap<>(after));
        }

        String encode() {
            StringBuilder b = new StringBuilder();
            after.forEach((k, v) -> b.append(b.length() == 0 ? "" : ";").append(k).append('=').append(v));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        static Cursor decode(String s) {
            Map<String, Long> after = new LinkedHashMap<>();
            if (s == null || s.isEmpty()) {
                return new Cursor(after);
            }
            try {
                if (s.length() > 8192) {
                    throw new IllegalArgumentException("too long");
                }
                String text = new String(java.util.Base64.getUrlDecoder().decode(s), java.nio.charset.StandardCharsets.UTF_8);
                for (String part : text.split(";")) {
                    String[] kv = part.split("=", 2);
                    new NodeId(kv[0]); // a node id, or IllegalArgumentException
                    long seq = Long.parseLong(kv[1]);
                    if (seq < 0) {
                        throw new IllegalArgumentException("negative position");
                    }
                    after.put(kv[0], seq);
                }
                return new Cursor(after);
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new InvalidInput("cursor is not one this node gave out (" + e.getMessage() + "); start without one");
            }
        }
    }
}
