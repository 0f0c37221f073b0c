package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.node.records.BatchEntity;
import org.batteryledger.node.records.RecordEntity;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.LedgerService;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The batteries this node holds records of, and each one's history (the passport view). */
@RequestScoped
@Path("/batteries")
@Produces(MediaType.APPLICATION_JSON)
public class BatteryResource {
    static final int MAX_LIMIT = 10_000;

    @EJB
    private RecordStore records;
    @EJB
    private LedgerService ledger;

    @GET
    public List<Map<String, Object>> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Problem.badRequest("limit must be from 1 to " + MAX_LIMIT + ", not " + limit);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (RecordStore.BatterySummary b : records.batteries(limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batteryCode", b.batteryCode());
            m.put("chemistry", b.chemistry());
            m.put("sessions", b.sessions());
            out.add(m);
        }
        return out;
    }

    @GET
    @Path("{code}")
    public Response battery(@PathParam("code") String code) {
        if (!RecordSchema.BATTERY_CODE.matcher(code).matches()) {
            throw Problem.badRequest("a battery code is 1-64 characters of [A-Z0-9-], not '" + code + "'");
        }
        List<RecordEntity> history = records.history(code);
        Optional<RecordEntity> master = history.stream().filter(r -> r.type().equals("battery")).findFirst();
        if (master.isEmpty()) {
            throw Problem.notFound("this node holds no battery record for " + code);
        }
        Map<String, Optional<BatchEntity>> batches = new HashMap<>(); // sessions share a few batches: look each up once
        List<Map<String, Object>> sessions = new ArrayList<>();
        double halfCycles = 0;
        for (RecordEntity r : history) {
            if (r.type().equals("session")) {
                Map<?, ?> s = (Map<?, ?>) Json.parse(r.canonicalJson());
                halfCycles += Math.abs(((BigDecimal) s.get("socEnd")).doubleValue() - ((BigDecimal) s.get("socStart")).doubleValue());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("record", s);
                m.put("hash", r.recordHash());
                m.put("anchor", anchor(r, batches));
                sessions.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batteryCode", code);
        out.put("master", Json.parse(master.get().canonicalJson()));
        out.put("masterHash", master.get().recordHash());
        out.put("masterAnchor", anchor(master.get(), batches));
        out.put("equivalentFullCycles", Math.round(halfCycles / 2 * 1000) / 1000.0);
        out.put("sessionCount", sessions.size());
        out.put("sessions", sessions);
        out.put("latestValuation", latestValuation(code));
        // Written with the core's JSON writer: the records are JSON trees of their own (numbers as sent, nulls).
        return Response.ok(Json.write(out), MediaType.APPLICATION_JSON).build();
    }

    private Map<String, Object> anchor(RecordEntity r, Map<String, Optional<BatchEntity>> batches) {
        Map<String, Object> m = new LinkedHashMap<>();
        Optional<BatchEntity> b = r.batchId() == null ? Optional.empty() : batches.computeIfAbsent(r.batchId(), records::batch);
        m.put("status", b.map(x -> x.status().name().toLowerCase(java.util.Locale.ROOT)).orElse("pending"));
        b.filter(x -> x.status() == BatchEntity.Status.ANCHORED).ifPresent(x -> {
            m.put("blockHeight", x.height());
            m.put("txHash", x.txHash());
        });
        return m;
    }

    private Object latestValuation(String code) {
        Optional<byte[]> id = ledger.state(Tables.VALUATION_LATEST, code);
        if (id.isEmpty()) {
            return Json.NULL;
        }
        String certificateId = new String(id.get(), StandardCharsets.UTF_8);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("certificateId", certificateId);
        ledger.state(Tables.VALUATION, certificateId).map(Payloads.Valuation::decode).ifPresent(v -> {
            m.put("certificateHash", v.certificateHash().hex());
            m.put("blockHeight", v.height());
            m.put("agency", v.agency());
        });
        return m;
    }
}
