package org.batteryledger.node.passport;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.node.exchange.ConsortiumRecords;
import org.batteryledger.node.records.BatchEntity;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.records.RecordEntity;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.LedgerService;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A battery's passport view, the same for REST ({@code GET /batteries/{code}}) and SOAP ({@code getBattery}): the
 * consortium's view of the battery, not this node's. Master data and sessions come from every member node that holds
 * them ({@link ConsortiumRecords}), each checked against this node's chain and marked with its holder; a holder that
 * did not answer is named and the view says it is incomplete; records that failed their check are listed apart, never
 * counted. This node's own records that are not anchored yet are shown on the first page as pending.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class PassportService {
    public static final int DEFAULT_LIMIT = 200;
    public static final int MAX_LIMIT = 500;

    @EJB
    private RecordStore records;
    @EJB
    private LedgerService ledger;
    @EJB
    private ConsortiumRecords consortium;

    /** Where a record's hash is: {@code pending} (no batch yet), {@code sealed}, {@code submitted} or {@code anchored}. */
    public record Anchor(String status, Long blockHeight, String txHash) {
    }

    /**
     * A record (its JSON tree), its hash and anchor, which member node holds it, and whether this node verified it
     * against the chain ({@code verification} says how, or why not).
     */
    public record Entry(Map<?, ?> record, String hash, Anchor anchor, String holder, String holderAgency, boolean verified, String verification) {
    }

    public record Valuation(String certificateId, String certificateHash, Long blockHeight, String agency) {
    }

    /** The battery as registered on chain; {@code null} in the passport when no member registered it yet. */
    public record Registration(String agency, long blockHeight, long version, String masterHash) {
    }

    /**
     * @param master               the current master record (null when no answering member holds it)
     * @param equivalentFullCycles over every session, or null when the sessions come in pages (see nextCursor)
     * @param failed               records a holder sent that failed their check: never counted or used
     * @param holders              every member node asked, and how it answered
     * @param refusals             what the data-sharing policy withheld from this node, by holder
     * @param latestValuation      null when the battery has none on chain
     */
    public record Passport(String batteryCode, Registration registration, Entry master, Double equivalentFullCycles, List<Entry> sessions,
                           List<Entry> failed, List<ConsortiumRecords.Holder> holders, List<String> refusals, boolean complete,
                           String nextCursor, Valuation latestValuation) {
        public List<ConsortiumRecords.Holder> missing() {
            return holders.stream().filter(h -> h.status() != ConsortiumRecords.Status.SELF && h.status() != ConsortiumRecords.Status.ANSWERED).toList();
        }
    }

    public Passport passport(String code) {
        return passport(code, null, DEFAULT_LIMIT);
    }

    /**
     * @throws InvalidInput for a code that cannot be a battery code, a limit out of range or a foreign cursor
     * @throws NotHeld when no member registered the battery and no answering member holds a record of it
     */
    public Passport passport(String code, String cursor, int limit) {
        if (code == null || !RecordSchema.BATTERY_CODE.matcher(code).matches()) {
            throw new InvalidInput("a battery code is 1-64 characters of [A-Z0-9-], not '" + code + "'");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInput("limit must be 1 to " + MAX_LIMIT + ", not " + limit);
        }
        ConsortiumRecords.Gathering g = consortium.gather(code, cursor, limit);
        Registration registration = BatteryRegistry.registration(ledger.committedState(), code)
                .map(r -> new Registration(r.agency(), r.height(), r.version(), r.masterHash().hex())).orElse(null);
        List<Entry> masters = new ArrayList<>();
        List<Entry> sessions = new ArrayList<>();
        List<Entry> failed = new ArrayList<>();
        for (ConsortiumRecords.Gathered r : g.masters()) {
            (r.verified() ? masters : failed).add(entry(r));
        }
        for (ConsortiumRecords.Gathered r : g.sessions()) {
            (r.verified() ? sessions : failed).add(entry(r));
        }
        boolean firstPage = cursor == null || cursor.isEmpty();
        if (firstPage) {
            pendingHere(code, masters, sessions);
        }
        Entry master = masters.stream().filter(m -> registration != null && m.hash().equals(registration.masterHash())).findFirst()
                .orElse(masters.isEmpty() ? null : masters.get(masters.size() - 1));
        if (master == null && sessions.isEmpty() && registration == null) {
            throw new NotHeld("no member holds a battery record for " + code + (g.complete() ? ""
                    : " (not every member answered: " + String.join(", ", g.missing().stream().map(ConsortiumRecords.Holder::name).toList()) + ")"));
        }
        Double efc = firstPage && g.nextCursor() == null ? equivalentFullCycles(sessions) : null;
        return new Passport(code, registration, master, efc, sessions, failed, g.holders(), g.refusals(), g.complete(), g.nextCursor(),
                latestValuation(code));
    }

    private static Entry entry(ConsortiumRecords.Gathered r) {
        Map<?, ?> tree = r.verified() ? (Map<?, ?>) Json.parse(r.canonicalJson()) : Map.of("recordId", r.recordId() == null ? "" : r.recordId());
        Anchor anchor = r.verified() ? new Anchor("anchored", r.blockHeight(), r.txHash()) : new Anchor("failed", null, null);
        String verification = r.registration().isEmpty() ? r.verification() : r.verification() + "; registration " + r.registration();
        return new Entry(tree, r.hash(), anchor, r.holderName(), r.holderAgency(), r.verified(), verification);
    }

    /** This node's records of the battery that are not anchored yet: shown as pending, verified once anchored. */
    private void pendingHere(String code, List<Entry> masters, List<Entry> sessions) {
        String agency = ledger.agency().orElse("");
        for (RecordEntity r : records.unanchoredRecords(code)) {
            Optional<BatchEntity> b = r.batchId() == null ? Optional.empty() : records.batch(r.batchId());
            String status = b.map(x -> x.status().name().toLowerCase(Locale.ROOT)).orElse("pending");
            Entry e = new Entry((Map<?, ?>) Json.parse(r.canonicalJson()), r.recordHash(), new Anchor(status, null, null), ledger.nodeName(),
                    agency, false, "not anchored yet (" + status + ")");
            (r.type().equals("battery") ? masters : sessions).add(e);
        }
    }

    private static double equivalentFullCycles(List<Entry> sessions) {
        double halfCycles = 0;
        for (Entry s : sessions) {
            halfCycles += Math.abs(((Number) s.record().get("socEnd")).doubleValue() - ((Number) s.record().get("socStart")).doubleValue());
        }
        return Math.round(halfCycles / 2 * 1000) / 1000.0;
    }

    private Valuation latestValuation(String code) {
        Optional<byte[]> id = ledger.state(Tables.VALUATION_LATEST, code);
        if (id.isEmpty()) {
            return null;
        }
        String certificateId = new String(id.get(), StandardCharsets.UTF_8);
        return ledger.state(Tables.VALUATION, certificateId).map(Payloads.Valuation::decode)
                .map(v -> new Valuation(certificateId, v.certificateHash().hex(), v.height(), v.agency()))
                .orElse(new Valuation(certificateId, null, null, null));
    }
}
