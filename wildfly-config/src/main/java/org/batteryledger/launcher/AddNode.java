package org.batteryledger.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.CertificateFingerprint;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * {@code ./consortium add-node --agency A [--name N]}: a key and a certificate from the agency's CA, the node
 * directory and server base directory, the address books of every node, start, a registration proposal by a node
 * of the agency, approvals by the other agencies' nodes until the quorum; then it reports how many seconds passed
 * until the new node's seal is in a commit certificate (the reference deployment needed about an hour).
 */
public final class AddNode {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WITHIN = Duration.ofMinutes(10);

    private AddNode() {
    }

    public static int run(Path dir, String agency, String requestedName, Path jbossHome, Path ear) throws Exception {
        long t0 = System.nanoTime();
        List<Path> existing = Main.nodeDirs(dir);
        if (existing.isEmpty()) {
            System.err.println("no consortium in " + dir + ": run ./consortium up first");
            return 1;
        }
        Path agencyDir = dir.resolve("agencies").resolve(agency);
        if (!Files.exists(agencyDir.resolve("agency-ca.crt"))) {
            System.err.println("unknown agency " + agency + " (no " + agencyDir + ")");
            return 2;
        }
        NodeDirectory first = new NodeDirectory(existing.get(0));
        Genesis genesis = first.genesis();
        EcSuite suite = Suites.byId(genesis.suiteId());
        int index = 0;
        for (Path p : existing) {
            index = Math.max(index, Integer.parseInt(new NodeDirectory(p).properties().getProperty("index")) + 1);
        }
        String name = requestedName != null ? requestedName : "node" + index;
        Path nodeDir = dir.resolve("nodes").resolve(name);
        if (Files.exists(nodeDir)) {
            System.err.println("a node named " + name + " exists");
            return 2;
        }
        Properties firstProps = first.properties();
        Ports ports = new Ports(Integer.parseInt(firstProps.getProperty("port.offset", "0"))
                - 100 * Integer.parseInt(firstProps.getProperty("index", "0")));

        // 1. Key and certificate: the key never leaves the node's keystore; the agency CA signs its CSR.
        SecureRandom random = new SecureRandom();
        SuiteKeyPair key = KeyPairs.generate(suite, random);
        X509Certificate agencyCert = Pem.readCertificate(Files.readString(agencyDir.resolve("agency-ca.crt")));
        SuiteKeyPair agencyKey = SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(Files.readString(agencyDir.resolve("agency-ca.key"))));
        CertificateAuthority ca = CertificateAuthority.of(suite, agencyKey.signer(), agencyCert);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = agencyCert.getNotAfter().toInstant();
        X509Certificate cert = ca.issueNodeCertificate(Csr.create(suite, key.signer(), name), name, now.minus(Duration.ofMinutes(5)),
                notAfter, new BigInteger(63, random).add(BigInteger.ONE));

        // 2. Node directory, address books, server base directory.
        Properties props = new Properties();
        props.setProperty("name", name);
        props.setProperty("agency", agency);
        props.setProperty("index", Integer.toString(index));
        props.setProperty("p2p.port", Integer.toString(ports.p2p(index)));
        props.setProperty("http.port", Integer.toString(ports.http(index)));
        props.setProperty("port.offset", Integer.toString(ports.offset(index)));
        props.setProperty("tick.millis", firstProps.getProperty("tick.millis", "100"));
        NodeDirectory nd = new NodeDirectory(nodeDir);
        nd.write(genesis, Files.readString(first.chainCaFile()), Pem.writeCertificate(agencyCert), Pem.writeCertificate(cert),
                Pem.writePrivateKey(key), props);
        Properties peers = first.peers();
        peers.setProperty(key.nodeId().value(), "127.0.0.1:" + ports.p2p(index));
        nd.writePeers(peers);
        for (Path p : existing) {
            new NodeDirectory(p).writePeers(peers); // nodes re-read their address book every few seconds
        }
        String adminPassword = Users.loadOrCreate(dir.resolve("users.properties"), random).get("admin");
        ServerBaseDir.prepare(jbossHome.resolve("standalone"), nodeDir.resolve("server"),
                Users.loadOrCreate(dir.resolve("users.properties"), random));

        // 3. Start: it syncs the chain from its peers while its registration is decided.
        NodeProcess process = Main.process(jbossHome, nodeDir);
        process.start(ear);
        System.out.printf("created %s (%s) of %s; starting it (http %d)%n", name, key.nodeId().shortId(), agency, process.httpPort());

