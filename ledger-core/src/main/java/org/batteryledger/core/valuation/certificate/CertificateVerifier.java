package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.CertificateChecker;
import org.batteryledger.core.pki.CheckResult;
import org.batteryledger.core.pki.RevocationView;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Checks a signed valuation certificate offline, with the chain CA certificate alone: the CMS structure, the signer's
 * certificate chain up to the chain CA at the signing time, the signature and message digest (with the chain's suite),
 * the certificate's content and id, and that the document names the agency and node that signed it. Whether the
 * certificate is registered on chain, or superseded, only the chain can say; the node adds that.
 */
public final class CertificateVerifier {
    /** Immutable once built, and costly to build (tables of algorithm names): one for every verification. */
    private static final DefaultCMSSignatureAlgorithmNameGenerator NAMES = new DefaultCMSSignatureAlgorithmNameGenerator();
    private static final DefaultSignatureAlgorithmIdentifierFinder ALGORITHMS = new DefaultSignatureAlgorithmIdentifierFinder();
    /** Included certificates converted for the checker, by their DER: a buyer meets the same few signers again. */
    static final int CONVERTED_CERTIFICATES = 256;

    private final EcSuite suite;
    private final CertificateChecker checker;
    private final org.batteryledger.core.pki.LruMap<java.nio.ByteBuffer, X509Certificate> converted =
            new org.batteryledger.core.pki.LruMap<>(CONVERTED_CERTIFICATES);

    /**
     * The outcome: valid with the certificate read, the node it was signed for and the certificate it was signed with
     * (a document signer, or a node certificate from before nodes had them), or the first check that failed, in words.
     */
    public record Verdict(boolean valid, String reason, ValuationCertificate certificate, NodeId signer,
                          X509Certificate signerCertificate, boolean documentSigner) {
        static Verdict fail(String why) {
            return new Verdict(false, why, null, null, null, false);
        }
    }

    public CertificateVerifier(EcSuite suite, X509Certificate chainCa) {
        this.suite = suite;
        this.checker = new CertificateChecker(suite, chainCa);
    }

    /**
     * Whether the bytes are a CMS SignedData at all. A verdict speaks of a certificate; bytes that are none (a wrong
     * file, random bytes) are the caller's mistake, which an API answers as such rather than as an invalid certificate.
     */
    public static boolean isSignedData(byte[] bytes) {
        try {
            new CMSSignedData(bytes);
            return true;
        } catch (CMSException | RuntimeException e) {
            return false;
        }
    }

    /** @param revocations what the verifier knows of revoked certificates ({@link RevocationView#NONE} offline) */
    public Verdict verify(byte[] cms, RevocationView revocations) {
        try {
            return check(cms, revocations);
        } catch (RuntimeException e) { // Bouncy Castle parses lazily: a damaged structure may surface anywhere
            return Verdict.fail("the CMS is malformed: " + e.getMessage());
        }
    }

    private Verdict check(byte[] cms, RevocationView revocations) {
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(cms);
        } catch (CMSException | RuntimeException e) {
            return Verdict.fail("not CMS SignedData: " + e.getMessage());
        }
        if (!CMSObjectIdentifiers.data.equals(signed.getSignedContentTypeOID() == null ? null
                : new org.bouncycastle.asn1.ASN1ObjectIdentifier(signed.getSignedContentTypeOID()))) {
            return Verdict.fail("the signed content is not of type id-data");
        }
        if (signed.getSignedContent() == null) {
            return Verdict.fail("the CMS carries no content (a detached signature is not a certificate)");
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            return Verdict.fail("a valuation certificate has exactly one signer, this one has " + signers.size());
        }
        SignerInformation si = signers.iterator().next();
        Collection<X509CertificateHolder> own = signed.getCertificates().getMatches(si.getSID());
        if (own.size() != 1) {
            return Verdict.fail("the CMS does not include the signer's certificate");
        }
        X509CertificateHolder leaf = own.iterator().next();
        X509CertificateHolder agency = null;
        for (X509CertificateHolder c : signed.getCertificates().getMatches(null)) {
            if (c.getSubject().equals(leaf.getIssuer()) && !c.equals(leaf)) {
                agency = c;
            }
        }
        if (agency == null) {
            return Verdict.fail("the CMS does not include the agency CA certificate of " + leaf.getSubject());
        }
        Instant signingTime = signingTime(si);
        if (signingTime == null) {
            return Verdict.fail("the signature has no signing time");
        }
        List<X509Certificate> jca = new ArrayList<>();
        try {
            jca.add(jca(leaf));
            jca.add(jca(agency));
        } catch (IllegalArgumentException e) {
            return Verdict.fail("an included certificate does not parse: " + e.getMessage());
        }
        CheckResult chain = checker.checkDocumentSigner(jca, signingTime, revocations);
        if (!chain.ok()) {
            return Verdict.fail("the signer is not a certificate of this chain: " + chain.reason());
        }
        boolean documentSigner = org.batteryledger.core.pki.CertificateRole.of(jca.get(0))
                .filter(r -> r == org.batteryledger.core.pki.CertificateRole.DOCUMENT_SIGNER).isPresent();
        String named = signingCertificate(si, leaf, documentSigner);
        if (named != null) {
            return Verdict.fail(named);
        }
        byte[] spki = org.batteryledger.core.pki.NodeIds.publicKey(jca.get(0));
        try {
            SignerInformationVerifier verifier = new SignerInformationVerifier(NAMES, ALGORITHMS, new SuiteVerifierProvider(suite, leaf, spki),
                    org.batteryledger.core.pki.SuiteDigests.INSTANCE);
            if (!si.verify(verifier)) {
                return Verdict.fail("the signature does not verify: the certificate was changed after signing");
            }
        } catch (CMSException e) {
            return Verdict.fail("the signature does not verify: " + e.getMessage());
        } catch (RuntimeException e) {
            return Verdict.fail("the signature cannot be checked: " + e.getMessage());
        }
        byte[] content = (byte[]) signed.getSignedContent().getContent();
        ValuationCertificate certificate;
        try {
            certificate = ValuationCertificate.read(suite, content);
        } catch (IllegalArgumentException e) {
            return Verdict.fail(e.getMessage());
        }
        if (!Arrays.equals(certificate.content(), content)) {
            return Verdict.fail("the signed content is not in canonical form (RFC 8785)");
        }
        String agencyName = org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(
                leaf.getSubject().getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.O)[0].getFirst().getValue());
        if (!certificate.issuerAgency().equals(agencyName)) {
            return Verdict.fail("the certificate names agency " + certificate.issuerAgency() + " but " + agencyName + " signed it");
        }
        if (!certificate.issuerNode().equals(chain.nodeId())) {
            return Verdict.fail("the certificate names node " + certificate.issuerNode() + " but node " + chain.nodeId() + " signed it");
        }
        if (!certificate.issuedAt().equals(signingTime)) {
            return Verdict.fail("the certificate's issuedAt " + certificate.issuedAt() + " is not the signing time " + signingTime);
        }
        return new Verdict(true, "signed by node " + chain.nodeId().shortId() + " of agency " + agencyName + " at " + signingTime,
                certificate, chain.nodeId(), jca.get(0), documentSigner);
    }

    /**
     * {@code holder} as the checker takes it; the conversion of the same DER is remembered.
     *
     * @throws IllegalArgumentException for a certificate that does not convert
     */
    private X509Certificate jca(X509CertificateHolder holder) {
        try {
            return converted.get(java.nio.ByteBuffer.wrap(holder.getEncoded()), k -> {
                try {
                    return new JcaX509CertificateConverter().setProvider(org.batteryledger.core.crypto.BouncyCastle.PROVIDER).getCertificate(holder);
                } catch (CertificateException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            });
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Null when the signature's signing-certificate-v2 names {@code leaf}, or it has none and {@code leaf} is a node
     * certificate (certificates signed before nodes had document signers); else why not.
     */
    private static String signingCertificate(SignerInformation si, X509CertificateHolder leaf, boolean documentSigner) {
        Attribute a = si.getSignedAttributes() == null ? null : si.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
        if (a == null) {
            return documentSigner ? "the signature has no signing-certificate-v2 attribute (CAdES)" : null;
        }
        try {
            Attribute expected = CertificateSigner.signingCertificateV2(leaf);
            return expected.equals(a) ? null : "the signing-certificate-v2 attribute names another certificate than the signer's";
        } catch (java.io.IOException | RuntimeException e) {
            return "the signing-certificate-v2 attribute cannot be read: " + e.getMessage();
        }
    }

    private static Instant signingTime(SignerInformation si) {
        if (si.getSignedAttributes() == null) {
            return null;
        }
        Attribute a = si.getSignedAttributes().get(CMSAttributes.signingTime);
        if (a == null || a.getAttrValues().size() != 1) {
            return null;
        }
        try {
            return Time.getInstance(a.getAttrValues().getObjectAt(0)).getDate().toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Verifies the signer's signature with the chain's suite, the same code that checks blocks and certificates. */
    private record SuiteVerifierProvider(EcSuite suite, X509CertificateHolder certificate, byte[] spki) implements ContentVerifierProvider {
        @Override
        public boolean hasAssociatedCertificate() {
            return true;
        }

        @Override
        public X509CertificateHolder getAssociatedCertificate() {
            return certificate;
        }

        @Override
        public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
            if (!suite.signatureAlgorithm().getAlgorithm().equals(algorithm.getAlgorithm())) {
                throw new OperatorCreationException("signature algorithm " + algorithm.getAlgorithm() + " is not the chain's ("
                        + suite.signatureAlgorithmName() + ")");
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            return new ContentVerifier() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return algorithm;
                }

                @Override
                public OutputStream getOutputStream() {
                    return buffer;
                }

                @Override
                public boolean verify(byte[] signature) {
                    return suite.verify(spki, buffer.toByteArray(), signature);
                }
            };
        }
    }
}
