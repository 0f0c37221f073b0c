package org.batteryledger.node.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The peer links' TLS: version 1.3 only, mutual (the server side requires the peer's certificate), with the node's key
 * and its chain (node, agency CA, chain CA), and peers checked by {@link PeerTrustManager}. Peers are identified by the
 * node id their certificate's key derives (checked after the handshake), not by host names: these contexts verify none.
 */
final class PeerTls {
    /**
     * TLS 1.3's suites, the one this JVM seals quickest first ({@link #cipherSuites}): a record page or a synced range is
     * hundreds of kilobytes. Any order links with any peer: both sides offer all three.
     */
    static final List<String> CIPHER_SUITES = cipherSuites(org.batteryledger.core.crypto.EcdsaP256Sha256Suite.compilesWithC2());

    final SslContext server;
    final SslContext client;

    PeerTls(PrivateKey key, X509Certificate[] chain, X509TrustManager trust) throws SSLException {
        KeyManagerFactory keys = NodeKeyManagers.of(key, chain);
        // Netty's contexts over an SSLContext of the node's own, not SslContextBuilder's: the builder's server context
        // class probes the JDK once per JVM in its static initializer (a key store built from a test key, its password
        // through PBKDF2), which was 5% of a node's start CPU. The builder's client context would also verify host
        // names, by default in Netty 4.2.
        SSLContext tls = tlsContext(keys, trust);
        String[] protocols = {"TLSv1.3"};
        this.server = new JdkSslContext(tls, false, CIPHER_SUITES, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.REQUIRE, protocols, false);
        this.client = new JdkSslContext(tls, true, CIPHER_SUITES, IdentityCipherSuiteFilter.INSTANCE, null, ClientAuth.NONE, protocols, false);
    }

    /**
     * Under C1 alone (how nodes run) ChaCha20-Poly1305 first: C1 has no AES or GHASH intrinsics, and the JDK's AES-GCM
     * seals about 37 MB/s there against ChaCha20-Poly1305's 115-150. Under C2, AES-GCM first: its intrinsics seal about
     * 3,400 MB/s against ChaCha20-Poly1305's 285 ({@code PeerCipherBenchmark}, BENCHMARKS.md).
     */
    static List<String> cipherSuites(boolean c2) {
        return c2 ? List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256")
                : List.of("TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384");
    }

    private static SSLContext tlsContext(KeyManagerFactory keys, X509TrustManager trust) throws SSLException {
        try {
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(keys.getKeyManagers(), new TrustManager[]{trust}, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot set up TLS 1.3 for the peer links", e);
        }
    }

    /**
     * A mutual TLS handshake of this node with itself in memory ({@link TlsWarmUp}), so that the first real one is not
     * also the first to run the code; answers the suite agreed.
     */
    String warmUp() throws SSLException {
        return TlsWarmUp.handshake(client, server);
    }
}
