package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.storage.StorageMonitor;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's storage: database and log sizes, the log cap, free disk, growth per day and when the disk fills at that
 * rate; archiving and deleting rotated log files (role admin).
 */
@jakarta.enterprise.context.RequestScoped
@Path("/storage")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "storage")
public class StorageResource {
    @EJB
    private StorageMonitor storage;
    @EJB
    private LedgerService ledger;
    @EJB
    private org.batteryledger.node.availability.WriteGate gate;

    /** This node's storage: data, logs against their cap, the disk, the growth and when the disk fills at that rate. */
    public record Storage(String node, long dataBytes, long logBytes, long logCapBytes, long logRotateBytes, int logBackups,
                          List<String> rotatedLogs, long archiveBytes, long freeBytes, long totalBytes, long minFreeBytes,
                          @JsonbNillable Long growthBytesPerDay, @JsonbNillable Double daysUntilFull, @JsonbNillable String fullAt,
                          @Schema(description = "the used bytes over time: pairs [ISO-8601 time, bytes], oldest first") List<List<Object>> samples) {
    }

    /** A node's storage as it last reported it ({@code self}: this node, now). */
    public record NodeStorage(String nodeId, String name, boolean self, String reportedAt, long ageSeconds, long dataBytes, long logBytes,
                              long logCapBytes, long freeBytes, long totalBytes, @JsonbNillable Long growthBytesPerDay,
                              @JsonbNillable Double daysUntilFull) {
    }

    /** What a log action moved or removed; {@code archive} the archive it wrote, when it wrote one. */
    public record LogAction(List<String> files, long bytes, @JsonbNillable String archive) {
    }

    @GET
    public Storage storage() throws IOException {
        StorageMonitor.Report r = storage.report(gate.last().floorBytes());
        Double days = r.daysUntilFull().isPresent() ? Math.round(r.daysUntilFull().getAsDouble() * 10) / 10.0 : null;
        String fullAt = r.daysUntilFull().isPresent() && r.daysUntilFull().getAsDouble() < 365 * 100
                ? Instant.now().plusSeconds(Math.round(r.daysUntilFull().getAsDouble() * 86_400)).toString() : null;
        return new Storage(ledger.nodeName(), r.dataBytes(), r.logBytes(), r.logCap().capBytes(), r.logCap().rotateBytes(), r.logCap().backups(),
                r.rotatedLogs(), r.archiveBytes(), r.freeBytes(), r.totalBytes(), r.minFreeBytes(),
                r.growthPerDay().isPresent() ? Math.round(r.growthPerDay().getAsDouble()) : null, days, fullAt,
                r.samples().stream().map(s -> List.<Object>of(Instant.ofEpochMilli(s.epochMillis()).toString(), s.usedBytes())).toList());
    }

    /** Every node's storage: this node's now, the peers' as they last reported it over the peer links (every 30 s). */
    @GET
    @Path("nodes")
    public List<NodeStorage> nodes() throws IOException {
        Map<String, String> names = new HashMap<>();
        ledger.nodes().forEach(v -> names.put(v.node().nodeId().value(), v.node().name()));
        List<NodeStorage> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (StorageMonitor.NodeSummary n : storage.allNodes()) {
            StorageMonitor.Summary s = n.summary();
            out.add(new NodeStorage(n.nodeId().value(), names.getOrDefault(n.nodeId().value(), n.nodeId().shortId()), n.self(),
                    Instant.ofEpochMilli(n.reportedAtMillis()).toString(), Math.max(0, (now - n.reportedAtMillis()) / 1000), s.dataBytes(),
                    s.logBytes(), s.logCapBytes(), s.freeBytes(), s.totalBytes(),
                    s.growthBytesPerDay() == null ? null : Math.round(s.growthBytesPerDay()),
                    s.daysUntilFull() == null ? null : Math.round(s.daysUntilFull() * 10) / 10.0));
        }
        out.sort(Comparator.comparing(NodeStorage::name));
        return out;
    }

    @POST
    @Path("logs/archive")
    @RolesAllowed("admin")
    public LogAction archive() throws IOException {
        return view(storage.archiveLogs());
    }

    @POST
    @Path("logs/cleanup")
    @RolesAllowed("admin")
    public LogAction cleanup() throws IOException {
        return view(storage.cleanupLogs());
    }

    private static LogAction view(StorageMonitor.LogAction a) {
        return new LogAction(a.files(), a.bytes(), a.archive());
    }
}
