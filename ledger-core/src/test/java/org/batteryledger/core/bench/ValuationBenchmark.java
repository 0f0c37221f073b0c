package org.batteryledger.core.bench;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.PkiFixture;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.record.ParsedRecord;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.batteryledger.core.valuation.certificate.AnchoredRecord;
import org.batteryledger.core.valuation.certificate.CertificateSigner;
import org.batteryledger.core.valuation.certificate.CertificateVerifier;
import org.batteryledger.core.valuation.certificate.ValuationCertificate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Valuations per second for batteries with 1,000 sessions each, on one thread and then on every core. Not a test: a
 * bench main. Measurements over the same seeded batteries: the model alone ({@link ValuationEngine#assess}), and the whole
 * certificate as a node issues one and a buyer checks it (assess, {@link ValuationCertificate#issue} with the 1,001
 * anchored inputs, {@link CertificateSigner#sign} with a real ECDSA P-256 node key under a chain CA → agency CA → node
 * chain, {@link CertificateVerifier#verify} against the chain CA alone). Building the records (through the record
 * schema, as the node reads them) and their anchors is set-up, outside the clock. Everything computed is seeded and
 * the suite signs deterministically, so the printed digest of all certificates is the same on every run.
 *
 * <pre>mvn -B -q -pl ledger-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.core.bench.ValuationBenchmark [-Dexec.args="batteries passes seed warm-ups"]</pre>
 */
public final class ValuationBenchmark {
    static final int SESSIONS = 1_000;
    /** Records per anchored batch (the intake's maximum submission). */
    static final int BATCH_SIZE = 1_000;
    /** Records of one battery per batch: its 1,001 records land in five batches, each anchored in its own block. */
    static final int OWN_RECORDS_PER_BATCH = 250;
    /** Valuation and issue time: inside the fixture node certificate's validity, after every session. */
    static final Instant VALUED_AT = PkiFixture.NOW;
    static final Instant FIRST_MANUFACTURE = Instant.parse("2023-01-01T06:00:00Z");

    /** One battery's evidence as the node holds it: parsed records and where the chain anchors each. */
    record Battery(BatteryRecord.Master master, List<BatteryRecord.Session> sessions, AnchoredRecord masterAnchor,
                   List<AnchoredRecord> sessionAnchors) {
    }

    /** Nanoseconds per step of one certificate. */
    record Steps(long assess, long issue, long sign, long verify) {
        long total() {
            return assess + issue + sign + verify;
        }
    }

    public static void main(String[] args) throws Exception {
        int batteries = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 10; // fewer, and C2 is still compiling in the measured passes
        EcSuite suite = Suites.ecdsa();
        System.out.printf(Locale.ROOT, "%d batteries x %d sessions, seed %d, %s, %d cores, Java %s%n", batteries, SESSIONS, seed,
                suite.id(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        long t0 = System.nanoTime();
        List<Battery> fleet = fleet(suite, batteries, seed);
        PkiFixture pki = PkiFixture.create(suite, "valuation-bench");
        System.out.printf(Locale.ROOT, "set-up (records through the schema, anchors, keys and chain): %.1f s%n", (System.nanoTime() - t0) / 1e9);

        ValuationParameters parameters = ValuationParameters.defaults();
        ValuationEngine engine = new ValuationEngine(parameters);
        Issuing issuing = new Issuing(suite, pki, parameters, engine);

        // Warm-up: both paths over every battery, so the measured passes run compiled code.
        t0 = System.nanoTime();
        for (int w = 0; w < warmUps; w++) {
            for (Battery b : fleet) {
                engine.assess(new Evidence(b.master, b.sessions), VALUED_AT);
                issuing.certificate(b);
            }
        }
        System.out.printf(Locale.ROOT, "warm-up: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // (a) the model alone
        long gc = gcMillis();
        long[] model = new long[passes * fleet.size()];
        double sohSum = 0;
        long start = System.nanoTime();
        for (int p = 0, i = 0; p < passes; p++) {
            for (Battery b : fleet) {
                long s = System.nanoTime();
                Assessment a = engine.assess(new Evidence(b.master, b.sessions), VALUED_AT);
                model[i++] = System.nanoTime() - s;
                sohSum += a.stateOfHealth();
            }
        }
        double modelSeconds = (System.nanoTime() - start) / 1e9;
        long modelGc = gcMillis() - gc;

        // (b) the whole certificate: assess, issue, sign, verify
        gc = gcMillis();
        long[] full = new long[passes * fleet.size()];
        List<Steps> steps = new ArrayList<>(full.length);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long[] jsonBytes = new long[fleet.size()];
        long[] cmsBytes = new long[fleet.size()];
        start = System.nanoTime();
        for (int p = 0, i = 0; p < passes; p++) {
            for (int k = 0; k < fleet.size(); k++) {
                Issued c = issuing.certificate(fleet.get(k));
                full[i++] = c.steps.total();
                steps.add(c.steps);
                if (p == 0) {
                    digest.update(c.cms);
                    jsonBytes[k] = c.certificate.content().length;
                    cmsBytes[k] = c.cms.length;
                }
            }
        }
        double fullSeconds = (System.nanoTime() - start) / 1e9;
        long fullGc = gcMillis() - gc;

        System.out.printf(Locale.ROOT, "%-44s %8s %12s %10s %10s%n", "measured " + passes + " passes", "count", "valuations/s", "median ms", "p99 ms");
        row("(a) model: assess", model, modelSeconds);
        row("(b) certificate: assess+issue+sign+verify", full, fullSeconds);
        System.out.printf(Locale.ROOT, "time in garbage collection: (a) %d ms of %.2f s, (b) %d ms of %.2f s%n", modelGc, modelSeconds, fullGc, fullSeconds);
        System.out.printf(Locale.ROOT, "(b) by step, median ms: assess %.2f, issue %.2f, sign %.2f, verify %.2f%n",
                median(steps.stream().mapToLong(Steps::assess).toArray()), median(steps.stream().mapToLong(Steps::issue).toArray()),
                median(steps.stream().mapToLong(Steps::sign).toArray()), median(steps.stream().mapToLong(Steps::verify).toArray()));
        System.out.printf(Locale.ROOT, "(b) by step, mean ms:   assess %.2f, issue %.2f, sign %.2f, verify %.2f%n",
                steps.stream().mapToLong(Steps::assess).average().orElse(0) / 1e6, steps.stream().mapToLong(Steps::issue).average().orElse(0) / 1e6,
                steps.stream().mapToLong(Steps::sign).average().orElse(0) / 1e6, steps.stream().mapToLong(Steps::verify).average().orElse(0) / 1e6);
        // (c) the same on every core: each thread values its share of the fleet, as a node's request threads would
        int threads = Runtime.getRuntime().availableProcessors();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        start = System.nanoTime();
        List<java.util.concurrent.Future<Integer>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            shares.add(pool.submit(() -> {
                int done = 0;
                for (int p = 0; p < passes; p++) {
                    for (int k = first; k < fleet.size(); k += threads) {
                        issuing.certificate(fleet.get(k));
                        done++;
                    }
                }
                return done;
            }));
        }
        int parallel = 0;
        for (java.util.concurrent.Future<Integer> f : shares) {
            parallel += f.get();
        }
        double parallelSeconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "(c) certificate on %d threads: %d in %.2f s, %.1f valuations/s%n", threads, parallel, parallelSeconds,
                parallel / parallelSeconds);
        System.out.printf(Locale.ROOT, "certificate JSON: median %,d bytes (%,d-%,d); CMS SignedData: median %,d bytes (%,d-%,d)%n",
                medianOf(jsonBytes), min(jsonBytes), max(jsonBytes), medianOf(cmsBytes), min(cmsBytes), max(cmsBytes));
        System.out.printf(Locale.ROOT, "mean state of health %.4f; SHA-256 of all CMS (pass 1): %s%n", sohSum / model.length,
                HexFormat.of().formatHex(digest.digest()));
    }

    /** Collection time so far, all collectors: pauses and concurrent work, as the JVM counts it. */
    private static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, b.getCollectionTime());
        }
        return sum;
    }

    private static void row(String name, long[] nanos, double seconds) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-44s %8d %12.1f %10.2f %10.2f%n", name, nanos.length, nanos.length / seconds,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6);
    }

    private static double median(long[] nanos) {
        return medianOf(nanos) / 1e6;
    }

    private static long medianOf(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long min(long[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    private static long max(long[] values) {
        return Arrays.stream(values).max().orElse(0);
    }

    // ------------------------------------------------------------------------------------------- the work measured

    record Issued(ValuationCertificate certificate, byte[] cms, Steps steps) {
    }

    /** What the issuing node and the checking buyer hold: key, chain, chain CA, parameters. */
    private static final class Issuing {
        final EcSuite suite;
        final PkiFixture pki;
        final ValuationParameters parameters;
        final ValuationEngine engine;
        final ValuationCertificate.Issuer issuer;
        final CertificateVerifier verifier;
        final Hash chainId;
        final org.batteryledger.core.crypto.Signer signer; // a node keeps its signer: deriving the public point is set-up
        final List<java.security.cert.X509Certificate> chain; // and its chain: the fixture converts it at every call

        Issuing(EcSuite suite, PkiFixture pki, ValuationParameters parameters, ValuationEngine engine) {
            this.suite = suite;
            this.pki = pki;
            this.parameters = parameters;
            this.engine = engine;
            NodeId node = NodeId.of(suite, NodeIds.publicKey(pki.nodeCert()));
            this.issuer = new ValuationCertificate.Issuer("agency-a", "node1", node);
            this.verifier = new CertificateVerifier(suite, pki.chainCa().certificate());
            this.chainId = suite.hash("valuation-bench".getBytes(StandardCharsets.UTF_8));
            this.signer = pki.nodeKey().signer();
            this.chain = pki.nodeChain();
        }

        Issued certificate(Battery b) {
            long t0 = System.nanoTime();
            Assessment a = engine.assess(new Evidence(b.master, b.sessions), VALUED_AT);
            long t1 = System.nanoTime();
            ValuationCertificate c = ValuationCertificate.issue(suite, chainId, issuer, VALUED_AT, null, b.master, b.masterAnchor,
                    b.sessionAnchors, 0, parameters, a);
            long t2 = System.nanoTime();
            byte[] cms = CertificateSigner.sign(suite, signer, chain, c);
            long t3 = System.nanoTime();
            CertificateVerifier.Verdict v = verifier.verify(cms, RevocationView.NONE);
            long t4 = System.nanoTime();
            if (!v.valid() || !v.certificate().equals(c)) {
                throw new IllegalStateException("the certificate of " + b.master.batteryCode() + " does not verify: " + v.reason());
            }
            return new Issued(c, cms, new Steps(t1 - t0, t2 - t1, t3 - t2, t4 - t3));
        }
    }

    // ------------------------------------------------------------------------------------------------- the fleet

    /**
     * {@code count} batteries, half LFP and half NMC, made in the first half of 2023, each with {@value #SESSIONS}
     * sessions over about two years: alternately a discharge and a charge of depth 0.1-0.9 at 0.1-2 C, at -5..45 °C
     * around the battery's own climate.
     */
    static List<Battery> fleet(EcSuite suite, int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Battery> out = new ArrayList<>(count);
        long height = 1_000;
        for (int i = 0; i < count; i++) {
            SplittableRandom r = rng.split();
            String code = String.format(Locale.ROOT, "BENCH%06d", i);
            boolean lfp = r.nextBoolean();
            Instant made = FIRST_MANUFACTURE.plusSeconds(r.nextLong(181L * 86_400));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recordId", "BENCH-B-" + code);
            m.put("type", "battery");
            m.put("batteryCode", code);
            m.put("manufacturer", "Bench Cells");
            m.put("chemistry", (lfp ? Chemistry.LFP : Chemistry.NMC).name());
            m.put("ratedCapacityAh", BigDecimal.valueOf(lfp ? 202 : 117));
            m.put("nominalVoltageV", new BigDecimal(lfp ? "332.8" : "350.4"));
            m.put("ratedCycleLife", BigDecimal.valueOf(lfp ? 3_000 + 500 * r.nextInt(7) : 1_000 + 250 * r.nextInt(5)));
            m.put("ratedCycleDod", lfp || r.nextBoolean() ? BigDecimal.ONE : new BigDecimal("0.8"));
            m.put("ratedCycleTempC", BigDecimal.valueOf(25));
            m.put("manufacturedAt", made.toString());
            ParsedRecord master = parse(m);
            BatteryRecord.Master mb = (BatteryRecord.Master) master.record();

            List<ParsedRecord> sessions = new ArrayList<>(SESSIONS);
            double climate = uniform(r, 0, 35);
            double soc = 0.95;
            long t = made.getEpochSecond() + 30 * 86_400L + r.nextLong(60 * 86_400L);
            for (int k = 0; k < SESSIONS; k++) {
                boolean discharge = k % 2 == 0;
                double depth = discharge ? uniform(r, 0.1, Math.min(0.9, soc - 0.05)) : uniform(r, 0.1, 0.9);
                double to = round(discharge ? soc - depth : Math.min(1.0, soc + depth), 3);
                double cRate = uniform(r, 0.1, 2.0);
                long seconds = Math.max(300, (long) (Math.abs(to - soc) / cRate * 3600));
                double avg = round(Math.min(45, Math.max(-5, climate + uniform(r, -10, 10))), 1);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("recordId", String.format(Locale.ROOT, "BENCH-S-%06d-%04d", i, k));
                s.put("type", "session");
                s.put("batteryCode", code);
                s.put("operator", "Bench Charging");
                s.put("startedAt", Instant.ofEpochSecond(t).toString());
                s.put("endedAt", Instant.ofEpochSecond(t + seconds).toString());
                s.put("socStart", decimal(soc, 3));
                s.put("socEnd", decimal(to, 3));
                s.put("energyKWh", decimal(mb.ratedEnergyKWh() * Math.abs(to - soc), 4));
                s.put("avgTempC", decimal(avg, 1));
                s.put("maxTempC", decimal(avg + uniform(r, 0.5, 5), 1));
                sessions.add(parse(s));
                soc = to;
                t += seconds + (long) (uniform(r, 0.3, 1.1) * 86_400);
            }

            // Anchors: the battery's records in order, OWN_RECORDS_PER_BATCH to a batch of BATCH_SIZE records (the rest
            // other batteries'), at distinct leaf positions; each batch anchored by one transaction in its own block.
            List<ParsedRecord> all = new ArrayList<>(SESSIONS + 1);
            all.add(master);
            all.addAll(sessions);
            List<AnchoredRecord> anchors = new ArrayList<>(all.size());
            for (int from = 0; from < all.size(); from += OWN_RECORDS_PER_BATCH) {
                int to = Math.min(all.size(), from + OWN_RECORDS_PER_BATCH);
                long[] leaves = distinctLeaves(r, to - from);
                Hash root = randomHash(r);
                Hash tx = randomHash(r);
                height += 1 + r.nextInt(5);
                for (int j = from; j < to; j++) {
                    ParsedRecord p = all.get(j);
                    anchors.add(new AnchoredRecord(p.record().recordId(), p.hash(suite), leaves[j - from], BATCH_SIZE, root, height, tx));
                }
            }
            out.add(new Battery(mb, sessions.stream().map(p -> (BatteryRecord.Session) p.record()).toList(), anchors.get(0),
                    List.copyOf(anchors.subList(1, anchors.size()))));
        }
        return out;
    }

    /** Written as JSON, parsed back and checked against the record schema, as the node reads a record. */
    private static ParsedRecord parse(Map<String, Object> record) {
        RecordSchema.Result r = RecordSchema.check(Json.parse(Json.write(record)));
        if (r instanceof RecordSchema.Valid v) {
            return v.parsed();
        }
        throw new IllegalStateException("bench record refused by the schema: " + r);
    }

    private static long[] distinctLeaves(SplittableRandom r, int n) {
        int[] all = new int[BATCH_SIZE];
        for (int i = 0; i < BATCH_SIZE; i++) {
            all[i] = i;
        }
        for (int i = BATCH_SIZE - 1; i > 0; i--) { // Fisher-Yates
            int j = r.nextInt(i + 1);
            int x = all[i];
            all[i] = all[j];
            all[j] = x;
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = all[i];
        }
        Arrays.sort(out);
        return out;
    }

    private static Hash randomHash(SplittableRandom r) {
        byte[] b = new byte[Hash.LENGTH];
        for (int i = 0; i < b.length; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return Hash.of(b);
    }

    private static double uniform(SplittableRandom r, double from, double to) {
        return from + (to - from) * r.nextDouble();
    }

    private static double round(double d, int places) {
        return decimal(d, places).doubleValue();
    }

    private static BigDecimal decimal(double d, int places) {
        return BigDecimal.valueOf(d).setScale(places, RoundingMode.HALF_EVEN);
    }
}
