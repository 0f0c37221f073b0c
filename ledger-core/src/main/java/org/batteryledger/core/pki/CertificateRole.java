package org.batteryledger.core.pki;

import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The kinds of certificate of the chain's PKI, named by the subject's OU attribute. A document signer signs valuation
 * certificates for one node (its subject's serialNumber names the node): a key of its own, with no TLS usage.
 */
public enum CertificateRole {
    CHAIN_CA("chain-ca"),
    AGENCY_CA("agency-ca"),
    NODE("node"),
    CLIENT("client"),
    DOCUMENT_SIGNER("document-signer");

    private final String organizationalUnit;

    CertificateRole(String organizationalUnit) {
        this.organizationalUnit = organizationalUnit;
    }

    public String organizationalUnit() {
        return organizationalUnit;
    }

    /** The role a certificate's subject OU names, if it names one of ours. */
    public static Optional<CertificateRole> of(X509Certificate certificate) {
        return ofUnit(Certificates.attribute(Certificates.holder(certificate).getSubject(), BCStyle.OU));
    }

    static Optional<CertificateRole> ofUnit(String organizationalUnit) {
        for (CertificateRole role : values()) {
            if (role.organizationalUnit.equals(organizationalUnit)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
