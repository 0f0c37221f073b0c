package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * A chain CA, one agency CA and a node (with its document signer) and a client of that agency, from seeded keys and
 * fixed times.
 */
public record PkiFixture(EcSuite suite, String seed, CertificateAuthority chainCa, SuiteKeyPair agencyKey,
                  CertificateAuthority agencyCa, SuiteKeyPair nodeKey, X509Certificate nodeCert,
                  SuiteKeyPair clientKey, X509Certificate clientCert, SuiteKeyPair signerKey, X509Certificate signerCert) {
    static final Instant CHAIN_FROM = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant CHAIN_UNTIL = Instant.parse("2035-01-01T00:00:00Z");
    static final Instant AGENCY_FROM = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant AGENCY_UNTIL = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant LEAF_FROM = Instant.parse("2025-06-01T00:00:00Z");
    static final Instant LEAF_UNTIL = Instant.parse("2027-06-01T00:00:00Z");
    public static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final BigInteger CHAIN_SERIAL = BigInteger.ONE;
    static final BigInteger AGENCY_SERIAL = BigInteger.valueOf(11);
    static final BigInteger NODE_SERIAL = BigInteger.valueOf(1001);
    static final BigInteger CLIENT_SERIAL = BigInteger.valueOf(1002);
    public static final BigInteger SIGNER_SERIAL = BigInteger.valueOf(1003);

    private static final PkiFixture ECDSA = create(Suites.ecdsa(), "main");
    private static final PkiFixture SM2 = create(Suites.sm2(), "main");

    public static Stream<PkiFixture> both() {
        return Stream.of(ECDSA, SM2);
    }

    public static PkiFixture create(EcSuite suite, String seed) {
        SuiteKeyPair chainKey = key(suite, seed, "chain");
        CertificateAuthority chainCa = CertificateAuthority.selfSignedChainCa(suite, chainKey.signer(), "battery-ledger",
                CHAIN_FROM, CHAIN_UNTIL, CHAIN_SERIAL);
        SuiteKeyPair agencyKey = key(suite, seed, "agency");
        X509Certificate agencyCert = chainCa.issueAgencyCa(Csr.create(suite, agencyKey.signer(), "agency-a"), "agency-a",
                AGENCY_FROM, AGENCY_UNTIL, AGENCY_SERIAL);
        CertificateAuthority agencyCa = CertificateAuthority.of(suite, agencyKey.signer(), agencyCert);
        SuiteKeyPair nodeKey = key(suite, seed, "node");
        X509Certificate nodeCert = agencyCa.issueNodeCertificate(Csr.create(suite, nodeKey.signer(), "node1"), "node1",
                LEAF_FROM, LEAF_UNTIL, NODE_SERIAL);
        SuiteKeyPair clientKey = key(suite, seed, "client");
        X509Certificate clientCert = agencyCa.issueClientCertificate(Csr.create(suite, clientKey.signer(), "sdk1"), "sdk1",
                LEAF_FROM, LEAF_UNTIL, CLIENT_SERIAL);
        SuiteKeyPair signerKey = key(suite, seed, "signer");
        X509Certificate signerCert = agencyCa.issueDocumentSignerCertificate(Csr.create(suite, signerKey.signer(), "node1"), "node1",
                NodeId.of(suite, NodeIds.publicKey(nodeCert)), LEAF_FROM, LEAF_UNTIL, SIGNER_SERIAL);
        return new PkiFixture(suite, seed, chainCa, agencyKey, agencyCa, nodeKey, nodeCert, clientKey, clientCert, signerKey, signerCert);
    }

    static SuiteKeyPair key(EcSuite suite, String seed, String name) {
        return KeyPairs.generate(suite, KeyPairs.seededRandom(suite.id() + "/" + seed + "/" + name));
    }

    public X509Certificate agencyCert() {
        return agencyCa.certificate();
    }

    public List<X509Certificate> nodeChain() {
        return List.of(nodeCert, agencyCert());
    }

    /** The node's document signer, then the agency CA: what valuation certificates are signed with. */
    public List<X509Certificate> signerChain() {
        return List.of(signerCert, agencyCert());
    }

    CertificateChecker checker() {
        return new CertificateChecker(suite, chainCa.certificate());
    }

    @Override
    public String toString() {
        return suite.id();
    }
}
