package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.runtime.NodeRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's own health, in the MicroProfile Health response shape: the replica's loop runs (it halts loudly on a
 * broken invariant), a validator has enough peers linked to reach a quorum, and there is disk left to persist what
 * it acknowledges. 200 when UP, 503 when DOWN.
 */
@RequestScoped
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {
    static final long MIN_FREE_BYTES = 512L * 1024 * 1024;

    @EJB
    private NodeRuntime runtime;

    @GET
    public Response health() {
        boolean live = runtime.isRunning();
        long linked = runtime.links().stream().filter(LinkStats::connected).count();
        // One trip through the replica's queue for both facts; a halted replica answers nothing.
        int[] quorumAndValidator = live ? runtime.query(r -> new int[]{r.validators().quorum(), r.isValidator() ? 1 : 0}) : new int[]{0, 0};
        int quorum = quorumAndValidator[0];
        boolean validator = quorumAndValidator[1] == 1;
        long free;
        try {
            free = Files.getFileStore(runtime.directory().data()).getUsableSpace();
        } catch (IOException e) {
            free = -1;
        }
        boolean peersOk = !validator || linked + 1 >= quorum; // itself plus quorum-1 peers
        boolean diskOk = free >= MIN_FREE_BYTES;
        Map<String, Object> consensus = new LinkedHashMap<>();
        consensus.put("name", "consensus");
        consensus.put("status", live && peersOk ? "UP" : "DOWN");
        consensus.put("data", Map.of("validator", validator, "linkedPeers", linked, "quorum", quorum));
        Map<String, Object> disk = new LinkedHashMap<>();
        disk.put("name", "disk");
        disk.put("status", diskOk ? "UP" : "DOWN");
        disk.put("data", Map.of("freeBytes", free, "minimumBytes", MIN_FREE_BYTES));
        boolean up = live && peersOk && diskOk;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", List.of(Map.of("name", "replica", "status", live ? "UP" : "DOWN"), consensus, disk));
        return Response.status(up ? 200 : 503).entity(body).build();
    }
}
