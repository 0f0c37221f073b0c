package org.batteryledger.launcher;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.core.proof.RecordVerifier;
import org.batteryledger.core.valuation.certificate.CertificateVerifier;
import org.batteryledger.core.valuation.certificate.EvidenceBundle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Checks a valuation's evidence bundle ({@code GET /valuations/{id}/bundle}) without any node: the certificate's
 * signature against the chain CA, its inputs against its evidence root, their audit paths, and the commit certificates
 * of the anchoring blocks against validators the checker trusts. Those come from the consortium directory (every
 * node's certificate with its agency CA), or from {@code --validator} files for someone outside it.
 */
@Command(name = "verify-evidence", mixinStandardHelpOptions = true,
        description = {"Checks a valuation certificate's evidence bundle offline: signature, inputs, audit paths, anchoring blocks.",
                "Exit status 0 when valid, 1 when not (the reason is printed)."})
final class VerifyEvidence implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:consortium.dir:-consortium.d}",
            description = "the consortium directory whose chain CA and node certificates are trusted (default: ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--ca", paramLabel = "CA.crt", description = "the chain CA certificate (default: DIR/ca/ca.crt)")
    Path ca;
    @Option(names = "--validator", paramLabel = "CHAIN.pem",
            description = "a validator's node certificate followed by its agency CA certificate (PEM); repeat per validator "
                    + "(default: every node of DIR)")
    List<Path> validators = new ArrayList<>();
    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the bundle (JSON, as GET /valuations/{id}/bundle gives it)")
    Path bundle;

    /** A bundle file bigger than this is refused before it is read: 50,000 inputs with their paths stay well below. */
    static final long MAX_BUNDLE_BYTES = 256L * 1024 * 1024;

    @Override
    public Integer call() throws Exception {
        if (Files.size(bundle) > MAX_BUNDLE_BYTES) {
            throw new IllegalArgumentException(bundle + " is over " + MAX_BUNDLE_BYTES + " bytes: not an evidence bundle");
        }
        Object tree = Json.parse(Files.readString(bundle, StandardCharsets.UTF_8));
        EvidenceBundle b = EvidenceBundle.fromJson(tree);
        X509Certificate chainCa = Pem.readCertificate(Files.readString(ca != null ? ca : dir.resolve("ca/ca.crt")));
        EcSuite suite = suiteOf(chainCa);
        CertificateVerifier certificates = new CertificateVerifier(suite, chainCa);
        CertificateVerifier.Verdict signed = certificates.verify(b.cms(), RevocationView.NONE);
        if (!signed.valid()) {
            System.out.println("INVALID: " + signed.reason());
            return 1;
        }
        Hash chainId = Hash.fromHex((String) signed.certificate().document().get("chainId"));
        RecordVerifier anchors = RecordVerifier.fromCertificates(suite, chainId, chainCa, validatorChains(), signed.certificate().issuedAt());
        EvidenceBundle.Verdict v = b.verify(suite, signed, anchors);
        System.out.println((v.valid() ? "VALID: " : "INVALID: ") + v.reason());
        if (v.valid()) {
            System.out.println("Not checked offline: whether the chain registered the certificate and whether a newer one superseded it"
                    + " (POST /valuations/verify on any node answers that), nor revocations after the signing time.");
        }
        return v.valid() ? 0 : 1;
    }

    /** The chain's suite: the one the chain CA certificate is self-signed with. */
    private static EcSuite suiteOf(X509Certificate chainCa) {
        for (EcSuite suite : List.of(Suites.ecdsa(), Suites.sm2())) {
            try {
                new CertificateVerifier(suite, chainCa);
                return suite;
            } catch (IllegalArgumentException e) {
                // not this suite's
            }
        }
        throw new IllegalArgumentException("the chain CA certificate is not self-signed with a suite this ledger knows");
    }

    /** {@code --validator} files, or every node of the consortium directory: [node certificate, agency CA]. */
    private List<List<X509Certificate>> validatorChains() throws java.io.IOException {
        List<List<X509Certificate>> chains = new ArrayList<>();
        if (!validators.isEmpty()) {
            for (Path p : validators) {
                List<X509Certificate> chain = Pem.readCertificates(Files.readString(p));
                if (chain.size() != 2) {
                    throw new IllegalArgumentException(p + " must hold a node certificate and its agency CA certificate, not "
                            + chain.size() + " certificates");
                }
                chains.add(chain);
            }
            return chains;
        }
        try (Stream<Path> nodes = Files.list(dir.resolve("nodes"))) {
            for (Path node : nodes.sorted().toList()) {
                Path cert = node.resolve("data/node.crt");
                Path agency = node.resolve("data/agency-ca.crt");
                if (Files.exists(cert) && Files.exists(agency)) {
                    chains.add(List.of(Pem.readCertificate(Files.readString(cert)), Pem.readCertificate(Files.readString(agency))));
                }
            }
        }
        if (chains.isEmpty()) {
            throw new IllegalArgumentException("no validators: " + dir + " has no node certificates; give --validator files");
        }
        return chains;
    }
}
