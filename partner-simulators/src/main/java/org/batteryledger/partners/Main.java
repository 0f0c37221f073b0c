package org.batteryledger.partners;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp partner-simulators.jar:$(cat target/partners.classpath) org.batteryledger.partners.Main
 * [--host 127.0.0.1] [--port 8700] [--seed 42] [--batteries 1000] [--sessions-per-battery 100]}: generates the fleet,
 * serves it, prints the two URLs and runs until killed (SIGTERM stops it cleanly).
 */
@Command(name = "partner-simulators", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Serves a seeded fleet as a manufacturer ERP (SOAP) and a charging platform (REST), with failure injection, until killed."})
public final class Main implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "the address to listen on (default ${DEFAULT-VALUE})")
    String host;
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8700", description = "the port, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42", description = "the fleet's seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--batteries", paramLabel = "N", defaultValue = "1000", description = "batteries in the fleet (default ${DEFAULT-VALUE})")
    int batteries;
    @Option(names = "--sessions-per-battery", paramLabel = "N", defaultValue = "100",
            description = "charge/discharge sessions per battery (default ${DEFAULT-VALUE})")
    int sessionsPerBattery;

    /** The command line, read. */
    record Options(String host, int port, long seed, int batteries, int sessionsPerBattery) {
        /** Reads the options; an {@link IllegalArgumentException} names the bad one. */
        static Options parse(String... args) {
            Main m = new Main();
            try {
                new CommandLine(m).parseArgs(args);
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return m.options();
        }
    }

    Options options() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, was " + port);
        }
        if (batteries < 1 || sessionsPerBattery < 0) {
            throw new IllegalArgumentException("--batteries must be at least 1 and --sessions-per-battery at least 0");
        }
        return new Options(host, port, seed, batteries, sessionsPerBattery);
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                line.getErr().println("partner-simulators: " + e.getMessage());
                line.usage(line.getErr());
                return CommandLine.ExitCode.USAGE;
            }
            throw e;
        });
        int code = cl.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Options o = options();
        long t0 = System.nanoTime();
        Fleet fleet = Fleet.generate(o.seed(), o.batteries(), o.sessionsPerBattery());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        PartnerSimulators sims = PartnerSimulators.start(o.host(), o.port(), fleet);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sims.close();
            stopped.countDown();
        }, "partner-sim-shutdown"));
        System.out.printf(Locale.ROOT, "fleet: seed %d, %d batteries, %d sessions (generated in %d ms)%n",
                o.seed(), fleet.batteries().size(), fleet.sessions().size(), millis);
        System.out.println("ERP:      " + sims.erpUrl() + "   (WSDL: " + sims.erpUrl() + "?wsdl)");
        System.out.println("charging: " + sims.chargingUrl() + "/sessions");
        System.out.println("control:  " + sims.controlUrl() + "/faults, /reset, /stats");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
