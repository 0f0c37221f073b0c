package org.batteryledger.launcher;

import org.batteryledger.core.contract.MemberKind;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.node.directory.NodeDirectory;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code ./consortium add-agency --name N [--kind K[,K...]]}: a new member company. Its agency CA (a key and a
 * certificate issued by the chain CA, kept in {@code agencies/<N>/}), the {@code add-agency} proposal with its member
 * kinds, and approvals by the other agencies' running nodes until the on-chain quorum; {@code add-node --agency N}
 * works right after. Where the chain CA's key is kept (here, {@code ca/ca.key} of the local consortium).
 */
final class AddAgency {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    private AddAgency() {
    }

    public static int run(Path dir, String name, String kinds, Path jbossHome) throws Exception {
        long t0 = System.nanoTime();
        if (name == null || !NAME.matcher(name).matches()) {
            System.err.println("an agency name is 1 to 64 characters of a-z, 0-9 and '-', starting with a letter or digit, not '" + name + "'");
            return 2;
        }
        List<String> kindLabels;
        try {
            kindLabels = kinds == null || kinds.isBlank() ? List.of() : List.of(kinds.split(","));
            kindLabels.forEach(MemberKind::fromLabel);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        List<Path> nodes = Consortium.nodeDirs(dir);
        if (nodes.isEmpty()) {
            System.err.println("no consortium in " + dir + ": run ./consortium up first");
            return 2;
        }
        Path agencyDir = dir.resolve("agencies").resolve(name);
        if (!Files.exists(agencyDir.resolve("agency-ca.crt"))) {
            issueAgencyCa(dir, name, new NodeDirectory(nodes.get(0)).suite(), agencyDir);
            System.out.printf("issued the agency CA of %s from the chain CA: %s%n", name, agencyDir.resolve("agency-ca.crt"));
        } else {
            System.out.println("the agency CA of " + name + " exists: " + agencyDir.resolve("agency-ca.crt"));
        }

        String adminPassword = Users.loadOrCreate(dir.resolve("users.properties"), new SecureRandom()).get("admin");
        Governance governance = new Governance(dir, jbossHome, adminPassword);
        int proposer = governance.nodeOf(null);
        if (proposer < 0) {
            System.err.println("no node of the consortium is running: start them first (./consortium up)");
            return 1;
        }
        String body = Governance.JSON.createObjectNode().put("action", "add-agency").put("name", name)
                .set("kinds", Governance.JSON.valueToTree(kindLabels)).toString();
        String outcome = governance.proposeAndApprove(proposer, body);
        if (!outcome.equals("executed")) {
            System.err.println("adding " + name + " is " + outcome + ": not enough agencies approved it");
            return 1;
        }
        System.out.printf("%s is a member%s at %.1f s; next: ./consortium add-node --agency %s%n", name,
                kindLabels.isEmpty() ? "" : " (" + String.join(", ", kindLabels) + ")", (System.nanoTime() - t0) / 1e9, name);
        return 0;
    }

    private static void issueAgencyCa(Path dir, String name, EcSuite suite, Path agencyDir) throws Exception {
        X509Certificate chainCert = Pem.readCertificate(Files.readString(dir.resolve("ca/ca.crt")));
        SuiteKeyPair chainKey = SuiteKeyPair.fromPkcs8(suite, Pem.readPrivateKey(Files.readString(dir.resolve("ca/ca.key"))));
        CertificateAuthority chainCa = CertificateAuthority.of(suite, chainKey.signer(), chainCert);
        SecureRandom random = new SecureRandom();
        SuiteKeyPair key = KeyPairs.generate(suite, random);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509Certificate cert = chainCa.issueAgencyCa(Csr.create(suite, key.signer(), name), name, now.minus(Duration.ofMinutes(5)),
                chainCert.getNotAfter().toInstant(), new BigInteger(63, random).add(BigInteger.ONE));
        ConsortiumFactory.writePrivate(agencyDir.resolve("agency-ca.key"), Pem.writePrivateKey(key));
        Files.writeString(agencyDir.resolve("agency-ca.crt"), Pem.writeCertificate(cert), StandardCharsets.UTF_8);
    }
}
