package org.batteryledger.partners;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running simulators: one JDK {@link HttpServer} with the ERP's SOAP service, the charging platform's REST API and
 * the failure-injection control API, all serving one {@link Fleet}. Requests run on a bounded pool (up to
 * {@value #MAX_THREADS} at once), so a delayed answer does not hold up the others.
 */
public final class PartnerSimulators implements AutoCloseable {
    static final int MAX_THREADS = 64;
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Fleet fleet;
    private final FaultInjector faults;
    private final String baseUrl;

    private PartnerSimulators(HttpServer server, ThreadPoolExecutor executor, Fleet fleet, FaultInjector faults, String baseUrl) {
        this.server = server;
        this.executor = executor;
        this.fleet = fleet;
        this.faults = faults;
        this.baseUrl = baseUrl;
    }

    /** Starts serving {@code fleet} on {@code host}:{@code port} (0 for an ephemeral port). */
    public static PartnerSimulators start(String host, int port, Fleet fleet) {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK: ~40 ms a
        // request, which turns a 3,600-page crawl into minutes. Read once when the JDK's server config loads.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "partner-sim-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        String urlHost = host.contains(":") ? "[" + host + "]" : host;
        String base = "http://" + urlHost + ":" + server.getAddress().getPort();
        FaultInjector faults = new FaultInjector();
        PartnerSimulators sims = new PartnerSimulators(server, executor, fleet, faults, base);
        server.createContext(ErpService.PATH, new ErpService(fleet, faults, sims::erpUrl));
        server.createContext(ChargingApi.PATH, new ChargingApi(fleet, faults));
        server.createContext(ControlApi.PATH, new ControlApi(faults));
        server.start();
        return sims;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port/erp/BatteryMasterService} (append {@code ?wsdl} for the WSDL). */
    public String erpUrl() {
        return baseUrl + ErpService.PATH;
    }

    /** {@code http://host:port/charging/api} (sessions at {@code /sessions}). */
    public String chargingUrl() {
        return baseUrl + ChargingApi.PATH;
    }

    /** {@code http://host:port/control} (faults, reset, stats). */
    public String controlUrl() {
        return baseUrl + ControlApi.PATH;
    }

    public Fleet fleet() {
        return fleet;
    }

    /** The fault injector behind {@code /control}, for tests in the same JVM. */
    public FaultInjector faults() {
        return faults;
    }

    /** Stops listening and ends requests still running (a delayed answer is cut short). */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
