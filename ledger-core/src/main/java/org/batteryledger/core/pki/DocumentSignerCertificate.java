package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;

/**
 * A document signer's certificate as the chain registers it: read from DER with the agency CA certificate that issued
 * it, and checked for what registration needs (issued and signed by that CA, the document-signer role with
 * nonRepudiation, a node named in the subject). Deterministic (no clock): validity is judged when a document is
 * verified, at its signing time.
 */
public record DocumentSignerCertificate(NodeId node, String nodeName, String agency, BigInteger serial, Instant notBefore,
                                        Instant notAfter) {

    /** @throws IllegalArgumentException saying what is wrong with the pair */
    public static DocumentSignerCertificate read(EcSuite suite, byte[] signerDer, byte[] agencyCaDer) {
        X509CertificateHolder signer = parse(signerDer, "the document signer's certificate");
        X509CertificateHolder agency = parse(agencyCaDer, "the agency CA certificate");
        BasicConstraints agencyConstraints = BasicConstraints.fromExtensions(agency.getExtensions());
        if (agencyConstraints == null || !agencyConstraints.isCA()) {
            throw new IllegalArgumentException("the agency CA certificate " + agency.getSubject() + " is not a CA certificate");
        }
        if (!Certificates.isSignedBy(suite, signer, agency)) {
            throw new IllegalArgumentException("the document signer " + signer.getSubject() + " is not signed by agency CA " + agency.getSubject());
        }
        if (CertificateRole.ofUnit(Certificates.attribute(signer.getSubject(), BCStyle.OU)).orElse(null) != CertificateRole.DOCUMENT_SIGNER) {
            throw new IllegalArgumentException(signer.getSubject() + " is not a document signer (OU=" + CertificateRole.DOCUMENT_SIGNER.organizationalUnit() + ")");
        }
        BasicConstraints constraints = BasicConstraints.fromExtensions(signer.getExtensions());
        if (constraints != null && constraints.isCA()) {
            throw new IllegalArgumentException("the document signer " + signer.getSubject() + " is a CA certificate");
        }
        KeyUsage usage = KeyUsage.fromExtensions(signer.getExtensions());
        if (usage == null || !usage.hasUsages(KeyUsage.nonRepudiation)) {
            throw new IllegalArgumentException("the document signer " + signer.getSubject() + " has no nonRepudiation key usage");
        }
        NodeId node;
        try {
            node = new NodeId(String.valueOf(Certificates.attribute(signer.getSubject(), BCStyle.SERIALNUMBER)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the document signer " + signer.getSubject() + " names no node in its serialNumber");
        }
        String agencyName = Certificates.attribute(signer.getSubject(), BCStyle.O);
        return new DocumentSignerCertificate(node, String.valueOf(Certificates.attribute(signer.getSubject(), BCStyle.CN)),
                agencyName == null ? "" : agencyName, signer.getSerialNumber(), signer.getNotBefore().toInstant(),
                signer.getNotAfter().toInstant());
    }

    private static X509CertificateHolder parse(byte[] der, String what) {
        try {
            X509CertificateHolder holder = new X509CertificateHolder(der);
            if (!java.util.Arrays.equals(holder.getEncoded(), der)) {
                throw new IllegalArgumentException(what + " is not in DER (its fingerprint would not be its own)");
            }
            return holder;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException i && i.getMessage().startsWith(what)) {
                throw i;
            }
            throw new IllegalArgumentException(what + " does not parse: " + e.getMessage());
        }
    }
}
