package org.batteryledger.node.valuation;

import jakarta.ejb.EJB;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.valuation.ValuationParameters;
import org.batteryledger.node.directory.NodeDirectory;
import org.batteryledger.node.runtime.NodeRuntime;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What this node issues certificates with, read from its directory (again after a rotation): its document signer (a key of its own with a
 * certificate from its agency CA for signing documents only; nodes made before they had one sign with the node key) and
 * its certificate chain, the
 * chain CA to verify against, the agency it signs for, the model parameters ({@code valuation.*} in node.properties)
 * and how long an issue waits for the registration's block ({@code registration.timeout.millis}, default 30 s).
 */
@Singleton
@Lock(LockType.READ)
public class ValuationKeys {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ValuationKeys.class.getName());
    @EJB
    private NodeRuntime runtime;
    private volatile Keys keys;

    /**
     * @param documentSigner whether {@code signer} is a document signer (else the node key, for nodes made before)
     * @param signerStamp    when the signer's certificate file was last written: a rotation shows as a new stamp
     */
    public record Keys(EcSuite suite, Signer signer, List<X509Certificate> chain, X509Certificate chainCa, String agency,
                       ValuationParameters parameters, String parametersError, long registrationTimeoutMillis,
                       boolean documentSigner, long signerStamp) {
        public X509Certificate signerCertificate() {
            return chain.get(0);
        }
    }

    /** The keys, read again when the document signer was rotated ({@code ./consortium rotate-signer}) since. */
    public Keys keys() {
        Keys k = keys;
        if (k == null || k.signerStamp() != stamp(runtime.directory())) {
            k = load();
            keys = k;
        }
        return k;
    }

    private static long stamp(NodeDirectory dir) {
        try {
            return java.nio.file.Files.getLastModifiedTime(dir.signerCertificateFile()).toMillis();
        } catch (IOException e) {
            return -1; // none (yet)
        }
    }

    private Keys load() {
        try {
            var dir = runtime.directory();
            X509Certificate node = dir.nodeCertificate();
            String agency = IETFUtils.valueToString(new X500Name(node.getSubjectX500Principal().getName())
                    .getRDNs(BCStyle.O)[0].getFirst().getValue());
            Properties props = dir.properties();
            Map<String, String> map = new HashMap<>();
            props.stringPropertyNames().forEach(n -> map.put(n, props.getProperty(n)));
            ValuationParameters parameters = null;
            String error = null;
            try {
                parameters = ValuationParameters.fromProperties(map);
            } catch (IllegalArgumentException e) {
                error = "the node's valuation parameters are wrong (" + dir.propertiesFile() + "): " + e.getMessage();
            }
            long timeout = Long.parseLong(props.getProperty("registration.timeout.millis", "30000").trim());
            long stamp = stamp(dir);
            var documentSigner = dir.documentSigner();
            if (documentSigner.isEmpty()) {
                LOG.warning(() -> "this node has no document signer (" + dir.signerCertificateFile() + "): it signs valuation certificates"
                        + " with its TLS key, which standard verifiers (openssl's default purpose, EU DSS) refuse; ./consortium up"
                        + " issues one where the agency CA key is");
            }
            Signer signer = documentSigner.<Signer>map(NodeDirectory.DocumentSigner::signer).orElse(runtime.signer());
            X509Certificate signerCertificate = documentSigner.map(NodeDirectory.DocumentSigner::certificate).orElse(node);
            return new Keys(runtime.suite(), signer, List.of(signerCertificate, dir.agencyCa()), dir.chainCa(), agency, parameters, error, timeout,
                    documentSigner.isPresent(), stamp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's certificates", e);
        }
    }
}
