package org.batteryledger.node.net;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;

import javax.net.ssl.X509KeyManager;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The key managers offer the node's own key and chain for an EC handshake, and nothing for another key type. */
class NodeKeyManagersTest {
    @Test
    void offersTheNodesKeyAndChainForEcOnly() {
        EcSuite suite = Suites.ecdsa();
        SuiteKeyPair k = KeyPairs.generate(suite, KeyPairs.seededRandom("node-key-managers-test"));
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        X509Certificate self = CertificateAuthority.selfSignedChainCa(suite, k.signer(), "test", now, now.plus(Duration.ofDays(1)),
                BigInteger.ONE).certificate();
        X509Certificate[] chain = {self};
        X509KeyManager keys = (X509KeyManager) NodeKeyManagers.of(k.jcaPrivateKey(), chain).getKeyManagers()[0];
        String alias = keys.chooseServerAlias("EC", null, null);
        assertEquals("node", alias);
        assertEquals(k.jcaPrivateKey(), keys.getPrivateKey(alias));
        assertArrayEquals(chain, keys.getCertificateChain(alias));
        assertEquals("node", keys.chooseClientAlias(new String[]{"EC"}, null, null));
        assertNull(keys.chooseServerAlias("RSA", null, null));
    }
}
