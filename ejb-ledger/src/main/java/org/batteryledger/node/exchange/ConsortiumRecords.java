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
import org.batteryledger.core.state.StateView;
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
                           long leafIndex, long treeSize, String batchRoot) {
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

    /**
     * Every record of a battery the members disclose, page after page (for a valuation): at most {@code maxSessions}
     * sessions, or an {@link InvalidInput}-free {@link IllegalStateException} naming the bound.
     */
    public Gathering gatherAll(String batteryCode, int maxSessions) {
        Gathering first = gather(batteryCode, true, true, Cursor.decode(null), RecordQuery.MAX_LIMIT);
        List<Gathered> sessions = new ArrayList<>(first.sessions());
        Gathering page = first;
        boolean complete = first.complete();
        List<Holder> holders = new ArrayList<>(first.holders());
        while (page.nextCursor() != null) {
            if (sessions.size() > maxSessions) {
                throw new IllegalStateException("battery " + batteryCode + " has more than " + maxSessions + " sessions in the consortium");
            }
            page = gather(batteryCode, false, true, Cursor.decode(page.nextCursor()), RecordQuery.MAX_LIMIT);
            sessions.addAll(page.sessions());
            complete &= page.complete();
            for (Holder h : page.missing()) {
                if (holders.stream().noneMatch(x -> x.nodeId().equals(h.nodeId()) && x.status() == h.status())) {
                    holders.add(h); // a holder that answered the first page but not a later one is missing too
                }
            }
        }
        return new Gathering(first.masters(), sessions, holders, first.refusals(), null, complete);
    }

    private Gathering gather(String code, boolean masters, boolean sessions, Cursor from, int limit) {
        StateView chain = ledger.committedState();
        String ownAgency = ledger.agency().orElse("");
        NodeId self = ledger.nodeId();
        HeldRecord standing = masters ? standing(chain, ownAgency, code) : null;
        long timeout = timeoutMillis();
        Map<NodeRecord, CompletableFuture<RecordPage>> asked = new LinkedHashMap<>();
        for (NodeRecord n : ledger.activeNodes()) {
            long after = from.after(n.nodeId());
            asked.put(n, n.nodeId().equals(self)
                    ? CompletableFuture.completedFuture(holder.ownPage(code, masters, sessions, after, limit))
                    : exchange.ask(n.nodeId(), id -> new RecordQuery.Battery(id, code, masters, sessions, after, limit, standing), timeout));
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
            RecordPage page;
            try {
                page = e.getValue().join();
            } catch (CompletionException | java.util.concurrent.CancellationException ex) {
                Throwable cause = ex.getCause() == null ? ex : ex.getCause();
                String why = cause instanceof TimeoutException ? "no answer within " + timeout + " ms" : cause.getMessage();
                holders.add(new Holder(n.nodeId().value(), n.name(), n.agency(), Status.NOT_ANSWERING, why, 0, 0));
                complete = false;
                continue;
            }
            if (page.status() != RecordPage.Status.OK) {
                holders.add(new Holder(n.nodeId().value(), n.name(), n.agency(),
                        page.status() == RecordPage.Status.BUSY ? Status.BUSY : Status.REFUSED, page.reason(), 0, 0));
                complete = false;
                continue;
            }
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
                    v.registration(), h.path().leafIndex(), h.path().treeSize(), h.batchRoot().hex());
        }
        ReceivedRecords.Failed f = (ReceivedRecords.Failed) check;
        return new Gathered(null, f.recordId(), json, f.recordHash().hex(), n.name(), n.agency(), false, f.reason(), null, null, "", -1, 0, null);
    }

    /**
     * What shows a holder that this node's agency charged the battery: one of its own anchored sessions of it. Sent only
     * when the agency is a charging operator and nothing else (other kinds read master data by their kind).
     */
    private HeldRecord standing(StateView chain, String ownAgency, String code) {
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
