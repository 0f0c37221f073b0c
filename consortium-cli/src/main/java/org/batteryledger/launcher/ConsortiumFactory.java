package org.batteryledger.launcher;

import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.CertificateFingerprint;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.directory.PrivateFiles;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Creates a local consortium: the chain CA, one CA per agency, a key and a certificate (issued from a CSR) per node,
 * the genesis naming every node, and the node directories ({@link NodeDirectory}). Layout under the root:
 * {@code ca/ca.crt}, {@code agencies/<agency>/}, {@code nodes/<name>/{data,keystore,log}}.
 */
final class ConsortiumFactory {
    /** A node to create: its name, agency and index (ports are derived from the index). */
    public record NodeSpec(String name, String agency, int index) {
    }

    private static final Duration VALIDITY = Duration.ofDays(3650);

    private final EcSuite suite;
    private final SecureRandom random;
    private final Instant now;

    public ConsortiumFactory(EcSuite suite, SecureRandom random, Instant now) {
        this.suite = suite;
        this.random = random;
        this.now = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // certificates carry whole seconds
    }

    /** The reference layout: agencies of 4, 2 and 1 nodes for 7; otherwise nodes dealt over three agencies. */
    public static List<NodeSpec> layout(int nodes) {
        List<String> agencies = List.of("agency-a", "agency-b", "agency-c");
        List<NodeSpec> out = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            String agency = nodes == 7 ? (i < 4 ? "agency-a" : i < 6 ? "agency-b" : "agency-c") : agencies.get(i % Math.min(3, nodes));
            out.add(new NodeSpec("node" + i, agency, i));
        }
        return out;
    }

    /**
     * The member kinds of a local consortium's agencies: one agency does everything; otherwise the first is a
     * manufacturer that also runs charging (its node0 pulls both partner feeds), the last is the recycler and auditor,
     * and those between are charging operators. No party names are declared (records may name any party) until
     * governance sets them ({@code set-member}).
     */
    static Map<String, Member> members(List<String> agencies) {
        Map<String, Member> out = new LinkedHashMap<>();
        for (int i = 0; i < agencies.size(); i++) {
            Set<MemberKind> kinds = agencies.size() == 1 ? EnumSet.allOf(MemberKind.class)
                    : i == 0 ? EnumSet.of(MemberKind.MANUFACTURER, MemberKind.CHARGING)
                    : i == agencies.size() - 1 ? EnumSet.of(MemberKind.RECYCLER, MemberKind.AUDITOR)
                    : EnumSet.of(MemberKind.CHARGING);
            out.put(agencies.get(i), new Member(kinds, List.of()));
        }
        return out;
    }

    public Genesis create(Path root, List<NodeSpec> nodes, Map<String, Long> params, Ports ports) throws IOException {
        SuiteKeyPair caKey = KeyPairs.generate(suite, random);
        CertificateAuthority chainCa = CertificateAuthority.selfSignedChainCa(suite, caKey.signer(), "battery-ledger-chain-ca",
                now.minus(Duration.ofMinutes(5)), now.plus(VALIDITY), serial());
        String chainCaPem = Pem.writeCertificate(chainCa.certificate());
        writePrivate(root.resolve("ca/ca.key"), Pem.writePrivateKey(caKey));
        Files.writeString(root.resolve("ca/ca.crt"), chainCaPem, StandardCharsets.UTF_8);

        Map<String, CertificateAuthority> agencyCas = new LinkedHashMap<>();
        for (NodeSpec n : nodes) {
            if (!agencyCas.containsKey(n.agency())) {
                SuiteKeyPair key = KeyPairs.generate(suite, random);
                X509Certificate cert = chainCa.issueAgencyCa(Csr.create(suite, key.signer(), n.agency()), n.agency(),
                        now.minus(Duration.ofMinutes(5)), now.plus(VALIDITY), serial());
                Path dir = root.resolve("agencies").resolve(n.agency());
                writePrivate(dir.resolve("agency-ca.key"), Pem.writePrivateKey(key));
                Files.writeString(dir.resolve("agency-ca.crt"), Pem.writeCertificate(cert), StandardCharsets.UTF_8);
                agencyCas.put(n.agency(), CertificateAuthority.of(suite, key.signer(), cert));
            }
        }

        List<Genesis.GenesisNode> genesisNodes = new ArrayList<>();
        Map<NodeSpec, SuiteKeyPair> keys = new LinkedHashMap<>();
        Map<NodeSpec, X509Certificate> certs = new LinkedHashMap<>();
        for (NodeSpec n : nodes) {
            SuiteKeyPair key = KeyPairs.generate(suite, random);
            CertificateAuthority agency = agencyCas.get(n.agency());
            X509Certificate cert = agency.issueNodeCertificate(Csr.create(suite, key.signer(), n.name()), n.name(),
                    now.minus(Duration.ofMinutes(5)), now.plus(VALIDITY), serial());
            keys.put(n, key);
            certs.put(n, cert);
            genesisNodes.add(new Genesis.GenesisNode(n.name(), n.agency(), key.publicKey(),
                    CertificateFingerprint.caHash(suite, agency.certificate()), Role.CONSENSUS));
        }
        byte[] chainCaDer;
        try {
            chainCaDer = chainCa.certificate().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("the chain CA certificate just issued cannot be encoded", e);
        }
        Genesis genesis = new Genesis("battery-ledger", suite.id(), chainCaDer,
                List.copyOf(agencyCas.keySet()), genesisNodes, params, members(List.copyOf(agencyCas.keySet())), now.toEpochMilli());

        Properties peers = new Properties();
        for (NodeSpec n : nodes) {
            peers.setProperty(keys.get(n).nodeId().value(), "127.0.0.1:" + ports.p2p(n.index()));
        }
        for (NodeSpec n : nodes) {
            Properties props = new Properties();
            props.setProperty("name", n.name());
            props.setProperty("agency", n.agency());
            props.setProperty("index", Integer.toString(n.index()));
            props.setProperty("p2p.port", Integer.toString(ports.p2p(n.index())));
            props.setProperty("http.port", Integer.toString(ports.http(n.index())));
            props.setProperty("port.offset", Integer.toString(ports.offset(n.index())));
            props.setProperty("tick.millis", "100");
            new NodeDirectory(root.resolve("nodes").resolve(n.name())).write(genesis, chainCaPem,
                    Pem.writeCertificate(agencyCas.get(n.agency()).certificate()), Pem.writeCertificate(certs.get(n)),
                    Pem.writePrivateKey(keys.get(n)), props);
            new NodeDirectory(root.resolve("nodes").resolve(n.name())).writePeers(peers);
        }
        return genesis;
    }

    private BigInteger serial() {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    /** A private key or password file: the owner's alone from its creation on (rw-------), never chmod-ed after. */
    static void writePrivate(Path file, String content) throws IOException {
        PrivateFiles.write(file, content);
    }
}
