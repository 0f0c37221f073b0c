package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Signer;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Lets Bouncy Castle's certificate and CSR builders sign through a {@link Signer}: the private key stays with the
 * signer (a keystore), and signatures are the suite's deterministic ones, so issuing needs no randomness. One use (certificates, CSRs, CMS signatures).
 */
public final class SuiteContentSigner implements ContentSigner {
    private final EcSuite suite;
    private final Signer signer;
    private final ByteArrayOutputStream content = new ByteArrayOutputStream();

    public SuiteContentSigner(EcSuite suite, Signer signer) {
        this.suite = suite;
        this.signer = signer;
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
        return suite.signatureAlgorithm();
    }

    @Override
    public OutputStream getOutputStream() {
        return content;
    }

    @Override
    public byte[] getSignature() {
        return signer.sign(content.toByteArray());
    }
}
