package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import org.batteryledger.node.lot.LotItemEntity;
import org.batteryledger.node.lot.LotService;
import org.batteryledger.node.valuation.ValuationService;
import org.batteryledger.web.pdf.LotPdf;

import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Lot valuations: a lot of batteries (picked, or every battery a fleet filter matches) valued as a job, a certificate
 * per battery. {@code POST} answers 202 with the job; the job shows progress, counts and the lot's value, can be
 * cancelled, and its report comes as CSV (every battery's figures), PDF (a summary) and a ZIP of every certificate (CMS).
 */
@RequestScoped
@Path("/valuations/lots")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "lots")
public class LotResource {
    private static final int PAGE = 500;

    @EJB
    private LotService lots;
    @EJB
    private ValuationService valuations;
    @Context
    private UriInfo uri;
    @Context
    private SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"recycler", "admin"})
    public Response create(JsonObject body) {
        JsonValue codes = body.get("batteryCodes");
        JsonValue filter = body.get("filter");
        if ((codes == null) == (filter == null)) {
            throw Problem.badRequest("give either 'batteryCodes' (an array of battery codes) or 'filter' (an RSQL fleet filter, \"\" for all)");
        }
        List<String> list = null;
        if (codes != null) {
            if (!(codes instanceof JsonArray a)) {
                throw Problem.badRequest("field 'batteryCodes' must be an array of battery codes");
            }
            if (a.size() > LotService.MAX_BATTERIES) {
                throw Problem.badRequest("a lot holds at most " + LotService.MAX_BATTERIES + " batteries, not " + a.size() + "; split it");
            }
            list = new ArrayList<>();
            for (JsonValue v : a) {
                if (!(v instanceof JsonString s)) {
                    throw Problem.badRequest("field 'batteryCodes' must hold strings only");
                }
                list.add(s.getString().trim().toUpperCase(Locale.ROOT));
            }
        } else if (!(filter instanceof JsonString)) {
            throw Problem.badRequest("field 'filter' must be a string (an RSQL fleet filter)");
        }
        JsonValue partial = body.getOrDefault("partial", JsonValue.FALSE);
        if (partial != JsonValue.TRUE && partial != JsonValue.FALSE) {
            throw Problem.badRequest("field 'partial' must be true or false");
        }
        String user = security.getUserPrincipal() == null ? "" : security.getUserPrincipal().getName();
        LotService.Lot lot = lots.create(list, filter == null ? null : ((JsonString) filter).getString(), partial == JsonValue.TRUE, user,
                System.currentTimeMillis()); // refusals: ProblemMapper
        return Response.accepted(LotView.of(lot, base(lot.lot().lotId()))).location(java.net.URI.create(base(lot.lot().lotId()))).build();
    }

    @GET
    public List<LotView> recent(@QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > 100) {
            throw Problem.badRequest("limit must be 1 to 100, not " + limit);
        }
        return lots.recent(limit).stream().map(l -> LotView.of(l, base(l.lot().lotId()))).toList();
    }

    @GET
    @Path("{id}")
    public LotView lot(@PathParam("id") String id) {
        LotView v = LotView.of(find(id), base(id));
        List<LotView.Failure> failures = lots.items(id, -1, 50, LotItemEntity.State.FAILED).stream()
                .map(i -> new LotView.Failure(i.batteryCode(), i.reason())).toList();
        return v.withFailures(failures);
    }

    @POST
    @Path("{id}/cancel")
    @RolesAllowed({"recycler", "admin"})
    public LotView cancel(@PathParam("id") String id) {
        find(id);
        if (!lots.cancel(id, System.currentTimeMillis())) {
            throw Problem.conflict("lot " + id + " is not running: it is " + find(id).lot().status().name().toLowerCase(Locale.ROOT));
        }
        return LotView.of(find(id), base(id));
    }

    /** Every battery of the lot with its figures, in the lot's order. */
    @GET
    @Path("{id}/report.csv")
    @Produces("text/csv")
    public Response csv(@PathParam("id") String id) {
        find(id);
        StreamingOutput out = stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            w.write(LotCsv.HEADER);
            forEachItem(id, null, i -> {
                try {
                    w.write(LotCsv.line(i));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            w.flush();
        };
        return Response.ok(out, "text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"" + id + "-report.csv\"").build();
    }

    @GET
    @Path("{id}/report.pdf")
    @Produces(ValuationResource.PDF)
    public Response pdf(@PathParam("id") String id) {
        LotView v = LotView.of(find(id), base(id));
        List<LotPdf.Row> rows = new ArrayList<>();
        forEachItem(id, null, i -> rows.add(new LotPdf.Row(i.position(), i.batteryCode(), i.state().name().toLowerCase(Locale.ROOT),
                i.stateOfHealth(), i.status(), i.residualValue(), i.currency(), i.certificateId(), i.reason())));
        LotPdf.Summary summary = new LotPdf.Summary(v.lotId(), v.status(), v.createdAt(), v.createdBy(), v.selection(), v.total(), v.valued(),
                v.failed(), v.cancelled(), v.value().stream().map(x -> new LotPdf.Value(x.currency(), x.amount(), x.low(), x.high())).toList());
        return Response.ok(LotPdf.render(summary, rows), ValuationResource.PDF)
                .header("Content-Disposition", "inline; filename=\"" + id + "-report.pdf\"").build();
    }

    /** The CMS of every certificate the lot issued, one file per certificate named by its id. */
    @GET
    @Path("{id}/certificates.zip")
    @Produces("application/zip")
    public Response zip(@PathParam("id") String id) {
        find(id);
        StreamingOutput out = stream -> {
            try (ZipOutputStream zip = new ZipOutputStream(stream)) {
                forEachItem(id, LotItemEntity.State.VALUED, i -> valuations.certificate(i.certificateId()).ifPresent(s -> {
                    try {
                        zip.putNextEntry(new ZipEntry(i.certificateId() + ".p7m"));
                        zip.write(s.cms());
                        zip.closeEntry();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
        };
        return Response.ok(out, "application/zip").header("Content-Disposition", "attachment; filename=\"" + id + "-certificates.zip\"").build();
    }

    private void forEachItem(String id, LotItemEntity.State only, java.util.function.Consumer<LotItemEntity> each) {
        int after = -1;
        while (true) {
            List<LotItemEntity> page = lots.items(id, after, PAGE, only);
            page.forEach(each);
            if (page.size() < PAGE) {
                return;
            }
            after = page.get(page.size() - 1).position();
        }
    }

    private LotService.Lot find(String id) {
        if (id == null || !id.matches("LOT-[0-9A-Z-]{1,36}")) {
            throw Problem.notFound("no lot " + id + " on this node (a lot id is LOT-…)");
        }
        return lots.lot(id).orElseThrow(() -> Problem.notFound("no lot " + id + " on this node (a lot is kept by the node that runs it)"));
    }

    private String base(String id) {
        return uri.getBaseUriBuilder().path("valuations").path("lots").path(id).build().toString();
    }
}
