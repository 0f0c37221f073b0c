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
import org.batteryledger.core.json.Json;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.records.PassportService;
import org.batteryledger.node.records.RecordStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The batteries this node holds records of, and each one's history (the passport view). */
@RequestScoped
@Path("/batteries")
@Produces(MediaType.APPLICATION_JSON)
public class BatteryResource {
    static final int MAX_LIMIT = 10_000;

    @EJB
    private RecordStore records;
    @EJB
    private PassportService passports;

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
        PassportService.Passport p;
        try {
            p = passports.passport(code);
        } catch (InvalidInput e) {
            throw Problem.badRequest(e.getMessage());
        } catch (NotHeld e) {
            throw Problem.notFound(e.getMessage());
        }
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (PassportService.Entry s : p.sessions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("record", s.record());
            m.put("hash", s.hash());
            m.put("anchor", anchor(s.anchor()));
            sessions.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batteryCode", p.batteryCode());
        out.put("master", p.master().record());
        out.put("masterHash", p.master().hash());
        out.put("masterAnchor", anchor(p.master().anchor()));
        out.put("equivalentFullCycles", p.equivalentFullCycles());
        out.put("sessionCount", sessions.size());
        out.put("sessions", sessions);
        out.put("latestValuation", p.latestValuation() == null ? Json.NULL : valuation(p.latestValuation()));
        // Written with the core's JSON writer: the records are JSON trees of their own (numbers as sent, nulls).
        return Response.ok(Json.write(out), MediaType.APPLICATION_JSON).build();
    }

    private static Map<String, Object> anchor(PassportService.Anchor a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", a.status());
        if (a.blockHeight() != null) {
            m.put("blockHeight", a.blockHeight());
            m.put("txHash", a.txHash());
        }
        return m;
    }

    private static Map<String, Object> valuation(PassportService.Valuation v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("certificateId", v.certificateId());
        if (v.certificateHash() != null) {
            m.put("certificateHash", v.certificateHash());
            m.put("blockHeight", v.blockHeight());
            m.put("agency", v.agency());
        }
        return m;
    }
}
