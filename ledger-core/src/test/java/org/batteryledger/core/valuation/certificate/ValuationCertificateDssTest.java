package org.batteryledger.core.valuation.certificate;

import eu.europa.esig.dss.enumerations.Indication;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.simplereport.SimpleReport;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.PkiFixture;
import org.bouncycastle.asn1.x509.CRLReason;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A valuation certificate as an outsider's standard validator sees it: EU DSS (ETSI EN 319 102-1 validation, its
 * default policy), trusting nothing but the chain CA and given the CAs' CRLs, finds a CAdES-BASELINE-B signature that
 * passes, and fails a changed byte or a revoked signer. The ECDSA suite only: SM2 is not an algorithm of the EU's
 * signature rules.
 */
class ValuationCertificateDssTest {
    private static final PkiFixture PKI = PkiFixture.both().filter(f -> f.suite().id().startsWith("ecdsa")).findFirst().orElseThrow();

    private static final Instant AT = PkiFixture.NOW.plusSeconds(3600);

    /** The CRLs an auditor would download: the chain CA's (of agency CAs) and the agency CA's (of its signers). */
    private static List<X509CRL> crls(List<CertificateAuthority.Revoked> byTheAgency) {
        Instant thisUpdate = PkiFixture.NOW.plusSeconds(1800);
        Instant nextUpdate = thisUpdate.plus(java.time.Duration.ofDays(7));
        return List.of(PKI.chainCa().issueCrl(List.of(), thisUpdate, nextUpdate, BigInteger.ONE),
                PKI.agencyCa().issueCrl(byTheAgency, thisUpdate, nextUpdate, BigInteger.ONE));
    }

    private static SimpleReport validate(byte[] cms, Instant at, List<X509CRL> crls) {
        return DssValidation.validate(cms, PKI.chainCa().certificate(), crls.stream().map(c -> {
            try {
                return c.getEncoded();
            } catch (java.security.cert.CRLException e) {
                throw new IllegalStateException(e);
            }
        }).toList(), at);
    }

    @Test
    void withoutRevocationDataDssCannotConclude() {
        // What the default policy demands of every signer: a word on revocation (the chain's, exported as CRLs).
        byte[] cms = ValuationCertificateTest.signed(PKI, ValuationCertificateTest.certificate(PKI, null));
        SimpleReport report = validate(cms, AT, List.of());
        assertEquals(Indication.INDETERMINATE, report.getIndication(report.getFirstSignatureId()));
    }

    @Test
    void dssFindsACadesBaselineBSignatureThatPasses() {
        byte[] cms = ValuationCertificateTest.signed(PKI, ValuationCertificateTest.certificate(PKI, null));
        SimpleReport report = validate(cms, AT, crls(List.of()));
        String id = report.getFirstSignatureId();
        assertEquals(SignatureLevel.CAdES_BASELINE_B, report.getSignatureFormat(id));
        assertEquals(Indication.TOTAL_PASSED, report.getIndication(id),
                report.getSubIndication(id) + ": " + report.getAdESValidationErrors(id).stream().map(m -> m.getKey() + " " + m.getValue()).toList());
    }

    @Test
    void dssFailsAChangedByte() {
        byte[] cms = ValuationCertificateTest.signed(PKI, ValuationCertificateTest.certificate(PKI, null));
        int at = new String(cms, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\"status\":\"") + 10;
        cms[at] ^= 0x01;
        SimpleReport report = validate(cms, AT, crls(List.of()));
        assertNotEquals(Indication.TOTAL_PASSED, report.getIndication(report.getFirstSignatureId()));
    }

    @Test
    void dssFailsASignerTheAgencyRevokedForKeyCompromiseBeforeItSigned() {
        byte[] cms = ValuationCertificateTest.signed(PKI, ValuationCertificateTest.certificate(PKI, null));
        SimpleReport report = validate(cms, AT, crls(List.of(new CertificateAuthority.Revoked(PkiFixture.SIGNER_SERIAL,
                PkiFixture.NOW.minusSeconds(86_400), CRLReason.keyCompromise))));
        String id = report.getFirstSignatureId();
        assertNotEquals(Indication.TOTAL_PASSED, report.getIndication(id));
        assertTrue(String.valueOf(report.getSubIndication(id)).startsWith("REVOKED"), report.getIndication(id) + " " + report.getSubIndication(id));
    }
}
