package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.storage.StorageMonitor;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    @GET
    public Map<String, Object> storage() throws IOException {
        StorageMonitor.Report r = storage.report(gate.last().floorBytes());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", ledger.nodeName());
        m.put("dataBytes", r.dataBytes());
        m.put("logBytes", r.logBytes());
        m.put("logCapBytes", r.logCap().capBytes());
        m.put("logRotateBytes", r.logCap().rotateBytes());
        m.put("logBackups", r.logCap().backups());
        m.put("rotatedLogs", r.rotatedLogs());
        m.put("archiveBytes", r.archiveBytes());
        m.put("freeBytes", r.freeBytes());
        m.put("totalBytes", r.totalBytes());
        m.put("minFreeBytes", r.minFreeBytes());
        m.put("growthBytesPerDay", r.growthPerDay().isPresent() ? Math.round(r.growthPerDay().getAsDouble()) : null);
        m.put("daysUntilFull", r.daysUntilFull().isPresent() ? Math.round(r.daysUntilFull().getAsDouble() * 10) / 10.0 : null);
        m.put("fullAt", r.daysUntilFull().isPresent() && r.daysUntilFull().getAsDouble() < 365 * 100
                ? Instant.now().plusSeconds(Math.round(r.daysUntilFull().getAsDouble() * 86_400)).toString() : null);
        m.put("samples", r.samples().stream().map(s -> List.of(Instant.ofEpochMilli(s.epochMillis()).toString(), s.usedBytes())).toList());
        return m;
    }

    /** Every node's storage: this node's now, the peers' as they last reported it over the peer links (every 30 s). */
    @GET
    @Path("nodes")
    public List<Map<String, Object>> nodes() throws IOException {
        Map<String, String> names = new HashMap<>();
        ledger.nodes().forEach(v -> names.put(v.node().nodeId().value(), v.node().name()));
        List<Map<String, Object>> out = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (StorageMonitor.NodeSummary n : storage.allNodes()) {
            StorageMonitor.Summary s = n.summary();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodeId", n.nodeId().value());
            m.put("name", names.getOrDefault(n.nodeId().value(), n.nodeId().shortId()));
            m.put("self", n.self());
            m.put("reportedAt", Instant.ofEpochMilli(n.reportedAtMillis()).toString());
            m.put("ageSeconds", Math.max(0, (now - n.reportedAtMillis()) / 1000));
            m.put("dataBytes", s.dataBytes());
            m.put("logBytes", s.logBytes());
            m.put("logCapBytes", s.logCapBytes());
            m.put("freeBytes", s.freeBytes());
            m.put("totalBytes", s.totalBytes());
            m.put("growthBytesPerDay", s.growthBytesPerDay() == null ? null : Math.round(s.growthBytesPerDay()));
            m.put("daysUntilFull", s.daysUntilFull() == null ? null : Math.round(s.daysUntilFull() * 10) / 10.0);
            out.add(m);
        }
        out.sort(Comparator.comparing(m -> (String) m.get("name")));
        return out;
    }

    @POST
    @Path("logs/archive")
    @RolesAllowed("admin")
    public Map<String, Object> archive() throws IOException {
        return view(storage.archiveLogs());
    }

    @POST
    @Path("logs/cleanup")
    @RolesAllowed("admin")
    public Map<String, Object> cleanup() throws IOException {
        return view(storage.cleanupLogs());
    }

    private static Map<String, Object> view(StorageMonitor.LogAction a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", a.files());
        m.put("bytes", a.bytes());
        m.put("archive", a.archive());
        return m;
    }
}
