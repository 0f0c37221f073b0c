package org.batteryledger.node.records;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.node.service.LedgerService;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A battery's passport view, the same for REST ({@code GET /batteries/{code}}) and SOAP ({@code getBattery}): its
 * master data, its sessions with their hashes and anchors, equivalent full cycles, and its latest valuation on chain.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class PassportService {
    @EJB
    private RecordStore records;
    @EJB
    private LedgerService ledger;

    /** Where a record's hash is: {@code pending} (no batch yet), {@code sealed}, {@code submitted} or {@code anchored}. */
    public record Anchor(String status, Long blockHeight, String txHash) {
    }

    /** A record as stored (its JSON tree), its hash and its anchor. */
    public record Entry(Map<?, ?> record, String hash, Anchor anchor) {
    }

    public record Valuation(String certificateId, String certificateHash, Long blockHeight, String agency) {
    }

    /** @param latestValuation null when the battery has none on chain */
    public record Passport(String batteryCode, Entry master, double equivalentFullCycles, List<Entry> sessions, Valuation latestValuation) {
    }

    /**
     * @throws InvalidInput for a code that cannot be a battery code
     * @throws NotHeld when this node holds no battery record of the code
     */
    public Passport passport(String code) {
        if (code == null || !RecordSchema.BATTERY_CODE.matcher(code).matches()) {
            throw new InvalidInput("a battery code is 1-64 characters of [A-Z0-9-], not '" + code + "'");
        }
        List<RecordEntity> history = records.history(code);
        Optional<RecordEntity> master = history.stream().filter(r -> r.type().equals("battery")).findFirst();
        if (master.isEmpty()) {
            throw new NotHeld("this node holds no battery record for " + code);
        }
        Map<String, Optional<BatchEntity>> batches = new HashMap<>(); // sessions share a few batches: look each up once
        List<Entry> sessions = new ArrayList<>();
        double halfCycles = 0;
        for (RecordEntity r : history) {
            if (r.type().equals("session")) {
                Map<?, ?> s = (Map<?, ?>) Json.parse(r.canonicalJson());
                halfCycles += Math.abs(((BigDecimal) s.get("socEnd")).doubleValue() - ((BigDecimal) s.get("socStart")).doubleValue());
                sessions.add(new Entry(s, r.recordHash(), anchor(r, batches)));
            }
        }
        Entry m = new Entry((Map<?, ?>) Json.parse(master.get().canonicalJson()), master.get().recordHash(), anchor(master.get(), batches));
        return new Passport(code, m, Math.round(halfCycles / 2 * 1000) / 1000.0, sessions, latestValuation(code));
    }

    private Anchor anchor(RecordEntity r, Map<String, Optional<BatchEntity>> batches) {
        Optional<BatchEntity> b = r.batchId() == null ? Optional.empty() : batches.computeIfAbsent(r.batchId(), records::batch);
        String status = b.map(x -> x.status().name().toLowerCase(Locale.ROOT)).orElse("pending");
        return b.filter(x -> x.status() == BatchEntity.Status.ANCHORED).map(x -> new Anchor(status, x.height(), x.txHash()))
                .orElse(new Anchor(status, null, null));
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
