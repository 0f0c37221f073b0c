package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.batteryledger.node.service.NodeAdminService;
import org.batteryledger.node.service.NodeHealth;
import org.batteryledger.routes.RouteContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's own health, in the MicroProfile Health response shape: the replica's loop runs (it halts loudly on a
 * broken invariant, and is paused while its store refuses what it decided: {@code pausedBecause}), a validator has
 * enough peers linked to reach a quorum, the disk is above the floor and the database answers, so it can persist
 * what it acknowledges; and the Camel context that takes battery data in has started. 200 when UP, 503 when DOWN.
 */
@RequestScoped
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "health")
public class HealthResource {
    @EJB
    private NodeAdminService admin;
    @EJB
    private RouteContext routes;

    /**
     * The node's health in MicroProfile Health's shape: UP only when every check but {@code partners} is; 503 otherwise.
     * {@code replica} and {@code server} only on a server of a clustered member: whether it runs the member's replica
     * (active), holds the lease while its store refuses writes (paused: it resumes, or stands down when the other server
     * takes over), waits to take over (standby), or stopped for good (halted: it lost the lease while paused, or failed;
     * a restart makes it the standby), and its name.
     */
    public record Health(@Schema(enumeration = {"UP", "DOWN"}) String status, List<Check> checks,
                         @Schema(enumeration = {"active", "paused", "standby", "halted"}) String replica, String server) {
    }

    /**
     * One check: replica (haltReason or pausedBecause when it is not running, joining while it fetches a checkpoint's state), consensus (validator, linkedPeers,
     * quorum), disk (freeBytes, minimumBytes), database (reason when down), routes (camel, routes) and partners (each
     * partner's kind, state, taken, rejected, lastSuccessAt, consecutiveFailures, lastError). {@code data} is the check's
     * own, as MicroProfile Health has it.
     */
    public record Check(String name, @Schema(enumeration = {"UP", "DOWN"}) String status, Map<String, Object> data) {
    }

    @GET
    @APIResponse(responseCode = "200", description = "every check is UP (partners aside)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    @APIResponse(responseCode = "503", description = "a check is DOWN: the checks say which and why",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    public Response health() {
        NodeHealth h = admin.health();
        Map<String, Object> replica = null;
        if (h.haltReason() != null) {
            replica = Map.of("haltReason", h.haltReason());
        } else if (h.pauseReason() != null) {
            replica = Map.of("pausedBecause", h.pauseReason(), "resumes", "by itself once the store takes writes again");
        } else if (h.standby() != null) {
            replica = Map.of("standby", h.standby());
        } else if (h.joining() != null) {
            replica = Map.of("joining", h.joining());
        }
        String camel = routes.status();
        boolean up = h.up() && "Started".equals(camel);
        boolean standby = h.waitingStandby();
        Health body = new Health(up ? "UP" : "DOWN", List.of(
                new Check("replica", upOrDown(standby || h.replicaRunning() && h.joining() == null), replica),
                new Check("consensus", upOrDown(standby || h.replicaRunning() && h.peersOk()),
                        Map.of("validator", h.validator(), "linkedPeers", h.linkedPeers(), "quorum", h.quorum())),
                new Check("disk", upOrDown(h.diskOk()), Map.of("freeBytes", h.freeBytes(), "minimumBytes", h.minimumFreeBytes())),
                new Check("database", upOrDown(h.databaseOk()), h.databaseOk() ? null : Map.of("reason", h.database())),
                new Check("routes", upOrDown("Started".equals(camel)), Map.of("camel", camel, "routes", routes.routeIds())),
                partners()), h.role(), h.server());
        return Response.status(up ? 200 : 503).entity(body).build();
    }

    private static String upOrDown(boolean up) {
        return up ? "UP" : "DOWN";
    }

    /**
     * The partners this node pulls from. A partner that is down is reported, but does not make the node DOWN: the
     * node keeps its place in consensus and its pushed intake, and the partner's route catches up when it returns.
     */
    private Check partners() {
        Map<String, Object> data = new LinkedHashMap<>();
        if (routes.configurationError() != null) {
            data.put("error", routes.configurationError());
        }
        routes.partners().forEach((name, s) -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("kind", s.partner().kind().key);
            p.put("state", s.paused() != null ? "paused" : s.consecutiveFailures() > 0 ? "failing" : s.pages() == 0 ? "waiting" : "ok");
            if (s.paused() != null) {
                p.put("pausedBecause", s.paused());
            }
            p.put("taken", s.taken());
            p.put("rejected", s.rejected());
            p.put("lastSuccessAt", s.lastSuccessAt() == 0 ? null : java.time.Instant.ofEpochMilli(s.lastSuccessAt()).toString());
            p.put("consecutiveFailures", s.consecutiveFailures());
            p.put("lastError", s.lastError());
            data.put(name, p);
        });
        return new Check("partners", "UP", data);
    }
}
