package org.batteryledger.node.net;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * The node's TLS key and certificate chain as a {@link KeyManagerFactory}, built once for both of the peer network's
 * TLS contexts.
 * <p>
 * Netty's builders that take a key and a chain put them into a PKCS#12 key store, which encrypts the key with 10,000
 * rounds of PBKDF2 and decrypts it again when the key managers read it: JFR put those rounds (once per context) at about
 * a twentieth of a node's start. This store lives only in memory, as the key object itself does, so JKS's light key
 * protection gives nothing away; the key managers it feeds are the JDK's default, the same as Netty's.
 */
final class NodeKeyManagers {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private NodeKeyManagers() {
    }

    static KeyManagerFactory of(PrivateKey key, X509Certificate[] chain) {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("node", key, IN_MEMORY, chain);
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold this node's TLS key", e);
        }
    }
}
