package org.batteryledger.node.storage;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.json.Json;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.service.NodeAdminService;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * This node's storage: the data directory (the H2 database), the log directory against its cap, the log archive and
 * the disk. Samples every 10 minutes into {@code data/storage-samples.csv} (a week of them), so the growth per day
 * and the date the disk fills survive restarts. Every 30 s it reports a summary to the peers over the peer links,
 * so every node's console shows the whole consortium's storage (as each node reports it). Archive and cleanup act on rotated log files only, never on the file
 * the server is writing.
 */
@Singleton
@Startup
@Lock(LockType.WRITE)
public class StorageMonitor {
    private static final Logger LOG = Logger.getLogger(StorageMonitor.class.getName());
    private static final int KEEP_SAMPLES = 7 * 24 * 6;
    private static final long DAY_MILLIS = 86_400_000L;
    /** The handler's backups: server.log.1 .. server.log.N (the live file is server.log). */
    private static final Pattern ROTATED = Pattern.compile("server\\.log\\.\\d+");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private NodeDirectory directory;
    @EJB
    private org.batteryledger.node.availability.WriteGate gate;
    @EJB
    private NodeRuntime runtime;

    /** A node's storage in brief, as it reports it to its peers every 30 s (figures as in {@link Report}). */
    public record Summary(long dataBytes, long logBytes, long logCapBytes, long freeBytes, long totalBytes, Double growthBytesPerDay,
                          Double daysUntilFull) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataBytes", dataBytes);
            m.put("logBytes", logBytes);
            m.put("logCapBytes", logCapBytes);
            m.put("freeBytes", freeBytes);
            m.put("totalBytes", totalBytes);
            m.put("growthBytesPerDay", growthBytesPerDay == null ? Json.NULL : growthBytesPerDay);
            m.put("daysUntilFull", daysUntilFull == null ? Json.NULL : daysUntilFull);
            return m;
        }

        /** @throws IllegalArgumentException if a peer sent something else */
        static Summary fromJson(byte[] json) {
            if (!(Json.parse(new String(json, StandardCharsets.UTF_8)) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return new Summary(whole(m, "dataBytes"), whole(m, "logBytes"), whole(m, "logCapBytes"), whole(m, "freeBytes"), whole(m, "totalBytes"),
                    optional(m, "growthBytesPerDay"), optional(m, "daysUntilFull"));
        }

        private static long whole(Map<?, ?> m, String field) {
            if (!(m.get(field) instanceof Number n)) {
                throw new IllegalArgumentException(field + " is not a number");
            }
            return n.longValue();
        }

        private static Double optional(Map<?, ?> m, String field) {
            return m.get(field) instanceof Number n ? n.doubleValue() : null;
        }
    }

    /** A node's summary with when it was measured: now for this node, on arrival for a peer's report. */
    public record NodeSummary(NodeId nodeId, boolean self, long reportedAtMillis, Summary summary) {
    }

    public record Report(long dataBytes, long logBytes, LogCap logCap, long archiveBytes, long freeBytes, long totalBytes,
                         OptionalDouble growthPerDay, OptionalDouble daysUntilFull, List<StorageProjection.Sample> samples,
                         List<String> rotatedLogs, long minFreeBytes) {
    }

    public record LogAction(List<String> files, long bytes, String archive) {
    }

    @PostConstruct
    void start() {
        directory = NodeDirectory.fromSystemProperty();
        sample();
    }

    @Schedule(minute = "*/10", hour = "*", persistent = false)
    public void sample() {
        try {
            StorageProjection.Sample s = measure();
            Path file = samplesFile();
            List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
            lines.add(s.epochMillis() + "," + s.usedBytes() + "," + s.freeBytes());
            if (lines.size() > KEEP_SAMPLES) {
                lines = lines.subList(lines.size() - KEEP_SAMPLES, lines.size());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, lines, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot sample this node's storage", e);
        }
    }

    /** Tells the peers how this node's storage stands, for their consoles. */
    @Schedule(second = "*/30", minute = "*", hour = "*", persistent = false)
    public void announce() {
        try {
            runtime.network().broadcastTelemetry(Json.write(summary(report(gate.last().floorBytes())).toMap()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot announce this node's storage", e);
        }
    }

    /** This node's storage now, and each peer's as it last reported it; a malformed report is left out. */
    public List<NodeSummary> allNodes() throws IOException {
        List<NodeSummary> out = new ArrayList<>();
        out.add(new NodeSummary(runtime.nodeId(), true, System.currentTimeMillis(), summary(report(gate.last().floorBytes()))));
        runtime.network().telemetry().forEach((id, t) -> {
            try {
                out.add(new NodeSummary(id, false, t.receivedAtMillis(), Summary.fromJson(t.payload())));
            } catch (RuntimeException malformed) {
                LOG.log(Level.FINE, "node " + id.shortId() + " sent malformed storage telemetry", malformed);
            }
        });
        return out;
    }

    private static Summary summary(Report r) {
        return new Summary(r.dataBytes(), r.logBytes(), r.logCap().capBytes(), r.freeBytes(), r.totalBytes(),
                r.growthPerDay().isPresent() ? r.growthPerDay().getAsDouble() : null,
                r.daysUntilFull().isPresent() ? r.daysUntilFull().getAsDouble() : null);
    }

    public Report report(long minFreeBytes) throws IOException {
        long data = DirectorySize.of(directory.data());
        long log = DirectorySize.of(directory.log());
        long archive = DirectorySize.of(archiveDir());
        FileStore store = Files.getFileStore(directory.data());
        List<StorageProjection.Sample> all = samples();
        long since = System.currentTimeMillis() - DAY_MILLIS;
        List<StorageProjection.Sample> lastDay = all.stream().filter(s -> s.epochMillis() >= since).toList();
        OptionalDouble growth = StorageProjection.growthPerDay(lastDay);
        long free = store.getUsableSpace();
        OptionalDouble days = growth.isPresent() ? StorageProjection.daysUntilFull(Math.max(0, free - minFreeBytes), growth.getAsDouble())
                : OptionalDouble.empty();
        return new Report(data, log, LogCap.fromSystemProperties(), archive, free, store.getTotalSpace(), growth, days, all, rotated(),
                minFreeBytes);
    }

    /** Moves the rotated log files into one zip in {@code log-archive/} beside the log directory (outside its cap). */
    public LogAction archiveLogs() throws IOException {
        List<Path> files = rotatedFiles();
        if (files.isEmpty()) {
            return new LogAction(List.of(), 0, null);
        }
        Files.createDirectories(archiveDir());
        Path zip = archiveDir().resolve("logs-" + STAMP.format(Instant.now()) + ".zip");
        List<String> names = new ArrayList<>();
        long bytes = 0;
        Path tmp = zip.resolveSibling(zip.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Path f : files) {
                try {
                    byte[] content = Files.readAllBytes(f);
                    z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                    z.write(content);
                    z.closeEntry();
                    names.add(f.getFileName().toString());
                    bytes += content.length;
                } catch (NoSuchFileException rotatedAway) {
                    // The handler rotated while we read: the file is under its next name, archived next time.
                }
            }
        }
        Files.move(tmp, zip, StandardCopyOption.ATOMIC_MOVE);
        for (String name : names) {
            Files.deleteIfExists(directory.log().resolve(name)); // only once the archive holding it is complete
        }
        LOG.info("archived " + names.size() + " rotated log files (" + bytes + " bytes) into " + zip);
        return new LogAction(names, bytes, zip.getFileName().toString());
    }

    /** Deletes the rotated log files and the archives: the live log stays. */
    public LogAction cleanupLogs() throws IOException {
        List<String> names = new ArrayList<>();
        long bytes = 0;
        List<Path> doomed = new ArrayList<>(rotatedFiles());
        if (Files.isDirectory(archiveDir())) {
            try (Stream<Path> archives = Files.list(archiveDir())) {
                archives.filter(p -> p.getFileName().toString().endsWith(".zip")).forEach(doomed::add);
            }
        }
        for (Path p : doomed) {
            try {
                long size = Files.size(p);
                Files.delete(p);
                names.add(p.getFileName().toString());
                bytes += size;
            } catch (NoSuchFileException gone) {
                // rotated away meanwhile
            }
        }
        LOG.info("deleted " + names.size() + " rotated log files and archives (" + bytes + " bytes)");
        return new LogAction(names, bytes, null);
    }

    private StorageProjection.Sample measure() throws IOException {
        long used = DirectorySize.of(directory.data()) + DirectorySize.of(directory.log()) + DirectorySize.of(archiveDir());
        return new StorageProjection.Sample(System.currentTimeMillis(), used, Files.getFileStore(directory.data()).getUsableSpace());
    }

    private List<StorageProjection.Sample> samples() throws IOException {
        Path file = samplesFile();
        List<StorageProjection.Sample> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] f = line.split(",");
            if (f.length == 3) {
                try {
                    out.add(new StorageProjection.Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])));
                } catch (NumberFormatException torn) {
                    // a line cut by a crash: skipped
                }
            }
        }
        return out;
    }

    private List<String> rotated() throws IOException {
        return rotatedFiles().stream().map(p -> p.getFileName().toString()).toList();
    }

    private List<Path> rotatedFiles() throws IOException {
        if (!Files.isDirectory(directory.log())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory.log())) {
            return files.filter(p -> ROTATED.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private Path samplesFile() {
        return directory.data().resolve("storage-samples.csv");
    }

    private Path archiveDir() {
        return directory.log().resolveSibling("log-archive");
    }
}
