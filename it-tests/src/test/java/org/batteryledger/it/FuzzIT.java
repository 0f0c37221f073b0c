package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.batteryledger.it.fuzz.HostileRequests;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fuzzing suite (issue 17): seeded hostile requests ({@link HostileRequests}) against the real EAR on one node,
 * each checked for what a client may rely on: no 5xx (a SOAP fault only as {@code soap:Client}), no stack trace,
 * class or package name in any answer, every 4xx of the REST API a problem+json that says its status; nothing
 * half-written (the store grows by exactly the records the node acknowledged as new), and the node still serving.
 * 3,000 cases in the build; {@code mvn -B verify -pl it-tests -Dit.test=FuzzIT -Dfuzz.cases=100000} is the long run
 * (BENCHMARKS.md). A failure names the case, and the seed replays the run.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FuzzIT {
    static final int CASES = Integer.getInteger("fuzz.cases", 3_000);
    static final long SEED = Long.getLong("fuzz.seed", 2017);
    static final int PORT = 8080;
    /** What a leaked stack trace or error page carries; the generator writes none of it. */
    static final Pattern LEAK = Pattern.compile("\\bat [\\w$.]+\\([\\w$]+\\.java:\\d+\\)|[A-Z]\\w*(Exception|Error)\\b|\\bjava\\.(lang|io|util)\\."
            + "|\\borg\\.(jboss|apache|hibernate|h2|batteryledger)\\.|\\bio\\.(undertow|netty)\\.|\\bjakarta\\.\\w+\\.|Caused by");
    /** The server's own HTML error page: the node's paths answer problem+json (or a SOAP fault) instead. */
    static final Pattern SERVER_ERROR_PAGE = Pattern.compile("<title>Error</title>|<html><head><title>");

    @Deployment(testable = false)
    static EnterpriseArchive ear() {
        return ShrinkWrap.create(ZipImporter.class, "battery-ledger.ear")
                .importFrom(new File(System.getProperty("it.ear"))).as(EnterpriseArchive.class);
    }

    private static final NodeClient NODE = new NodeClient(PORT, Path.of(System.getProperty("it.consortium.dir")));

    @Test
    void hostileRequestsGetA4xxThatLeaksNothingAndWriteNothingHalfway() throws Exception {
        String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36).toUpperCase(Locale.ROOT);
        String held = "FZ" + run + "HELD";
        NodeClient.Reply master = NODE.post("manufacturer", "/records", "[" + RecordsIT.battery("fz-" + run + "-held", held) + "]");
        assertEquals(202, master.status(), master.body());
        long storedBefore = stored();
        long logBefore = logLines().size();
        HostileRequests cases = new HostileRequests(SEED, run, held);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> byProblem = new TreeMap<>();
        Map<String, Integer> byStatus = new TreeMap<>();
        long newlyAccepted = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            HostileRequests.Case c = cases.next();
            Map<String, String> headers = new LinkedHashMap<>(c.headers());
            if (c.user() != null) {
                headers.putIfAbsent("Authorization", basic(c.user()));
            }
            RawHttp.Answer a;
            try {
                a = RawHttp.send(PORT, RawHttp.request(PORT, c.method(), c.target(), headers, c.body()));
            } catch (IOException e) {
                failures.add("no answer (" + e.getMessage() + ") to " + c.describe());
                continue;
            }
            // SOAP 1.1 sends every fault with 500; its faultcode says whose mistake it was (checked below)
            byStatus.merge(c.soap() && a.status() == 500 ? "500 SOAP fault" : a.status() / 100 + "xx", 1, Integer::sum);
            String problem = problemWith(c, a);
            if (problem != null) {
                byProblem.merge(problem + " [" + c.kind() + ", " + a.status() + "]", 1, Integer::sum);
            }
            if (problem != null && failures.size() < 1_000) {
                failures.add(problem + "\n    " + c.describe() + "\n    answer " + a.status() + " " + a.contentType() + ": "
                        + a.text().substring(0, Math.min(a.text().length(), 600)));
            }
            newlyAccepted += newlyAccepted(c, a);
            if (i % 250 == 249) {
                assertEquals(200, NODE.get("auditor", "/chain").status(), "the node stopped serving after case " + c.number());
            }
        }
        System.out.printf(Locale.ROOT, "FuzzIT: %d cases (seed %d) in %.0f s: %s, %d records newly accepted, %d failures%n", CASES, SEED,
                (System.nanoTime() - t0) / 1e9, byStatus, newlyAccepted, failures.size());
        byProblem.forEach((p, n) -> System.out.printf(Locale.ROOT, "FuzzIT: %5d x %s%n", n, p));
        assertTrue(failures.isEmpty(), failures.size() + " cases failed: " + byProblem + "; the first:\n"
                + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        assertEquals(200, NODE.get("auditor", "/chain").status(), "the node serves after the run");
        assertEquals(storedBefore + newlyAccepted, stored(), "the store grew by exactly the records the node acknowledged as new");
        // Bad requests cost the node's capped log a line at most, never a stack trace: a client that sends them (or an
        // attacker) would otherwise rotate the log's history away (the SOAP stack logged about 120 lines a fault).
        List<String> log = logLines();
        List<String> added = log.subList((int) logBefore, log.size());
        List<String> traces = added.stream().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by")).toList();
        System.out.printf(Locale.ROOT, "FuzzIT: the node's log grew by %d lines, %d of them stack frames%n", added.size(), traces.size());
        assertEquals(0, traces.size(), "stack traces in the node's log for hostile requests; the first lines:\n"
                + String.join("\n", added.subList(0, Math.min(40, added.size()))));
        assertTrue(added.size() <= CASES, "at most a line a case: " + added.size() + " lines for " + CASES);
        assertEquals(List.of(), added.stream().filter(l -> l.contains(" ERROR ")).limit(20).toList(),
                "a client's mistakes are not the node's errors (the JDK's parser printed '[Fatal Error]' to standard error)");
    }

    /** The node's server log (one file: the build's cases stay far below its 10 MB rotation). */
    private static List<String> logLines() throws IOException {
        return Files.readAllLines(Path.of(System.getProperty("it.consortium.dir"), "nodes", "node0", "log", "server.log"),
                StandardCharsets.ISO_8859_1);
    }

    /** What is wrong with the answer to a case, or null. */
    static String problemWith(HostileRequests.Case c, RawHttp.Answer a) {
        String text = a.text();
        Matcher leak = LEAK.matcher(text);
        if (leak.find()) {
            return "the answer leaks internals ('" + leak.group() + "')";
        }
        for (String h : a.headers().values()) {
            if (LEAK.matcher(h).find()) {
                return "a header leaks internals: " + h;
            }
        }
        if (a.body().length == 0 && a.contentType().isEmpty() && (a.status() == 400 || a.status() == 405 && c.method().equals("TRACE"))) {
            // the HTTP server's own refusal before any application sees the request: a request-target that does not
            // decode, or TRACE (WildFly's disallowed-methods)
            return null;
        }
        if (!c.target().startsWith("/ledger/")) {
            return null; // the server's root and asterisk-form targets: no application answers there (a leak is checked above)
        }
        if (SERVER_ERROR_PAGE.matcher(text).find()) {
            return "the server's HTML error page";
        }
        if (c.soap()) {
            // SOAP 1.1 §4.4.1: Client, or the envelope's own VersionMismatch and MustUnderstand, are the sender's mistakes
            if (a.status() >= 500 && !(a.status() == 500 && text.matches("(?s).*<faultcode>(\\w+:)?(Client|VersionMismatch|MustUnderstand)</faultcode>.*"))) {
                return "a SOAP client mistake answered " + a.status() + " without a soap:Client fault";
            }
            return null;
        }
        if (a.status() >= 500) {
            return "a client mistake answered " + a.status();
        }
        if (a.status() >= 400 && c.target().startsWith("/ledger/api") && !c.method().equals("HEAD")) {
            if (!a.contentType().startsWith("application/problem+json")) {
                return "a " + a.status() + " of the REST API that is not problem+json";
            }
            try {
                JsonObject p = Json.createReader(new StringReader(text)).readObject();
                if (p.getInt("status", -1) != a.status() || p.getString("title", "").isBlank()) {
                    return "a problem+json without its status and title";
                }
            } catch (RuntimeException e) {
                return "a problem+json that is not a JSON object";
            }
        }
        return null;
    }

    /** Records the answer acknowledges as stored for the first time (duplicates are acknowledged, not stored). */
    static long newlyAccepted(HostileRequests.Case c, RawHttp.Answer a) {
        if (c.soap()) {
            String t = a.text();
            return a.status() == 200 ? count(t, "<(\\w+:)?accepted>") - count(t, "<(\\w+:)?duplicate>true<") : 0;
        }
        if (a.status() != 202 || !c.target().equals("/ledger/api/records")) {
            return 0;
        }
        long n = 0;
        for (JsonValue v : Json.createReader(new StringReader(a.text())).readObject().getJsonArray("accepted")) {
            if (!v.asJsonObject().getBoolean("duplicate", false)) {
                n++;
            }
        }
        return n;
    }

    private static long count(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().count();
    }

    private static long stored() throws Exception {
        for (String line : NODE.get("auditor", "/metrics").body().split("\n")) {
            if (line.startsWith("batteryledger_records_stored_total ")) {
                return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new AssertionError("no batteryledger_records_stored_total in /metrics");
    }

    private static String basic(String user) throws IOException {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + NODE.password(user)).getBytes(StandardCharsets.UTF_8));
    }
}
