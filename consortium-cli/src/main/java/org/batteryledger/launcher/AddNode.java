package org.batteryledger.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.batteryledger.launcher.client.NodeClient;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.CertificateFingerprint;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.node.directory.NodeDirectory;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Properties;

/**
 * {@code ./consortium add-node --agency A [--name N]}: a key and a certificate from the agency's CA, the node
 * directory and server base directory, the address books of every node, start, a registration proposal by a node
 * of the agency, approvals by the other agencies' nodes until the quorum; then it reports how many seconds passed
 * until the new node's seal is in a commit certificate (the reference deployment needed about an hour).
 */
final class AddNode {
    private static final ObjectMapper JSON = Governance.JSON;
    private static final Duration WITHIN = Governance.WITHIN;

    private AddNode() {
    }


    public static int run(Path dir, String agency, String requestedName, Path jbossHome, Path ear) throws Exception {
        long t0 = System.nanoTime();
        // 1. and 2. The key, its CSR, the node directory and address books; the agency CA signs the CSR.
        PreparedNode prepared;
        try {
            prepared = prepare(dir, agency, requestedName, jbossHome);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String name = prepared.name();
        Path nodeDir = prepared.nodeDir();
        X509Certificate agencyCert = signCsr(dir, agency, name);
        EcSuite suite = new NodeDirectory(nodeDir).suite();
        String adminPassword = Users.loadOrCreate(dir.resolve("users.properties"), new SecureRandom()).get("admin");

        // 3. Start: it syncs the chain from its peers while its registration is decided.
        NodeProcess process = Consortium.process(jbossHome, nodeDir);
        process.start(ear);
        System.out.printf("created %s (%s) of %s; starting it (http %d)%n", name, prepared.nodeId().shortId(), agency, process.httpPort());

        // 4. Registration proposed by a node of the agency (any node if it has none running), approved by others.
        Governance governance = new Governance(dir, jbossHome, adminPassword);
        int proposer = governance.nodeOf(agency);
        String body = JSON.createObjectNode().put("action", "register-node").put("nodeId", prepared.nodeId().value()).put("name", name)
                .put("agency", agency).put("publicKey", Hex.encode(prepared.publicKey()))
                .put("caHash", CertificateFingerprint.caHash(suite, agencyCert)).put("role", "consensus").toString();
        String outcome = governance.proposeAndApprove(proposer, body);
        if (!outcome.equals("executed")) {
            System.err.println("the registration is " + outcome + ": not enough agencies approved it");
            return 1;
        }
        System.out.printf("registered at %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // 5. Until the new node's seal is in a commit certificate. There are no empty blocks, so while waiting the
        //    launcher proposes a harmless change now and then (a parameter set to its current value).
        long deadline = System.nanoTime() + WITHIN.toNanos();
        long checked = governance.get(proposer, "/chain").path("height").asLong();
        long lastNudge = 0;
        ChainNudge nudge = new ChainNudge(NodeClient.of(proposer, "admin", adminPassword));
        while (System.nanoTime() < deadline) {
            long h = governance.get(proposer, "/chain").path("height").asLong();
            for (long b = checked + 1; b <= h; b++) {
                for (JsonNode seal : governance.get(proposer, "/blocks/" + b).path("commitCertificate")) {
                    if (seal.path("nodeId").asText().equals(prepared.nodeId().value())) {
                        System.out.printf("%s signed the commit certificate of block %d: %.1f s after add-node started%n", name, b,
                                (System.nanoTime() - t0) / 1e9);
                        nudge.withdrawLast();
                        return 0;
                    }
                }
            }
            checked = h;
            if (System.nanoTime() - lastNudge > 2_000_000_000L) {
                lastNudge = System.nanoTime();
                nudge.next();
            }
            Thread.sleep(250);
        }
        System.err.println(name + " is registered but signed no certificate within " + WITHIN.toMinutes() + " minutes: see "
                + nodeDir.resolve("log/server.log"));
        return 1;
    }

    /**
     * {@code ./consortium prepare-node --agency A [--name N]}, what the new node's operator runs on its host: the key
     * (it never leaves keystore/), a CSR for the agency CA, the node directory, the address books and the server base
     * directory. The node starts once the agency CA has signed the CSR ({@link #signCsr}).
     */
    static PreparedNode prepare(Path dir, String agency, String requestedName, Path jbossHome) throws Exception {
        List<Path> existing = Consortium.nodeDirs(dir);
        if (existing.isEmpty()) {
            throw new IllegalArgumentException("no consortium in " + dir + ": run ./consortium up first");
        }
        Path agencyDir = dir.resolve("agencies").resolve(agency == null ? "" : agency);
        if (agency == null || !Files.exists(agencyDir.resolve("agency-ca.crt"))) {
            throw new IllegalArgumentException("unknown agency " + agency + " (no " + agencyDir + ")");
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
            throw new IllegalArgumentException("a node named " + name + " exists");
        }
        Properties firstProps = first.properties();
        Ports ports = new Ports(Integer.parseInt(firstProps.getProperty("port.offset", "0"))
                - 100 * Integer.parseInt(firstProps.getProperty("index", "0")));

        SecureRandom random = new SecureRandom();
        SuiteKeyPair key = KeyPairs.generate(suite, random);
        String csrPem = Pem.writeCsr(Csr.create(suite, key.signer(), name));
        Properties props = new Properties();
        props.setProperty("name", name);
        props.setProperty("agency", agency);
        props.setProperty("index", Integer.toString(index));
        props.setProperty("p2p.port", Integer.toString(ports.p2p(index)));
        props.setProperty("http.port", Integer.toString(ports.http(index)));
        props.setProperty("port.offset", Integer.toString(ports.offset(index)));
        props.setProperty("tick.millis", firstProps.getProperty("tick.millis", "100"));
        // A node joining a running chain starts from its last stable checkpoint rather than replaying every block.
        props.setProperty("snapshot.join", "true");
        NodeDirectory nd = new NodeDirectory(nodeDir);
        nd.write(genesis, Files.readString(first.chainCaFile()), Files.readString(agencyDir.resolve("agency-ca.crt")), null,
                Pem.writePrivateKey(key), props);
        nd.writeCsr(csrPem);
        // A consortium on the launcher's PostgreSQL: the new node gets its own database there too, not an H2 file.
        PostgresCluster pg = new PostgresCluster(dir, ports);
        if (pg.url(existing.get(0).getFileName().toString()).equals(firstProps.getProperty("db.url"))) {
            pg.ensureRunning(List.of(name));
            pg.configure(nd, name);
        }
        String address = "127.0.0.1:" + ports.p2p(index);
        Properties peers = first.peers();
        peers.setProperty(key.nodeId().value(), address);
        nd.writePeers(peers);
        for (Path p : existing) {
            new NodeDirectory(p).writePeers(peers); // nodes re-read their address book every few seconds
        }
        ServerBaseDir.prepare(jbossHome.resolve("standalone"), nodeDir.resolve("server"), Users.loadOrCreate(dir.resolve("users.properties"), random));
        return new PreparedNode(name, nodeDir, key.nodeId(), key.publicKey(), csrPem, address);
    }

    /**
     * {@code ./consortium sign-csr --agency A --name N}, what the agency's operator runs where the agency CA key is:
     * the node certificate for the prepared node's CSR, written into its keystore. Returns the agency CA certificate.
     */
    /** The agency CA whose key and certificate are in {@code agencyDir} ({@code agencies/<agency>/}). */
    static CertificateAuthority agencyCa(Path agencyDir, EcSuite suite) throws java.io.IOException {
        X509Certificate cert = Pem.readCertificate(Files.readString(agencyDir.resolve("agency-ca.crt")));
        SuiteKeyPair key = SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(Files.readString(agencyDir.resolve("agency-ca.key"))));
        return CertificateAuthority.of(suite, key.signer(), cert);
    }

    public static X509Certificate signCsr(Path dir, String agency, String name) throws Exception {
        Path agencyDir = dir.resolve("agencies").resolve(agency);
        NodeDirectory nd = new NodeDirectory(dir.resolve("nodes").resolve(name));
        if (!Files.exists(nd.csrFile())) {
            throw new IllegalArgumentException("no CSR at " + nd.csrFile() + ": run ./consortium prepare-node first");
        }
        CertificateAuthority ca = agencyCa(agencyDir, nd.suite());
        X509Certificate agencyCert = ca.certificate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate cert = ca.issueNodeCertificate(Pem.readCsr(Files.readString(nd.csrFile())), name, now.minus(Duration.ofMinutes(5)),
                agencyCert.getNotAfter().toInstant(), new BigInteger(63, new SecureRandom()).add(BigInteger.ONE));
        nd.writeNodeCertificate(Pem.writeCertificate(cert));
        DocumentSigners.ensure(dir, nd); // and the key it signs valuation certificates with
        return agencyCert;
    }
}
