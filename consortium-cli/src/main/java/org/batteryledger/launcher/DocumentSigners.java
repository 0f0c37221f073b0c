package org.batteryledger.launcher;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Gives a node its document signer: a key of its own (not the TLS key) and a certificate from its agency CA with key
 * usage digitalSignature and nonRepudiation and no TLS usage, which valuation certificates are signed with. Done where
 * the agency CA key is (this launcher's {@code agencies/<agency>/}): at {@code up} for every node that has none yet
 * (so an existing consortium gets them too), and when a prepared node's CSR is signed.
 */
final class DocumentSigners {
    private DocumentSigners() {
    }

    /** True when it issued one; false when the node has one already or its agency's CA key is not here. */
    static boolean ensure(Path consortiumDir, NodeDirectory nd) throws IOException {
        if (Files.exists(nd.signerCertificateFile()) || !Files.exists(nd.nodeCertificateFile())) {
            return false; // a prepared node gets one with its node certificate (sign-csr)
        }
        return issue(consortiumDir, nd) != null;
    }

    /**
     * {@code ./consortium rotate-signer NODE}: a new key and certificate in place of the node's current ones. The node
     * reads them before its next signature and registers the new signer on chain first, which retires the old one:
     * certificates signed before stay valid. A compromised old key is revoked besides ({@code revoke-signer}).
     */
    public static int rotate(Path consortiumDir, String nodeName) throws IOException {
        NodeDirectory nd = new NodeDirectory(consortiumDir.resolve("nodes").resolve(nodeName));
        if (!Files.exists(nd.nodeCertificateFile())) {
            System.err.println("no node " + nodeName + " with a certificate in " + consortiumDir);
            return 2;
        }
        String old = nd.documentSigner().map(s -> s.certificate().getSerialNumber().toString()).orElse(null);
        X509Certificate issued = issue(consortiumDir, nd);
        if (issued == null) {
            System.err.println("the CA key of " + nodeName + "'s agency is not in " + consortiumDir.resolve("agencies")
                    + ": the agency rotates it where its CA key is (prepare-node/sign-csr)");
            return 1;
        }
        System.out.println(nodeName + " has a new document signer, serial " + issued.getSerialNumber() + " (fingerprint "
                + fingerprint(nd, issued) + "); it registers it on chain before its next signature"
                + (old == null ? "" : ", which retires serial " + old));
        return 0;
    }

    /** The chain's name for a signer: the suite hash of its certificate's DER. */
    static String fingerprint(NodeDirectory nd, X509Certificate certificate) throws IOException {
        return org.batteryledger.core.pki.CertificateFingerprint.of(nd.suite(), certificate).hex();
    }

    /** Issues and writes a new document signer; null when the agency's CA key is not here. */
    private static X509Certificate issue(Path consortiumDir, NodeDirectory nd) throws IOException {
        String agency = nd.properties().getProperty("agency");
        Path agencyDir = consortiumDir.resolve("agencies").resolve(agency == null ? "" : agency);
        if (agency == null || !Files.exists(agencyDir.resolve("agency-ca.key"))) {
            return null;
        }
        EcSuite suite = nd.suite();
        CertificateAuthority ca = AddNode.agencyCa(agencyDir, suite);
        X509Certificate agencyCert = ca.certificate();
        SecureRandom random = new SecureRandom();
        SuiteKeyPair key = KeyPairs.generate(suite, random);
        String name = nd.properties().getProperty("name");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant notBefore = now.minus(Duration.ofMinutes(5));
        if (notBefore.isBefore(agencyCert.getNotBefore().toInstant())) {
            notBefore = agencyCert.getNotBefore().toInstant();
        }
        X509Certificate cert = ca.issueDocumentSignerCertificate(Csr.create(suite, key.signer(), name), name,
                org.batteryledger.core.crypto.NodeId.of(suite, NodeIds.publicKey(nd.nodeCertificate())), notBefore,
                agencyCert.getNotAfter().toInstant(), new BigInteger(63, random).add(BigInteger.ONE));
        nd.writeDocumentSigner(Pem.writePrivateKey(key), Pem.writeCertificate(cert));
        return cert;
    }
}