        // 4. Registration proposed by a node of the agency (any node if it has none running), approved by others.
        int proposer = -1;
        for (Path p : existing) {
            Properties np = new NodeDirectory(p).properties();
            if (agency.equals(np.getProperty("agency")) && Main.process(jbossHome, p).running().isPresent()) {
                proposer = Integer.parseInt(np.getProperty("http.port"));
                break;
            }
        }
        if (proposer < 0) {
            proposer = Integer.parseInt(new NodeDirectory(existing.get(0)).properties().getProperty("http.port"));
        }
        String body = JSON.createObjectNode().put("action", "register-node").put("nodeId", key.nodeId().value()).put("name", name)
                .put("agency", agency).put("publicKey", Hex.encode(key.publicKey()))
                .put("caHash", CertificateFingerprint.caHash(suite, agencyCert)).put("role", "consensus").toString();
        JsonNode proposed = post(proposer, "/admin/proposals", body, adminPassword);
        String proposal = proposed.path("txHash").asText();
        System.out.println("registration proposed: " + proposal);
        awaitReceipt(proposer, proposal, adminPassword);
        for (Path p : existing) {
            if (status(proposer, proposal, adminPassword).equals("executed")) {
                break;
            }
            Properties np = new NodeDirectory(p).properties();
            if (agency.equals(np.getProperty("agency")) || Main.process(jbossHome, p).running().isEmpty()) {
                continue;
            }
            int port = Integer.parseInt(np.getProperty("http.port"));
            HttpResponse<String> r = send(port, "POST", "/admin/proposals/" + proposal + "/approvals", null, adminPassword);
            if (r.statusCode() == 202) {
                awaitReceipt(port, JSON.readTree(r.body()).path("txHash").asText(), adminPassword);
                System.out.println("approved by " + np.getProperty("agency") + " (" + np.getProperty("name") + ")");
            }
        }
        String outcome = status(proposer, proposal, adminPassword);
        if (!outcome.equals("executed")) {
            System.err.println("the registration is " + outcome + ": not enough agencies approved it");
            return 1;
        }
        System.out.printf("registered at %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // 5. Until the new node's seal is in a commit certificate. There are no empty blocks, so while waiting the
        //    launcher proposes a harmless change now and then (a parameter set to its current value).
        long deadline = System.nanoTime() + WITHIN.toNanos();
        long checked = height(proposer, adminPassword);
        long lastNudge = 0;
        while (System.nanoTime() < deadline) {
            long h = height(proposer, adminPassword);
            for (long b = checked + 1; b <= h; b++) {
                HttpResponse<String> block = send(proposer, "GET", "/blocks/" + b, null, adminPassword);
                for (JsonNode seal : JSON.readTree(block.body()).path("commitCertificate")) {
                    if (seal.path("nodeId").asText().equals(key.nodeId().value())) {
                        System.out.printf("%s signed the commit certificate of block %d: %.1f s after add-node started%n", name, b,
                                (System.nanoTime() - t0) / 1e9);
                        return 0;
                    }
                }
            }
            checked = h;
            if (System.nanoTime() - lastNudge > 2_000_000_000L) {
                lastNudge = System.nanoTime();
                send(proposer, "POST", "/admin/proposals", "{\"action\":\"set-parameter\",\"name\":\"txLifetimeBlocks\",\"value\":"
                        + currentLifetime(proposer, adminPassword) + "}", adminPassword);
            }
            Thread.sleep(250);
        }
        System.err.println(name + " is registered but signed no certificate within " + WITHIN.toMinutes() + " minutes: see "
                + nodeDir.resolve("log/server.log"));
        return 1;
    }

    /** The chain's current txLifetimeBlocks: the nudge proposes it unchanged, so approving it would change nothing. */
    private static long currentLifetime(int port, String password) throws Exception {
        return JSON.readTree(send(port, "GET", "/chain", null, password).body()).path("params").path("txLifetimeBlocks").asLong();
    }

    private static String status(int port, String proposal, String password) throws Exception {
        for (JsonNode p : JSON.readTree(send(port, "GET", "/admin/proposals", null, password).body())) {
            if (p.path("id").asText().equals(proposal)) {
                return p.path("status").asText();
            }
        }
        return "missing";
    }

    private static void awaitReceipt(int port, String tx, String password) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (send(port, "GET", "/admin/transactions/" + tx, null, password).statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("transaction " + tx + " not committed within " + WITHIN.toMinutes() + " minutes");
    }

    private static long height(int port, String password) throws Exception {
        return JSON.readTree(send(port, "GET", "/chain", null, password).body()).path("height").asLong();
    }

    private static JsonNode post(int port, String path, String body, String password) throws Exception {
        HttpResponse<String> r = send(port, "POST", path, body, password);
        if (r.statusCode() != 202) {
            throw new IOException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> send(int port, String method, String path, String body, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ledger/api" + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
