package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.batteryledger.core.json.Json;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
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
    @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", description = "the battery's view",
            content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = BatteryView.class)))
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
        List<RecordEntry> sessions = p.sessions().stream().map(BatteryResource::entry).toList();
        List<Holder> holders = p.holders().stream().map(h -> new Holder(h.name(), h.nodeId(), h.agency(), h.status().label(),
                h.reason().isEmpty() ? null : h.reason(), h.records(), h.failed())).toList();
        PassportService.Registration r = p.registration();
        PassportService.Valuation v = p.latestValuation();
        BatteryView view = new BatteryView(p.batteryCode(),
                r == null ? null : new BatteryRegistration(r.agency(), r.blockHeight(), r.version(), r.masterHash()),
                p.master() == null ? null : p.master().record(),
                p.master() == null ? null : p.master().hash(),
                p.master() == null ? null : anchor(p.master().anchor()),
                p.master() == null ? null : holderOf(p.master()),
                p.equivalentFullCycles(), sessions.size(), sessions, p.nextCursor(), p.complete(), holders,
                p.missing().stream().map(ConsortiumRecords.Holder::name).toList(), p.refusals(),
                p.failed().stream().map(BatteryResource::entry).toList(),
                v == null ? null : new LatestValuation(v.certificateId(), v.certificateHash(), v.certificateHash() == null ? null : v.blockHeight(),
                        v.certificateHash() == null ? null : v.agency()));
        // Written with the core's JSON writer: the records are JSON trees of their own (numbers as sent, nulls).
        return Response.ok(Json.write(ResponseTrees.tree(view)), MediaType.APPLICATION_JSON).build();
    }

    /** The battery's registration on chain: the agency whose manufacturer record registered it, and the master's hash. */
    public record BatteryRegistration(String agency, long blockHeight, long version, String masterHash) {
    }

    /** Where a record's hash is on chain: {@code anchored} with its block and transaction, or still {@code pending}. */
    public record Anchor(String status, Long blockHeight, String txHash) {
    }

    /** Who holds a record, and whether its hash checked out against this node's chain (and why not). */
    public record Holding(String node, String agency, boolean verified, @JsonbNillable String verification) {
    }

    /** A record as its holder stores it, with its canonical hash and anchor. */
    public record RecordEntry(@Schema(description = "the record's JSON, exactly as its holder stores it (BatteryRecord or SessionRecord)")
                              Map<?, ?> record, String hash, Anchor anchor, Holding holder) {
    }

    /** A member node asked for the battery's records: whether it answered, how many records it gave, how many failed. */
    public record Holder(String node, String nodeId, String agency, @Schema(enumeration = {"self", "answered", "not answering", "busy", "refused"}) String status,
                         String reason, int records, int failed) {
    }

    /** The newest valuation certificate of the battery on chain. */
    public record LatestValuation(String certificateId, String certificateHash, Long blockHeight, String agency) {
    }

    /**
     * A battery as the consortium knows it: its registration and master record, its sessions (a page: {@code nextCursor}),
     * every holder asked, who is {@code missing} (then {@code complete} is false), what the policy refused, the records
     * that failed their check, and the latest valuation.
     */
    public record BatteryView(String batteryCode, @JsonbNillable BatteryRegistration registration,
                              @JsonbNillable @Schema(description = "the manufacturer's battery record, as its holder stores it") Map<?, ?> master,
                              String masterHash, Anchor masterAnchor, Holding masterHolder, @JsonbNillable Double equivalentFullCycles,
                              int sessionCount, List<RecordEntry> sessions, @JsonbNillable String nextCursor, boolean complete, List<Holder> holders,
                              List<String> missing, List<String> refusals, List<RecordEntry> failed, @JsonbNillable LatestValuation latestValuation) {
    }

    private static RecordEntry entry(PassportService.Entry s) {
        return new RecordEntry(s.record(), s.hash(), anchor(s.anchor()), holderOf(s));
    }

    private static Holding holderOf(PassportService.Entry e) {
        return new Holding(e.holder(), e.holderAgency(), e.verified(), e.verification());
    }

    /**
     * The battery in the Catena-X BatteryPass model ({@link BatteryPassExport}), valued now from this node's anchored
     * records; its source is the latest certificate this node issued, if any. Also as {@code ?format=batterypass}.
     */
    @GET
    @Path("{code}")
    @Produces(BatteryPassExport.MEDIA_TYPE + ";qs=0.5")
    @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200",
            description = "the battery as a Catena-X BatteryPass (" + BatteryPassExport.SPEC_VERSION + "): its schema is Catena-X's, "
                    + "https://github.com/eclipse-tractusx/sldt-semantic-models (io.catenax.battery.battery_pass 6.1.0)",
            content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = BatteryPassExport.MEDIA_TYPE))
    public Response batteryPass(@PathParam("code") String code) {
        ValuationService.Valued v = valuations.value(code); // refusals: ProblemMapper
        String certificate = valuations.ofBattery(code).stream().findFirst()
                .map(s -> uri.getBaseUriBuilder().path("valuations").path(s.certificate().id()).build().toString()).orElse(null);
        Map<String, Object> pass = BatteryPassExport.of(v.master(), v.assessment(), v.parameters().endOfLifeSoh(), certificate,
                id -> uri.getBaseUriBuilder().path("records").path(id).build().toString());
        return Response.ok(Json.write(pass), BatteryPassExport.MEDIA_TYPE).build();
    }

    private static Anchor anchor(PassportService.Anchor a) {
        return new Anchor(a.status(), a.blockHeight(), a.blockHeight() == null ? null : a.txHash());
    }
}
