package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.SuiteContentSigner;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.CollectionStore;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/**
 * Signs a valuation certificate as CMS SignedData (RFC 5652) in the CAdES-BASELINE-B profile (ETSI EN 319 122-1): the
 * certificate's canonical JSON encapsulated, one signer (the issuing node's document signer, whose certificate its
 * agency CA issued), signed attributes content type, message digest, signing time (the issue time: no clock is read)
 * and signing-certificate-v2 (RFC 5035: the SHA-256 of the signer's certificate with its issuer and serial, so the
 * signature names the certificate it was made with), and the signer and agency CA certificates included, so
 * {@code openssl cms -verify -CAfile ca.crt} and EU DSS check it with nothing but the chain CA. The suite's
 * deterministic signatures make equal inputs give equal bytes.
 */
public final class CertificateSigner {
    /**
     * The chain signed with last, prepared (parsed, its key read, its signing-certificate-v2 computed): a node passes the
     * same list for every certificate until its signer is rotated. Found by the list's identity, so concurrent signers
     * never touch the certificate objects, whose lazily parsed parts Bouncy Castle guards with a lock per certificate.
     */
    private static volatile Prepared last;

    private CertificateSigner() {
    }

    /** What signing needs of a chain, the same for every certificate signed with it. */
    private record Prepared(List<X509Certificate> chain, byte[] publicKey, X509CertificateHolder node, X509CertificateHolder agency,
                            Attribute signingCertificate) {
        static Prepared of(List<X509Certificate> chain) {
            try {
                X509CertificateHolder node = new X509CertificateHolder(chain.get(0).getEncoded());
                return new Prepared(chain, NodeIds.publicKey(chain.get(0)), node, new X509CertificateHolder(chain.get(1).getEncoded()),
                        signingCertificateV2(node));
            } catch (CertificateEncodingException | IOException e) {
                throw new IllegalArgumentException("the signer's chain does not encode: " + e.getMessage(), e);
            }
        }
    }

    /** The ESS signing-certificate-v2 attribute of {@code signer}: SHA-256 (the default, left out) over its DER. */
    static Attribute signingCertificateV2(X509CertificateHolder signer) throws IOException {
        byte[] der = signer.getEncoded();
        SHA256Digest sha256 = new SHA256Digest();
        sha256.update(der, 0, der.length);
        byte[] hash = new byte[sha256.getDigestSize()];
        sha256.doFinal(hash, 0);
        IssuerSerial issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(signer.getIssuer())), signer.getSerialNumber());
        return new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2,
                new DERSet(new SigningCertificateV2(new ESSCertIDv2[] {new ESSCertIDv2(hash, issuerSerial)})));
    }

    /** DER of the SignedData; {@code chain} is [signer certificate, agency CA certificate]. */
    public static byte[] sign(EcSuite suite, Signer signer, List<X509Certificate> chain, ValuationCertificate certificate) {
        if (chain.size() != 2) {
            throw new IllegalArgumentException("the signer's chain must be [signer certificate, agency CA certificate]");
        }
        Prepared prepared = last;
        if (prepared == null || prepared.chain() != chain) {
            prepared = Prepared.of(chain);
            last = prepared;
        }
        if (!Arrays.equals(prepared.publicKey(), signer.publicKey())) {
            throw new IllegalArgumentException("the signer certificate is not for the signer's key");
        }
        try {
            X509CertificateHolder node = prepared.node();
            X509CertificateHolder agency = prepared.agency();
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(certificate.issuedAt())))));
            attributes.add(prepared.signingCertificate());
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new SignerInfoGeneratorBuilder(org.batteryledger.core.pki.SuiteDigests.INSTANCE)
                    .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(new SuiteContentSigner(suite, signer), node));
            generator.addCertificates(new CollectionStore<>(List.of(node, agency)));
            CMSSignedData signed = generator.generate(new CMSProcessableByteArray(certificate.content()), true);
            return signed.getEncoded("DER");
        } catch (IOException | CMSException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign valuation certificate " + certificate.id() + ": " + e.getMessage(), e);
        }
    }
}
