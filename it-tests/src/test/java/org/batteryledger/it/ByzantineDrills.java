package org.batteryledger.it;

import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.launcher.NodeProcess;
import org.batteryledger.node.directory.NodeDirectory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 14 on the real consortium: a node no faulty member can take down. Each drill makes one validator misbehave
 * with its own key ({@code ./consortium byzantine}); the three honest validators must keep committing, stay under
 * 1 GB resident, and flag it with evidence of what it sent. Also: a CA-signed certificate of a node the registry does
 * not know gets no link, and a failed persist stops the replica.
 */
final class ByzantineDrills {
    static final long MAX_RSS_BYTES = 1024L * 1024 * 1024;
    private static final Duration WITHIN = Duration.ofSeconds(180);
    private final Path dir;
    private final Path jbossHome;
    private final List<NodeClient> honest;
    private final String faulty;
    private final List<String> honestNames;
    private final AtomicInteger load = new AtomicInteger();

    ByzantineDrills(Path dir, Path jbossHome, List<NodeClient> honest, List<String> honestNames, String faulty) {
        this.dir = dir;
        this.jbossHome = jbossHome;
        this.honest = honest;
        this.honestNames = honestNames;
        this.faulty = faulty;
    }

    /**
     * One drill mode: the honest nodes commit while it runs, stay bounded, and flag the faulty node: with new evidence of
     * one of {@code evidence}'s kinds (counted from before the drill, so an earlier drill's evidence does not count), or,
     * for a mode that proves nothing (mute), as not agile.
     */
    void drill(String mode, Set<String> evidence) throws Exception {
        long before = evidenceCount(evidence);
        Consortium.at(dir).byzantine(faulty, mode, 300);
        try {
            long start = minHeight();
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
                propose(); // load: a proposal per poll, to every honest node in turn
                return minHeight() >= start + 4 && (evidence.isEmpty() ? notAgile() : evidenceCount(evidence) > before);
            });
            for (String name : honestNames) {
                long rss = rss(name);
                assertTrue(rss < MAX_RSS_BYTES, name + " holds " + rss / (1024 * 1024) + " MB resident during the " + mode + " drill");
            }
        } finally {
            Consortium.at(dir).byzantine(faulty, "off", 1);
        }
    }

    private void propose() throws Exception {
        int i = load.getAndIncrement();
        honest.get(i % honest.size()).post("admin", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"drill-load-" + i + "\"}");
    }

    private long minHeight() {
        return honest.stream().mapToLong(NodeClient::height).min().orElseThrow();
    }

    /** The faulty node as each honest node lists it in GET /nodes. */
    private List<JsonObject> views() throws Exception {
        List<JsonObject> out = new java.util.ArrayList<>();
        for (NodeClient n : honest) {
            for (JsonValue v : n.get("auditor", "/nodes").as(Jsonp::structure).asJsonArray()) {
                if (v.asJsonObject().getString("name").equals(faulty)) {
                    out.add(v.asJsonObject());
                }
            }
        }
        return out;
    }

    /** Faults of {@code kinds} the honest nodes hold against the faulty one while they flag it as misbehaving, in all. */
    private long evidenceCount(Set<String> kinds) throws Exception {
        long count = 0;
        for (JsonObject node : views()) {
            if (node.getBoolean("misbehaving", false) && node.containsKey("evidence")) {
                JsonObject faults = node.getJsonObject("evidence").getJsonObject("faults");
                for (String k : kinds) {
                    count += faults.containsKey(k) ? faults.getJsonNumber(k).longValue() : 0;
                }
            }
        }
        return count;
    }

    /** Some honest node no longer judges the faulty one agile (a silent node falls behind in what it announces). */
    private boolean notAgile() throws Exception {
        return views().stream().anyMatch(n -> !n.getString("status").equals("agile"));
    }

    /** The resident memory of a running node, from /proc (the pid file holds the server's JVM). */
    long rss(String name) throws Exception {
        NodeProcess p = Consortium.at(dir).node(name);
        Optional<ProcessHandle> h = p.running();
        assertTrue(h.isPresent(), name + " is not running");
        return org.batteryledger.it.load.NodeCpu.residentBytes(h.get().pid());
    }

    /**
     * A certificate the agency CA signed for a node that was never registered (prepare-node, sign-csr, no proposal):
     * its TLS handshake with a validator's peer port completes, and the validator closes the link right after.
     */
    static void anUnregisteredPeerGetsNoLink(Path dir, Path jbossHome, String agency, int peerPort, NodeClient node) throws Exception {
        Consortium.at(dir).prepareNode(agency, "never-registered");
        Consortium.at(dir).signCsr(agency, "never-registered");
        NodeDirectory nd = new NodeDirectory(dir.resolve("nodes/never-registered"));
        var key = SuiteKeyPair.fromPkcs8(Suites.ecdsa(), Pem.readPrivateKey(Files.readString(nd.privateKeyFile()))).jcaPrivateKey();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("node", key, new char[0], new Certificate[]{nd.nodeCertificate(), nd.agencyCa()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        long refusedBefore = refused(node);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", peerPort)) {
            s.setSoTimeout(60_000);
            s.startHandshake(); // the CA signed it: the handshake itself succeeds
            try {
                int b = s.getInputStream().read();
                assertEquals(-1, b, "the validator sent data to an unregistered node");
            } catch (SocketTimeoutException e) {
                fail("the validator kept the link of a node that is not in the registry open for 60 s");
            } catch (IOException closed) {
                // closed by the validator: what the test wants
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> refused(node) > refusedBefore);
    }

    private static long refused(NodeClient node) throws Exception {
        NodeClient.Reply metrics = node.get("auditor", "/metrics");
        assertEquals(200, metrics.status(), "GET /metrics: " + metrics.body());
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("batteryledger_peer_links_refused_total ")) {
                return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new AssertionError("no batteryledger_peer_links_refused_total in /metrics");
    }
}
