package org.batteryledger.partners;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -cp partner-simulators.jar:$(cat target/partners.classpath) org.batteryledger.partners.Main
 * [--host 127.0.0.1] [--port 8700] [--seed 42] [--batteries 1000] [--sessions-per-battery 100]}: generates the fleet,
 * serves it, prints the two URLs and runs until killed (SIGTERM stops it cleanly).
 */
public final class Main {
    private Main() {
    }

    /** The command line, parsed. */
    record Options(String host, int port, long seed, int batteries, int sessionsPerBattery) {
        static Options parse(String... args) {
            String host = "127.0.0.1";
            int port = 8700;
            long seed = 42;
            int batteries = 1000;
            int sessions = 100;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    throw new IllegalArgumentException("usage");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args[++i];
                try {
                    switch (name) {
                        case "--host" -> host = value;
                        case "--port" -> port = Integer.parseInt(value);
                        case "--seed" -> seed = Long.parseLong(value);
                        case "--batteries" -> batteries = Integer.parseInt(value);
                        case "--sessions-per-battery" -> sessions = Integer.parseInt(value);
                        default -> throw new IllegalArgumentException("unknown option " + name);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " needs a whole number, not '" + value + "'");
                }
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0..65535, was " + port);
            }
            return new Options(host, port, seed, batteries, sessions);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!"usage".equals(e.getMessage())) {
                System.err.println("partner-simulators: " + e.getMessage());
            }
            System.err.println("usage: Main [--host 127.0.0.1] [--port 8700] [--seed 42] [--batteries 1000] [--sessions-per-battery 100]");
            System.exit(2);
            return;
        }
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
    }
}
