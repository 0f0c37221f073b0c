package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.BouncyCastle;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.batteryledger.core.pki.PkiFixture.LEAF_FROM;
import static org.batteryledger.core.pki.PkiFixture.LEAF_UNTIL;
import static org.batteryledger.core.pki.PkiFixture.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateCheckerTest {
    private static final Predicate<NodeId> EVERYONE = id -> true;

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void acceptsAnAdmittedNodeChainAndDerivesItsNodeId(PkiFixture pki) {
        NodeId node = pki.nodeKey().nodeId();
        CheckResult result = pki.checker().check(pki.nodeChain(), NOW, RevocationView.NONE, Set.of(node)::contains);
        assertEquals(CheckResult.accepted(node), result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void acceptsAClientChain(PkiFixture pki) {
        CheckResult result = pki.checker().check(List.of(pki.clientCert(), pki.agencyCert()), NOW, RevocationView.NONE, EVERYONE);
        assertEquals(CheckResult.accepted(pki.clientKey().nodeId()), result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void acceptsAtTheEdgesOfTheValidityPeriod(PkiFixture pki) {
        assertTrue(pki.checker().check(pki.nodeChain(), LEAF_FROM, RevocationView.NONE, EVERYONE).ok());
        assertTrue(pki.checker().check(pki.nodeChain(), LEAF_UNTIL, RevocationView.NONE, EVERYONE).ok());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsAChainFromAForeignCaWithTheSameNames(PkiFixture pki) {
        PkiFixture foreign = PkiFixture.create(pki.suite(), "foreign");
        assertRejected(pki.checker().check(foreign.nodeChain(), NOW, RevocationView.NONE, EVERYONE), "not signed by the chain CA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsALeafPairedWithAnotherAgencysCa(PkiFixture pki) {
        SuiteKeyPair otherAgencyKey = PkiFixture.key(pki.suite(), "main", "agency-b");
        X509Certificate otherAgency = pki.chainCa().issueAgencyCa(Csr.create(pki.suite(), otherAgencyKey.signer(), "agency-b"),
                "agency-b", PkiFixture.AGENCY_FROM, PkiFixture.AGENCY_UNTIL, BigInteger.valueOf(12));
        assertRejected(pki.checker().check(List.of(pki.nodeCert(), otherAgency), NOW, RevocationView.NONE, EVERYONE),
                "is not signed by its agency CA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsAnExpiredLeaf(PkiFixture pki) {
        assertRejected(pki.checker().check(pki.nodeChain(), LEAF_UNTIL.plusSeconds(1), RevocationView.NONE, EVERYONE),
                "leaf certificate CN=node1", "expired on " + LEAF_UNTIL);
    }

    /** The checker remembers parses and verified signatures, never a verdict: the chain it just accepted expires, is revoked. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void aChainCheckedBeforeIsCheckedAgainAtEachTime(PkiFixture pki) {
        CertificateChecker checker = pki.checker();
        assertTrue(checker.check(pki.nodeChain(), NOW, RevocationView.NONE, EVERYONE).ok());
        assertRejected(checker.check(pki.nodeChain(), LEAF_UNTIL.plusSeconds(1), RevocationView.NONE, EVERYONE), "expired on " + LEAF_UNTIL);
        assertRejected(checker.check(pki.nodeChain(), NOW, revoking(PkiFixture.NODE_SERIAL, null), EVERYONE), "is revoked");
        assertTrue(checker.check(pki.nodeChain(), NOW, RevocationView.NONE, EVERYONE).ok());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsANotYetValidLeaf(PkiFixture pki) {
        assertRejected(pki.checker().check(pki.nodeChain(), LEAF_FROM.minusSeconds(1), RevocationView.NONE, EVERYONE),
                "leaf certificate CN=node1", "not yet valid until " + LEAF_FROM);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsAChainWhoseAgencyCaExpired(PkiFixture pki) {
        Instant later = PkiFixture.AGENCY_UNTIL.plusSeconds(1);
        assertRejected(pki.checker().check(pki.nodeChain(), later, RevocationView.NONE, EVERYONE),
                "agency CA certificate", "expired on " + PkiFixture.AGENCY_UNTIL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsARevokedLeafSerial(PkiFixture pki) {
        assertRejected(pki.checker().check(pki.nodeChain(), NOW, revoking(PkiFixture.NODE_SERIAL, null), EVERYONE),
                "certificate serial 1001 is revoked");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsALeafOfARevokedAgencyCa(PkiFixture pki) {
        assertRejected(pki.checker().check(pki.nodeChain(), NOW, revoking(PkiFixture.AGENCY_SERIAL, null), EVERYONE),
                "agency CA certificate serial 11 is revoked");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsARevokedNodeId(PkiFixture pki) {
        NodeId node = pki.nodeKey().nodeId();
        CheckResult result = pki.checker().check(pki.nodeChain(), NOW, revoking(null, node), EVERYONE);
        assertEquals(CheckResult.rejected("node " + node + " is revoked", node), result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsANodeThatIsNotAdmitted(PkiFixture pki) {
        NodeId node = pki.nodeKey().nodeId();
        CheckResult result = pki.checker().check(pki.nodeChain(), NOW, RevocationView.NONE, Set.of(pki.clientKey().nodeId())::contains);
        assertEquals(CheckResult.rejected("node " + node + " is not admitted", node), result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsALeafIssuedByAnAgencyCertificateWithoutCaBasicConstraints(PkiFixture pki) {
        // The chain CA's key signs an "agency" certificate that is an end entity; that key then issues a node.
        SuiteKeyPair rogueKey = PkiFixture.key(pki.suite(), "main", "rogue");
        X500Name rogueName = name("rogue", "rogue", "agency-ca");
        X509Certificate rogue = TestCertificates.build(pki.suite(), chainSigner(pki), TestCertificates.subject(pki.chainCa().certificate()),
                rogueName, rogueKey.publicKey(), BigInteger.valueOf(66), LEAF_FROM, LEAF_UNTIL, false);
        X509Certificate leaf = TestCertificates.build(pki.suite(), rogueKey.signer(), rogueName, name("n", "rogue", "node"),
                pki.nodeKey().publicKey(), BigInteger.valueOf(67), LEAF_FROM, LEAF_UNTIL, false);
        assertRejected(pki.checker().check(List.of(leaf, rogue), NOW, RevocationView.NONE, EVERYONE), "agency CA is not a CA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsALeafThatIsItselfACa(PkiFixture pki) {
        X509Certificate leaf = TestCertificates.build(pki.suite(), pki.agencyKey().signer(), TestCertificates.subject(pki.agencyCert()),
                name("sub-ca", "agency-a", "node"), pki.nodeKey().publicKey(), BigInteger.valueOf(68), LEAF_FROM, LEAF_UNTIL, true);
        assertRejected(pki.checker().check(List.of(leaf, pki.agencyCert()), NOW, RevocationView.NONE, EVERYONE), "is a CA certificate");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsASubjectSerialNumberThatIsNotTheKeysNodeId(PkiFixture pki) {
        X500Name lying = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "node1").addRDN(BCStyle.O, "agency-a")
                .addRDN(BCStyle.OU, "node").addRDN(BCStyle.SERIALNUMBER, pki.clientKey().nodeId().value()).build();
        X509Certificate leaf = TestCertificates.build(pki.suite(), pki.agencyKey().signer(), TestCertificates.subject(pki.agencyCert()),
                lying, pki.nodeKey().publicKey(), BigInteger.valueOf(69), LEAF_FROM, LEAF_UNTIL, false);
        assertRejected(pki.checker().check(List.of(leaf, pki.agencyCert()), NOW, RevocationView.NONE, EVERYONE),
                "is not the node id " + pki.nodeKey().nodeId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsACertificateWhoseSubjectWasEdited(PkiFixture pki) throws Exception {
        byte[] der = pki.nodeCert().getEncoded();
        byte[] from = "node1".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(der, from);
        der[at + 4] = '9'; // CN=node1 -> CN=node9, still a well-formed certificate
        X509Certificate tampered = parse(der);
        assertEquals("node9", Certificates.attribute(TestCertificates.subject(tampered), BCStyle.CN));
        assertRejected(pki.checker().check(List.of(tampered, pki.agencyCert()), NOW, RevocationView.NONE, EVERYONE),
                "is not signed by its agency CA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsACertificateWhoseSignatureWasAltered(PkiFixture pki) throws Exception {
        byte[] der = pki.agencyCert().getEncoded();
        der[der.length - 3] ^= 0x01;
        assertRejected(pki.checker().check(List.of(pki.nodeCert(), parse(der)), NOW, RevocationView.NONE, EVERYONE),
                "not signed by the chain CA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsChainsOfTheWrongShape(PkiFixture pki) {
        assertRejected(pki.checker().check(List.of(pki.nodeCert()), NOW, RevocationView.NONE, EVERYONE), "not 1 certificates");
        assertRejected(pki.checker().check(List.of(pki.agencyCert(), pki.nodeCert()), NOW, RevocationView.NONE, EVERYONE),
                "not signed by the chain CA");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void rejectsTheOtherSuitesChainAndCa(PkiFixture pki) {
        PkiFixture other = PkiFixture.both().filter(p -> p != pki).findFirst().orElseThrow();
        assertRejected(pki.checker().check(other.nodeChain(), NOW, RevocationView.NONE, EVERYONE), "not signed by the chain CA");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CertificateChecker(pki.suite(), other.chainCa().certificate()));
        assertEquals("the chain CA certificate is not self-signed with suite " + pki.suite().id(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void aDocumentSignerSignsForItsNodeAndOpensNoLink(PkiFixture pki) {
        NodeId node = pki.nodeKey().nodeId();
        assertEquals(CheckResult.accepted(node), pki.checker().checkDocumentSigner(pki.signerChain(), NOW, RevocationView.NONE),
                "a document signer speaks for the node its subject names, not for a node of its own key");
        assertRejected(pki.checker().check(pki.signerChain(), NOW, RevocationView.NONE, EVERYONE), "document signer", "not for TLS");
        assertRejected(pki.checker().checkDocumentSigner(List.of(pki.clientCert(), pki.agencyCert()), NOW, RevocationView.NONE),
                "neither a document signer nor a node");
        assertEquals(CheckResult.accepted(node), pki.checker().checkDocumentSigner(pki.nodeChain(), NOW, RevocationView.NONE),
                "documents signed with the node key before document signers existed still check");
        assertRejected(pki.checker().checkDocumentSigner(pki.signerChain(), NOW, revoking(PkiFixture.SIGNER_SERIAL, null)),
                "serial " + PkiFixture.SIGNER_SERIAL + " is revoked");
        assertRejected(pki.checker().checkDocumentSigner(pki.signerChain(), LEAF_UNTIL.plusSeconds(1), RevocationView.NONE), "expired");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void anAgencyIssuesNoDocumentSignerForTheNodesOwnKey(PkiFixture pki) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pki.agencyCa().issueDocumentSignerCertificate(
                Csr.create(pki.suite(), pki.nodeKey().signer(), "node1"), "node1", pki.nodeKey().nodeId(), LEAF_FROM, LEAF_UNTIL,
                BigInteger.valueOf(77)));
        assertTrue(e.getMessage().contains("must not be the node's own"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.batteryledger.core.pki.PkiFixture#both")
    void checkerRefusesAChainCaThatIsNotSelfSigned(PkiFixture pki) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CertificateChecker(pki.suite(), pki.agencyCert()));
        assertEquals("the chain CA certificate is not self-signed with suite " + pki.suite().id(), e.getMessage());
    }

    private static void assertRejected(CheckResult result, String... fragments) {
        assertFalse(result.ok(), "expected a rejection, got " + result);
        for (String fragment : fragments) {
            assertTrue(result.reason().contains(fragment), "reason '" + result.reason() + "' lacks '" + fragment + "'");
        }
    }

    private static RevocationView revoking(BigInteger serial, NodeId node) {
        return RevocationView.of(node == null ? java.util.Set.of() : java.util.Set.of(node),
                serial == null ? java.util.Set.of() : java.util.Set.of(serial));
    }

    private static org.batteryledger.core.crypto.Signer chainSigner(PkiFixture pki) {
        return PkiFixture.key(pki.suite(), "main", "chain").signer();
    }

    private static X500Name name(String cn, String o, String ou) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).addRDN(BCStyle.O, o).addRDN(BCStyle.OU, ou).build();
    }

    private static X509Certificate parse(byte[] der) throws Exception {
        return new JcaX509CertificateConverter().setProvider(BouncyCastle.PROVIDER).getCertificate(new X509CertificateHolder(der));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
