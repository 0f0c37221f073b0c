package org.batteryledger.core.valuation.certificate;

import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.InMemoryDocument;
import eu.europa.esig.dss.model.x509.CertificateToken;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.revocation.crl.ExternalResourcesCRLSource;
import eu.europa.esig.dss.validation.SignedDocumentValidator;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A signed certificate through EU DSS as an auditor's machine would run it: its default policy, offline (nothing
 * fetched), the chain CA the only trust anchor, the CRLs given as files (DER). Shared with it-tests (this module's
 * test-jar), which validate certificates a live node signed against the CRLs the launcher published.
 */
public final class DssValidation {
    private DssValidation() {
    }

    public static SimpleReport validate(byte[] cms, X509Certificate chainCa, List<byte[]> crls, Instant at) {
        SignedDocumentValidator validator = SignedDocumentValidator.fromDocument(new InMemoryDocument(cms, "certificate.p7m"));
        CommonCertificateVerifier verifier = new CommonCertificateVerifier();
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        trusted.addCertificate(new CertificateToken(chainCa));
        verifier.setTrustedCertSources(trusted);
        verifier.setAIASource(null);
        verifier.setOcspSource(null);
        verifier.setCrlSource(new ExternalResourcesCRLSource(crls.stream().map(c -> (DSSDocument) new InMemoryDocument(c)).toArray(DSSDocument[]::new)));
        validator.setCertificateVerifier(verifier);
        validator.setValidationTime(Date.from(at));
        return validator.validateDocument().getSimpleReport();
    }
}
