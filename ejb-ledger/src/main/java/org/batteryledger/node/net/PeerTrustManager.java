package org.batteryledger.node.net;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.CertificateChecker;
import org.batteryledger.core.pki.CheckResult;
import org.batteryledger.core.pki.RevocationView;

import javax.net.ssl.X509TrustManager;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Accepts a peer only if its certificate chains to the chain CA through an agency CA, is within its validity,
 * and neither its serial nor its node id is revoked on chain. Used on both ends of every link (mutual TLS).
 * Registration is checked right after the handshake ({@link PeerNetwork#admission}: active nodes and pending
 * registrations only), and again on open links whenever the registry changes.
 */
final class PeerTrustManager implements X509TrustManager {
    private final CertificateChecker checker;
    private final X509Certificate chainCa;
    private volatile Set<NodeId> revokedNodes = Set.of();
    private volatile RevocationView revocations = RevocationView.NONE;

    PeerTrustManager(EcSuite suite, X509Certificate chainCa) {
        this.checker = new CertificateChecker(suite, chainCa);
        this.chainCa = chainCa;
    }

    void revocations(Set<NodeId> nodes, Set<BigInteger> serials) {
        this.revokedNodes = Set.copyOf(nodes);
        this.revocations = RevocationView.of(nodes, serials);
    }

    boolean isRevoked(NodeId id) {
        return revokedNodes.contains(id);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length < 2) {
            throw new CertificateException("a peer presents its node certificate and its agency CA certificate");
        }
        CheckResult r = checker.check(List.of(chain[0], chain[1]), Instant.now(), revocations, id -> true);
        if (!r.ok()) {
            throw new CertificateException("peer refused: " + r.reason());
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[]{chainCa};
    }
}
