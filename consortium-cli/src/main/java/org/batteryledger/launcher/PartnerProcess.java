package org.batteryledger.launcher;

import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The partner simulators (a manufacturer ERP over SOAP, a charging platform over REST; module partner-simulators)
 * as one process beside the nodes, on port 8700 (+ the ports' shift), its pid in {@code partners/partners.pid} and
 * its output in {@code partners/partners.log}. The first node pulls from both.
 */
final class PartnerProcess {
    /** Seed, batteries and sessions per battery of the simulated fleet: {@code 42:1000:100} by default. */
    record FleetSpec(long seed, int batteries, int sessionsPerBattery) {
        static final FleetSpec DEFAULT = new FleetSpec(42, 1_000, 100);

        static FleetSpec parse(String s) {
            String[] p = s.split(":");
            try {
                if (p.length == 3) {
                    return new FleetSpec(Long.parseLong(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("--fleet is SEED:BATTERIES:SESSIONS_PER_BATTERY (e.g. 42:1000:100), not " + s);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final Path home;
    private final int port;

    PartnerProcess(Path consortiumDir, Ports ports) {
        this.home = consortiumDir.resolve("partners");
        this.port = 8700 + ports.shift();
    }

    String erpUrl() {
        return "http://127.0.0.1:" + port + "/erp/BatteryMasterService";
    }

    String chargingUrl() {
        return "http://127.0.0.1:" + port + "/charging/api";
    }

    /** The fleet the running partner simulators serve, if they run (written when they started). */
    static Optional<FleetSpec> fleetOf(Path consortiumDir) throws IOException {
        PartnerProcess p = new PartnerProcess(consortiumDir, Ports.DEFAULT);
        Path spec = p.home.resolve("fleet");
        return p.running().isPresent() && Files.exists(spec) ? Optional.of(FleetSpec.parse(Files.readString(spec).trim())) : Optional.empty();
    }

    Optional<ProcessHandle> running() {
        Path pid = home.resolve("partners.pid");
        try {
            return Files.exists(pid) ? ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts the simulators unless they run, and waits until they answer. False if they already ran. */
    boolean start(FleetSpec fleet) throws IOException, InterruptedException {
        if (running().isPresent()) {
            return false;
        }
        Files.createDirectories(home);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "org.batteryledger.partners.Main", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--seed", Long.toString(fleet.seed()), "--batteries", Integer.toString(fleet.batteries()),
                "--sessions-per-battery", Integer.toString(fleet.sessionsPerBattery())));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.to(home.resolve("partners.log").toFile()));
        Process p = pb.start();
        Files.writeString(home.resolve("partners.pid"), Long.toString(p.pid()));
        Files.writeString(home.resolve("fleet"), fleet.seed() + ":" + fleet.batteries() + ":" + fleet.sessionsPerBattery());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("the partner simulators exited with " + p.exitValue() + ": see " + home.resolve("partners.log"));
            }
            if (answers()) {
                return true;
            }
            Thread.sleep(250);
        }
        p.destroyForcibly();
        throw new IOException("the partner simulators did not answer on port " + port + " within 120 s: see " + home.resolve("partners.log"));
    }

    private boolean answers() throws InterruptedException {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/control/stats")).timeout(Duration.ofSeconds(3)).build();
            return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    boolean stop() {
        Optional<ProcessHandle> p = running();
        p.ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
        return p.isPresent();
    }

    /** Points the node at both simulators unless it names partners of its own. */
    void configure(Path nodeDir) throws IOException {
        NodeDirectory nd = new NodeDirectory(nodeDir);
        Properties p = nd.properties();
        if (p.stringPropertyNames().stream().anyMatch(k -> k.startsWith("partner."))) {
            return;
        }
        nd.setProperties(Map.of("partner.erp.kind", "erp-soap", "partner.erp.url", erpUrl(), "partner.erp.period.millis", "2000",
                "partner.cpo.kind", "charging-rest", "partner.cpo.url", chargingUrl(), "partner.cpo.period.millis", "2000"), List.of());
    }
}
