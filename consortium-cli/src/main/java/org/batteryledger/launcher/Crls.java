package org.batteryledger.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.CertificateFingerprint;
import org.batteryledger.core.pki.RevocationReason;
import org.batteryledger.node.directory.NodeDirectory;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./consortium crl}: the chain's revocations as RFC 5280 CRLs, for validators outside the chain (openssl's
 * {@code -crl_check}, EU DSS), in {@code crl/}: one per agency whose CA key is here ({@code <agency>.crl}: its revoked
 * document signers with their reasons, and its nodes' revoked certificates) and the chain CA's ({@code chain-ca.crl}:
 * revoked agency CAs). Each entry's date is the time of the block that revoked it; the CRL number is the chain's
 * height, so a newer CRL always has a larger number. Valid for 7 days: publish again after a revocation, or weekly.
 */
final class Crls {
    static final Duration VALIDITY = Duration.ofDays(7);

    private Crls() {
    }

    /** Reads the revocations from any running node of the consortium. */
    public static int publish(Path dir, Path jbossHome) throws Exception {
        int port = Governance.asAdmin(dir, jbossHome).nodeOf(null);
        if (port < 0) {
            System.err.println("no node of the consortium runs: the revocations are read from the chain");
            return 1;
        }
        return publish(dir, port);
    }

    /** Reads the revocations from the node serving HTTP on {@code port}. */
    public static int publish(Path dir, int port) throws Exception {
        Governance governance = Governance.asAdmin(dir, null);
        long height = governance.get(port, "/chain").path("height").asLong();
        JsonNode revocations = governance.get(port, "/revocations");
        JsonNode signers = governance.get(port, "/signers");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Path out = Files.createDirectories(dir.resolve("crl"));
        EcSuite suite = null;
        Map<String, List<CertificateAuthority.Revoked>> byAgency = new TreeMap<>();
        for (Path node : Consortium.nodeDirs(dir)) {
            NodeDirectory nd = new NodeDirectory(node);
            suite = nd.suite();
            if (!Files.exists(nd.nodeCertificateFile())) {
                continue;
            }
            String serial = nd.nodeCertificate().getSerialNumber().toString();
            for (JsonNode r : revocations.path("serials")) {
                if (r.path("id").asText().equals(serial)) {
                    byAgency.computeIfAbsent(nd.properties().getProperty("agency"), a -> new ArrayList<>())
                            .add(revoked(serial, r.path("at").asText(), RevocationReason.UNSPECIFIED));
                }
            }
        }
        for (JsonNode s : signers) {
            if (s.path("status").asText().equals("revoked")) {
                byAgency.computeIfAbsent(s.path("agency").asText(), a -> new ArrayList<>()).add(revoked(s.path("serial").asText(),
                        s.path("revokedAt").asText(), RevocationReason.fromLabel(s.path("reason").asText())));
            }
        }
        if (suite == null) {
            System.err.println("no node in " + dir);
            return 2;
        }
        List<CertificateAuthority.Revoked> agencyCas = new ArrayList<>();
        try (var agencies = Files.list(dir.resolve("agencies"))) {
            for (Path agencyDir : agencies.sorted().toList()) {
                if (!Files.exists(agencyDir.resolve("agency-ca.key"))) {
                    continue;
                }
                CertificateAuthority ca = AddNode.agencyCa(agencyDir, suite);
                String agency = agencyDir.getFileName().toString();
                List<CertificateAuthority.Revoked> entries = byAgency.getOrDefault(agency, List.of());
                write(out.resolve(agency + ".crl"), ca.issueCrl(entries, now, now.plus(VALIDITY), BigInteger.valueOf(height)));
                System.out.println(out.resolve(agency + ".crl") + ": " + entries.size() + " revoked");
                String caHash = CertificateFingerprint.caHash(suite, ca.certificate());
                for (JsonNode r : revocations.path("agencyCas")) {
                    if (r.path("id").asText().equals(caHash)) {
                        agencyCas.add(revoked(ca.certificate().getSerialNumber().toString(), r.path("at").asText(), RevocationReason.UNSPECIFIED));
                    }
                }
            }
        }
        if (Files.exists(dir.resolve("ca/ca.key"))) {
            X509Certificate chainCert = Pem.readCertificate(Files.readString(dir.resolve("ca/ca.crt")));
            SuiteKeyPair key = SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(Files.readString(dir.resolve("ca/ca.key"))));
            CertificateAuthority chainCa = CertificateAuthority.of(suite, key.signer(), chainCert);
            write(out.resolve("chain-ca.crl"), chainCa.issueCrl(agencyCas, now, now.plus(VALIDITY), BigInteger.valueOf(height)));
            System.out.println(out.resolve("chain-ca.crl") + ": " + agencyCas.size() + " revoked");
        }
        return 0;
    }

    private static CertificateAuthority.Revoked revoked(String serial, String at, RevocationReason reason) {
        return new CertificateAuthority.Revoked(new BigInteger(serial), Instant.parse(at), reason.code());
    }

    /** DER, replaced in one step: a validator reading the directory sees the old CRL or the new one. */
    private static void write(Path file, X509CRL crl) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, crl.getEncoded());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
