package org.batteryledger.core.pki;

import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.cert.X509Certificate;
import java.util.Optional;

/** The four kinds of certificate of the chain's PKI, named by the subject's OU attribute. */
public enum CertificateRole {
    CHAIN_CA("chain-ca"),
    AGENCY_CA("agency-ca"),
    NODE("node"),
    CLIENT("client");

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
