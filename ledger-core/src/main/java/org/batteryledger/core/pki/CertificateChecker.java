package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether a peer's certificate chain {@code [leaf, agency CA]} belongs to this chain's PKI at a given
 * time, and derives the peer's node id from the leaf key. Signatures are verified with the chain's suite (so a
 * certificate signed with another algorithm is rejected). Thread-safe; the time is always passed in.
 */
public final class CertificateChecker {
    /** Critical extensions this PKI understands; RFC 5280 requires rejecting a certificate with any other. */
    private static final Set<ASN1ObjectIdentifier> UNDERSTOOD_CRITICAL = Set.of(Extension.basicConstraints,
            Extension.keyUsage, Extension.extendedKeyUsage, Extension.subjectAlternativeName);

    /** Issuer signatures this checker has verified; a verifier of many documents meets the same few chains again. */
    static final int VERIFIED_SIGNATURES = 256;

    /** Certificates parsed for the checks, by their DER: a checker meets the same few chains again. */
    static final int PARSED_CERTIFICATES = 256;

    private final EcSuite suite;
    private final Parsed chainCa;
    private final LruMap<ByteBuffer, Parsed> parsed = new LruMap<>(PARSED_CERTIFICATES);
    private final LruMap<List<ByteBuffer>, Boolean> verified = new LruMap<>(VERIFIED_SIGNATURES);

    /** @throws IllegalArgumentException unless the chain CA certificate is a self-signed CA of the suite */
    public CertificateChecker(EcSuite suite, X509Certificate chainCaCertificate) {
        this.suite = suite;
        this.chainCa = parse(chainCaCertificate);
        if (!Certificates.isSignedBy(suite, chainCa.holder(), chainCa.holder())) {
            throw new IllegalArgumentException("the chain CA certificate is not self-signed with suite " + suite.id());
        }
        if (!isCa(chainCa.holder())) {
            throw new IllegalArgumentException("the chain CA certificate is not a CA certificate");
        }
    }

    /**
     * @param chain       the leaf (node or client) certificate, then the agency CA certificate that issued it
     * @param at          the time of the check (the caller's clock or the block time)
     * @param revocations revoked serials and node ids
     * @param admitted    whether the derived node id is admitted (a member) on the chain
     */
    public CheckResult check(List<X509Certificate> chain, Instant at, RevocationView revocations, Predicate<NodeId> admitted) {
        return check(chain, at, revocations, admitted, false);
    }

    /**
     * The chain {@code [signer, agency CA]} of a signed document (a valuation certificate) at its signing time: the
     * signer is a document signer, whose subject names the node it signs for, or (certificates signed before nodes had
     * document signers) a node certificate. Nothing about admission: a document outlives its signer's membership.
     */
    public CheckResult checkDocumentSigner(List<X509Certificate> chain, Instant at, RevocationView revocations) {
        return check(chain, at, revocations, id -> true, true);
    }

    /**
     * {@link Certificates#isSignedBy}, remembered for the last {@value #VERIFIED_SIGNATURES} pairs of certificate and
     * issuer that verified (by their DER bytes: a signature over given bytes with a given key verifies once or never).
     * Validity, revocation and roles are checked on every call; only the ECDSA verification is saved.
     */
    private boolean signedBy(Parsed certificate, Parsed issuer) {
        List<ByteBuffer> key = List.of(certificate.der(), issuer.der());
        // Only a success is remembered (a null is not): a failure is rare and must not evict the chains in use.
        return verified.get(key, k -> Certificates.isSignedBy(suite, certificate.holder(), issuer.holder()) ? Boolean.TRUE : null) != null;
    }

    /**
     * A certificate as the checks read it: its DER, its holder and its validity period, parsed once (BC parses the
     * validity's time strings at every call). The bytes decide; nothing about a certificate's use is remembered here.
     */
    private record Parsed(ByteBuffer der, X509CertificateHolder holder, Instant notBefore, Instant notAfter) {
    }

