package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
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

    @GET
    public Response health() {
        NodeHealth h = admin.health();
        Map<String, Object> consensus = new LinkedHashMap<>();
        consensus.put("name", "consensus");
        consensus.put("status", h.replicaRunning() && h.peersOk() ? "UP" : "DOWN");
        consensus.put("data", Map.of("validator", h.validator(), "linkedPeers", h.linkedPeers(), "quorum", h.quorum()));
        Map<String, Object> disk = new LinkedHashMap<>();
        disk.put("name", "disk");
        disk.put("status", h.diskOk() ? "UP" : "DOWN");
        disk.put("data", Map.of("freeBytes", h.freeBytes(), "minimumBytes", h.minimumFreeBytes()));
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("name", "database");
        database.put("status", h.databaseOk() ? "UP" : "DOWN");
        if (!h.databaseOk()) {
            database.put("data", Map.of("reason", h.database()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String camel = routes.status();
        boolean up = h.up() && "Started".equals(camel);
        body.put("status", up ? "UP" : "DOWN");
        Map<String, Object> replica = new LinkedHashMap<>();
        replica.put("name", "replica");
        replica.put("status", h.replicaRunning() ? "UP" : "DOWN");
        if (h.haltReason() != null) {
            replica.put("data", Map.of("haltReason", h.haltReason()));
        } else if (h.pauseReason() != null) {
            replica.put("data", Map.of("pausedBecause", h.pauseReason(), "resumes", "by itself once the store takes writes again"));
        }
        body.put("checks", List.of(replica, consensus, disk, database,
                Map.of("name", "routes", "status", "Started".equals(camel) ? "UP" : "DOWN", "data", Map.of("camel", camel, "routes", routes.routeIds())),
                partners()));
        return Response.status(up ? 200 : 503).entity(body).build();
    }

    /**
     * The partners this node pulls from. A partner that is down is reported, but does not make the node DOWN: the
     * node keeps its place in consensus and its pushed intake, and the partner's route catches up when it returns.
     */
    private Map<String, Object> partners() {
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
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", "partners");
        check.put("status", "UP");
        check.put("data", data);
        return check;
    }
}
