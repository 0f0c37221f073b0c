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
import org.batteryledger.node.exchange.ConsortiumRecords;
import org.batteryledger.node.fleet.FleetIndex;
import org.batteryledger.node.fleet.FleetQuery;
import org.batteryledger.node.passport.PassportService;
import org.batteryledger.node.valuation.ValuationKeys;
import org.batteryledger.node.valuation.ValuationService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The batteries this node holds records of, and each one's history (the passport view). */
@RequestScoped
@Path("/batteries")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "batteries")
public class BatteryResource {

    @EJB
    private PassportService passports;
    @EJB
    private ValuationService valuations;
    @EJB
    private FleetIndex fleet;
    @EJB
    private ValuationKeys keys;
    @jakarta.ws.rs.core.Context
    private jakarta.ws.rs.core.UriInfo uri;

    /**
     * The fleet table: every battery this node knows (registered on chain by any member, or with records here), with
     * this node's latest assessment from the consortium's evidence. Sorted ({@code sort=stateOfHealth},
     * {@code sort=-residualValue}), filtered in RSQL ({@code filter=chemistry==NMC;stateOfHealth=ge=0.8}) and paged by
     * an opaque cursor: the next page's address is in the {@code Link} header (rel="next"), the number of matching rows
     * in {@code X-Total-Count}. {@code prefix} (a battery code's beginning) is kept for older clients.
     */
    @GET
    public Response list(@QueryParam("limit") Integer limit, @QueryParam("prefix") @DefaultValue("") String prefix,
                         @QueryParam("sort") String sort, @QueryParam("filter") String filter, @QueryParam("cursor") String cursor) {
        int l = FleetQuery.limit(limit);
        String p = prefix.trim().toUpperCase(java.util.Locale.ROOT);
        if (!p.matches("[A-Z0-9-]{0,64}")) {
            throw Problem.badRequest("a battery code prefix is up to 64 characters of [A-Z0-9-], not '" + prefix + "'");
        }
        String f = p.isEmpty() ? filter : (filter == null || filter.isBlank() ? "" : "(" + filter + ");") + "batteryCode==" + p + "*";
        long now = System.currentTimeMillis() / 1000;
        FleetQuery.Sort order = FleetQuery.Sort.parse(sort);
        FleetIndex.Page page = fleet.page(order, f, FleetQuery.filter(f, now), FleetQuery.Cursor.decode(cursor, order, f), l);
        List<FleetRows.Row> rows = page.rows().stream().map(e -> FleetRows.row(e, now)).toList();
        Response.ResponseBuilder r = Response.ok(rows, MediaType.APPLICATION_JSON).header("X-Total-Count", page.total());
        if (page.nextCursor() != null) {
            r.link(uri.getRequestUriBuilder().replaceQueryParam("cursor", page.nextCursor()).build(), "next");
        }
        return r.build();
    }

    /** The pictures of the rows a filter matches (the same filter as the table's), so picture and table agree. */
    @GET
    @Path("summary")
    public FleetRows.Summary summary(@QueryParam("filter") String filter) {
        long now = System.currentTimeMillis() / 1000;
        FleetIndex.Summary s = fleet.summary(FleetQuery.filter(filter, now));
        var parameters = keys.keys().parameters();
        FleetRows.Bands bands = parameters == null ? null : new FleetRows.Bands(parameters.endOfLifeSoh(), parameters.secondLifeFloorSoh());
        return FleetRows.summary(filter, s, bands, now);
    }

    @GET
    @Path("{code}")
    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "getBattery", summary = "A battery as the consortium knows it (as the WSDL's getBattery)")
    public Response battery(@PathParam("code") String code, @QueryParam("format") String format, @QueryParam("cursor") String cursor,
                            @QueryParam("limit") @DefaultValue("" + PassportService.DEFAULT_LIMIT) int limit) {
        if ("batterypass".equals(format)) {
            return batteryPass(code);
        }
        if (format != null && !format.equals("passport")) {
            throw Problem.badRequest("format must be passport or batterypass, not '" + format + "'");
        }
        PassportService.Passport p = passports.passport(code, cursor, limit); // refusals: ProblemMapper
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (PassportService.Entry s : p.sessions()) {
            sessions.add(entry(s));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batteryCode", p.batteryCode());
        out.put("registration", p.registration() == null ? Json.NULL : registration(p.registration()));
        out.put("master", p.master() == null ? Json.NULL : p.master().record());
        if (p.master() != null) {
            out.put("masterHash", p.master().hash());
            out.put("masterAnchor", anchor(p.master().anchor()));
            out.put("masterHolder", holderOf(p.master()));
        }
        out.put("equivalentFullCycles", p.equivalentFullCycles() == null ? Json.NULL : p.equivalentFullCycles());
        out.put("sessionCount", sessions.size());
        out.put("sessions", sessions);
        out.put("nextCursor", p.nextCursor() == null ? Json.NULL : p.nextCursor());
        out.put("complete", p.complete());
        List<Map<String, Object>> holders = new ArrayList<>();
        for (ConsortiumRecords.Holder h : p.holders()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", h.name());
            m.put("nodeId", h.nodeId());
            m.put("agency", h.agency());
            m.put("status", h.status().label());
            if (!h.reason().isEmpty()) {
                m.put("reason", h.reason());
            }
            m.put("records", h.records());
            m.put("failed", h.failed());
            holders.add(m);
        }
        out.put("holders", holders);
        out.put("missing", p.missing().stream().map(ConsortiumRecords.Holder::name).toList());
        out.put("refusals", p.refusals());
        out.put("failed", p.failed().stream().map(BatteryResource::entry).toList());
        out.put("latestValuation", p.latestValuation() == null ? Json.NULL : valuation(p.latestValuation()));
        // Written with the core's JSON writer: the records are JSON trees of their own (numbers as sent, nulls).
        return Response.ok(Json.write(out), MediaType.APPLICATION_JSON).build();
    }

    private static Map<String, Object> entry(PassportService.Entry s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", s.record());
        m.put("hash", s.hash());
        m.put("anchor", anchor(s.anchor()));
        m.put("holder", holderOf(s));
        return m;
    }

    private static Map<String, Object> holderOf(PassportService.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", e.holder());
        m.put("agency", e.holderAgency());
        m.put("verified", e.verified());
        m.put("verification", e.verification());
        return m;
    }

    private static Map<String, Object> registration(PassportService.Registration r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agency", r.agency());
        m.put("blockHeight", r.blockHeight());
        m.put("version", r.version());
        m.put("masterHash", r.masterHash());
        return m;
    }

    /**
     * The battery in the Catena-X BatteryPass model ({@link BatteryPassExport}), valued now from this node's anchored
     * records; its source is the latest certificate this node issued, if any. Also as {@code ?format=batterypass}.
     */
    @GET
    @Path("{code}")
    @Produces(BatteryPassExport.MEDIA_TYPE + ";qs=0.5")
    public Response batteryPass(@PathParam("code") String code) {
        ValuationService.Valued v = valuations.value(code); // refusals: ProblemMapper
        String certificate = valuations.ofBattery(code).stream().findFirst()
                .map(s -> uri.getBaseUriBuilder().path("valuations").path(s.certificate().id()).build().toString()).orElse(null);
        Map<String, Object> pass = BatteryPassExport.of(v.master(), v.assessment(), v.parameters().endOfLifeSoh(), certificate,
                id -> uri.getBaseUriBuilder().path("records").path(id).build().toString());
        return Response.ok(Json.write(pass), BatteryPassExport.MEDIA_TYPE).build();
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