    /** @throws IllegalArgumentException for a certificate that does not parse */
    private Parsed parse(X509Certificate certificate) {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException | RuntimeException e) {
            throw new IllegalArgumentException("malformed certificate: " + e.getMessage(), e);
        }
        return parsed.get(ByteBuffer.wrap(der), k -> {
            X509CertificateHolder holder = Certificates.holder(certificate);
            return new Parsed(k, holder, holder.getNotBefore().toInstant(), holder.getNotAfter().toInstant());
        });
    }

    private CheckResult check(List<X509Certificate> chain, Instant at, RevocationView revocations, Predicate<NodeId> admitted,
                              boolean document) {
        if (chain.size() != 2) {
            return CheckResult.rejected("the chain must be [leaf, agency CA], not " + chain.size() + " certificates");
        }
        Parsed leafParsed;
        Parsed agencyParsed;
        try {
            leafParsed = parse(chain.get(0));
            agencyParsed = parse(chain.get(1));
        } catch (IllegalArgumentException e) {
            return CheckResult.rejected(e.getMessage());
        }
        X509CertificateHolder leaf = leafParsed.holder();
        X509CertificateHolder agency = agencyParsed.holder();
        String invalid = validity("chain CA certificate", chainCa, at);
        if (invalid != null) {
            return CheckResult.rejected(invalid);
        }

        if (!signedBy(agencyParsed, chainCa)) {
            return CheckResult.rejected("agency CA certificate " + agency.getSubject() + " is not signed by the chain CA");
        }
        if (!isCa(agency)) {
            return CheckResult.rejected("agency CA is not a CA: " + agency.getSubject());
        }
        KeyUsage agencyUsage = KeyUsage.fromExtensions(agency.getExtensions());
        if (agencyUsage != null && !agencyUsage.hasUsages(KeyUsage.keyCertSign)) {
            return CheckResult.rejected("agency CA may not sign certificates (no keyCertSign key usage)");
        }
        String problem = firstProblem("agency CA certificate", agencyParsed, at);
        if (problem != null) {
            return CheckResult.rejected(problem);
        }

        if (!signedBy(leafParsed, agencyParsed)) {
            return CheckResult.rejected("leaf certificate " + leaf.getSubject() + " is not signed by its agency CA");
        }
        BasicConstraints leafConstraints = BasicConstraints.fromExtensions(leaf.getExtensions());
        if (leafConstraints != null && leafConstraints.isCA()) {
            return CheckResult.rejected("leaf certificate " + leaf.getSubject() + " is a CA certificate");
        }
        problem = firstProblem("leaf certificate", leafParsed, at);
        if (problem != null) {
            return CheckResult.rejected(problem);
        }

        byte[] leafKey = Certificates.publicKey(leaf);
        try {
            suite.publicKey(leafKey);
        } catch (IllegalArgumentException e) {
            return CheckResult.rejected("leaf public key is not a key of suite " + suite.id() + ": " + e.getMessage());
        }
        NodeId nodeId = NodeId.of(suite, leafKey);
        String declared = Certificates.attribute(leaf.getSubject(), BCStyle.SERIALNUMBER);
        CertificateRole role = CertificateRole.ofUnit(Certificates.attribute(leaf.getSubject(), BCStyle.OU)).orElse(null);
        boolean signer = role == CertificateRole.DOCUMENT_SIGNER;
        // Each key has one job: a document signer's opens no link, and a client's signs no document.
        if (!document && signer) {
            return CheckResult.rejected("a document signer's certificate is not for TLS: " + leaf.getSubject());
        }
        if (document && !signer && role != CertificateRole.NODE) {
            return CheckResult.rejected("the signer is neither a document signer nor a node: " + leaf.getSubject());
        }
        if (signer) {
            KeyUsage usage = KeyUsage.fromExtensions(leaf.getExtensions());
            if (usage == null || !usage.hasUsages(KeyUsage.nonRepudiation)) {
                return CheckResult.rejected("document signer " + leaf.getSubject() + " has no nonRepudiation key usage");
            }
            try {
                nodeId = new NodeId(declared);
            } catch (IllegalArgumentException e) {
                return CheckResult.rejected("document signer " + leaf.getSubject() + " names no node in its serialNumber");
            }
        } else if (declared != null && !declared.equals(nodeId.value())) {
            return CheckResult.rejected("subject serialNumber " + declared + " is not the node id " + nodeId
                    + " of the certificate's key", nodeId);
        }

        if (revocations.isSerialRevoked(agency.getSerialNumber())) {
            return CheckResult.rejected("agency CA certificate serial " + agency.getSerialNumber() + " is revoked", nodeId);
        }
        if (revocations.isSerialRevoked(leaf.getSerialNumber())) {
            return CheckResult.rejected("certificate serial " + leaf.getSerialNumber() + " is revoked", nodeId);
        }
        if (revocations.isNodeRevoked(nodeId)) {
            return CheckResult.rejected("node " + nodeId + " is revoked", nodeId);
        }
        if (!admitted.test(nodeId)) {
            return CheckResult.rejected("node " + nodeId + " is not admitted", nodeId);
        }
        return CheckResult.accepted(nodeId);
    }

    private static boolean isCa(X509CertificateHolder certificate) {
        BasicConstraints constraints = BasicConstraints.fromExtensions(certificate.getExtensions());
        return constraints != null && constraints.isCA();
    }

    /** An unrecognised critical extension, else a validity problem, else null. */
    private static String firstProblem(String what, Parsed parsed, Instant at) {
        X509CertificateHolder certificate = parsed.holder();
        for (Object oid : certificate.getCriticalExtensionOIDs()) {
            if (!UNDERSTOOD_CRITICAL.contains(oid)) {
                return what + " " + certificate.getSubject() + " has an unrecognised critical extension " + oid;
            }
        }
        return validity(what, parsed, at);
    }

    private static String validity(String what, Parsed parsed, Instant at) {
        X509CertificateHolder certificate = parsed.holder();
        Instant notBefore = parsed.notBefore();
        Instant notAfter = parsed.notAfter();
        if (at.isBefore(notBefore)) {
            return what + " " + certificate.getSubject() + " is not yet valid until " + notBefore;
        }
        if (at.isAfter(notAfter)) {
            return what + " " + certificate.getSubject() + " expired on " + notAfter;
        }
        return null;
    }
}
