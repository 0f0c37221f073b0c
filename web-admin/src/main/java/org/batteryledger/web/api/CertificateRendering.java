package org.batteryledger.web.api;

import org.batteryledger.node.valuation.ValuationService;
import org.batteryledger.web.pdf.CertificatePdf;

/** The PDF of a stored certificate, with what a reader needs to verify it: its hash and where the chain registered it. */
final class CertificateRendering {
    private CertificateRendering() {
    }

    static byte[] pdf(ValuationService.Stored s, String apiBase) {
        ValuationService.Registration r = s.registration();
        String hash = r.certificateHash() != null ? r.certificateHash() : null;
        return CertificatePdf.render(s.certificate().document(), new CertificatePdf.Verification(hash, r.blockHeight(), r.txHash(), apiBase));
    }
}
