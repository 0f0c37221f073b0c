package org.batteryledger.core.contract;

import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.CertificateFingerprint;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.core.pki.RevocationReason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The register of document signers on a chain whose agencies have real CAs: who may register a signer for which node,
 * rotation (the older signer's documents stand for the time before), revocation with a reason by the agency or by
 * governance, and how a signed document is judged against all that.
 */
class DocumentSignersTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant UNTIL = Instant.parse("2028-01-01T00:00:00Z");
    /** Block h is stamped one minute after block h-1. */
    private static final LongFunction<Instant> BLOCK_TIME = h -> FROM.plusSeconds(60 * h);

    static Stream<EcSuite> suites() {
        return Stream.of(Suites.ecdsa(), Suites.sm2());
    }

    /** A chain whose agencies A and B have CAs under one chain CA, and a way to issue their document signers. */
    private static final class Pki {
        final EcSuite suite;
        final CertificateAuthority agencyA;
        final CertificateAuthority agencyB;
        final Ledger ledger;
        private int serial = 100;

        Pki(EcSuite suite) {
            this.suite = suite;
            CertificateAuthority chain = CertificateAuthority.selfSignedChainCa(suite, key("chain").signer(), "battery-ledger", FROM, UNTIL, BigInteger.ONE);
            agencyA = agency(chain, Ledger.A, 11);
            agencyB = agency(chain, Ledger.B, 12);
            Map<String, String> caHashes = Map.of(Ledger.A, CertificateFingerprint.caHash(suite, agencyA.certificate()),
                    Ledger.B, CertificateFingerprint.caHash(suite, agencyB.certificate()));
            ledger = new Ledger(SuiteCase.real(suite), Ledger.STANDARD, Map.of(), a -> caHashes.getOrDefault(a, "ca-" + a));
        }

        private CertificateAuthority agency(CertificateAuthority chain, String name, int serial) {
            SuiteKeyPair k = key(name);
            return CertificateAuthority.of(suite, k.signer(), chain.issueAgencyCa(Csr.create(suite, k.signer(), name), name, FROM, UNTIL,
                    BigInteger.valueOf(serial)));
        }

        SuiteKeyPair key(String name) {
            return KeyPairs.generate(suite, KeyPairs.seededRandom(suite.id() + "/signers/" + name));
        }

        /** A new document signer from {@code ca} naming node {@code label} of the ledger. */
        X509Certificate signer(CertificateAuthority ca, String label) {
            SuiteKeyPair k = key("signer-" + (++serial));
            return ca.issueDocumentSignerCertificate(Csr.create(suite, k.signer(), label), label, ledger.id(label), FROM, UNTIL,
                    BigInteger.valueOf(serial));
        }

        BlockExecutor.Receipt register(String sender, X509Certificate signer, CertificateAuthority ca) {
            return ledger.commitOne(ledger.tx(sender, TxType.REGISTER_SIGNER,
                    new Payloads.RegisterSigner(der(signer), der(ca.certificate())).encode()));
        }

        BlockExecutor.Receipt revoke(String sender, String fingerprint, RevocationReason reason) {
            return ledger.commitOne(ledger.tx(sender, TxType.REVOKE_SIGNER, new Payloads.RevokeSigner(fingerprint, reason).encode()));
        }

        String fingerprint(X509Certificate c) {
            return suite.hash(der(c)).hex();
        }

        SignerRecord record(X509Certificate c) {
            return DocumentSigners.find(ledger.state, fingerprint(c));
        }
    }

    static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aNodeRegistersItsSignerAndTheRecordSaysWhoItSignsFor(EcSuite suite) {
        Pki p = new Pki(suite);
        X509Certificate s = p.signer(p.agencyA, "a1");
        long height = p.ledger.height;
        assertNull(p.register("a1", s, p.agencyA).error());

        SignerRecord r = p.record(s);
        assertEquals(p.ledger.id("a1"), r.node());
        assertEquals(Ledger.A, r.agency());
        assertEquals(s.getSerialNumber().toString(), r.serial());
        assertEquals(height, r.registeredHeight());
        assertEquals(p.fingerprint(s), DocumentSigners.current(p.ledger.state, p.ledger.id("a1").value()));
        assertTrue(java.util.Arrays.equals(r.encode(), SignerRecord.decode(r.encode()).encode()), "round trip");
        assertTrue(java.util.Arrays.equals(der(s), r.certificate()), "the chain keeps the DER for CRLs");
        assertNull(DocumentSigners.standing(r, BLOCK_TIME.apply(height + 5), null, BLOCK_TIME), "a current signer's documents stand");

        // Another node of the same agency may register it too (an agency runs its nodes); a second time is refused.
        String again = p.register("a2", s, p.agencyA).error();
        assertTrue(again.startsWith(DocumentSigners.ALREADY_REGISTERED), again);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void noAgencyRegistersASignerInAnothersName(EcSuite suite) {
        Pki p = new Pki(suite);
        // B's node sends A's genuine signer of a1: only A registers for its nodes.
        String byB = p.register("b1", p.signer(p.agencyA, "a1"), p.agencyA).error();
        assertTrue(byB.contains("belongs to " + Ledger.A), byB);
        // B's CA makes up a signer naming a1 (O=agency-b): refused whoever sends it.
        X509Certificate forged = p.signer(p.agencyB, "a1");
        assertTrue(p.register("b1", forged, p.agencyB).error().contains("belongs to " + Ledger.A));
        String viaA = p.register("a1", forged, p.agencyB).error();
        assertTrue(viaA.contains("another agency CA"), viaA);
        // A certificate claimed to come from A's CA that B's CA signed.
        String mismatched = p.register("a1", forged, p.agencyA).error();
        assertTrue(mismatched.contains("is not signed by agency CA"), mismatched);
        assertNull(DocumentSigners.find(p.ledger.state, p.fingerprint(forged)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void onlyADocumentSignerIsRegistered(EcSuite suite) {
        Pki p = new Pki(suite);
        SuiteKeyPair k = p.key("node-cert");
        X509Certificate nodeCert = p.agencyA.issueNodeCertificate(Csr.create(suite, k.signer(), "x"), "x", FROM, UNTIL, BigInteger.TEN);
        String error = p.register("a1", nodeCert, p.agencyA).error();
        assertTrue(error.contains("is not a document signer"), error);
        byte[] garbage = {0x30, 0x03, 0x02, 0x01, 0x01};
        String malformed = p.ledger.commitOne(p.ledger.tx("a1", TxType.REGISTER_SIGNER,
                new Payloads.RegisterSigner(garbage, der(p.agencyA.certificate())).encode())).error();
        assertTrue(malformed.contains("does not parse"), malformed);
        String badReason = p.ledger.commitOne(p.ledger.tx("a1", TxType.REVOKE_SIGNER,
                new org.batteryledger.core.codec.CanonicalWriter(8).str("ab").u8(2).toByteArray())).error();
        assertTrue(badReason.contains("reason code 2"), badReason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void rotationRetiresTheOlderSignerForWhatIsSignedAfterIt(EcSuite suite) {
        Pki p = new Pki(suite);
        X509Certificate first = p.signer(p.agencyA, "a1");
        assertNull(p.register("a1", first, p.agencyA).error());
        p.ledger.commitEmptyUntil(p.ledger.height + 3);
        X509Certificate second = p.signer(p.agencyA, "a1");
        long rotatedAt = p.ledger.height;
        assertNull(p.register("a1", second, p.agencyA).error());

        SignerRecord old = p.record(first);
        assertEquals(rotatedAt, old.retiredHeight());
        assertEquals(p.fingerprint(second), old.retiredBy());
        assertEquals(p.fingerprint(second), DocumentSigners.current(p.ledger.state, p.ledger.id("a1").value()));
        Instant rotated = BLOCK_TIME.apply(rotatedAt);
        assertNull(DocumentSigners.standing(old, rotated.minusSeconds(1), null, BLOCK_TIME), "signed before the rotation: stands");
        String after = DocumentSigners.standing(old, rotated.plusSeconds(1), null, BLOCK_TIME);
        assertTrue(after != null && after.contains("retired at block " + rotatedAt), after);
        assertNull(DocumentSigners.standing(old, rotated.plusSeconds(1), rotatedAt + 1, BLOCK_TIME),
                "registered on chain, even after the rotation: its node vouched for it (a rotation accuses no one)");
        assertNull(DocumentSigners.standing(p.record(second), rotated.plusSeconds(1), null, BLOCK_TIME));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anAgencyRevokesItsOwnSignerWithAReason(EcSuite suite) {
        Pki p = new Pki(suite);
        X509Certificate s = p.signer(p.agencyA, "a1");
        assertNull(p.register("a1", s, p.agencyA).error());
        String fp = p.fingerprint(s);
        String byB = p.revoke("b1", fp, RevocationReason.KEY_COMPROMISE).error();
        assertTrue(byB.contains("through a governance proposal"), byB);
        long revokedAt = p.ledger.height;
        assertNull(p.revoke("a2", fp, RevocationReason.KEY_COMPROMISE).error());
        assertTrue(p.revoke("a1", fp, RevocationReason.SUPERSEDED).error().contains("already revoked (keyCompromise)"));

        SignerRecord r = p.record(s);
        assertEquals(revokedAt, r.revokedHeight());
        assertEquals(RevocationReason.KEY_COMPROMISE, r.reason());
        assertNull(DocumentSigners.current(p.ledger.state, p.ledger.id("a1").value()), "a newer signer retires nothing revoked");
        // A compromised key condemns what it signed, even "before", unless the chain registered the document earlier.
        String early = DocumentSigners.standing(r, BLOCK_TIME.apply(revokedAt).minusSeconds(3600), null, BLOCK_TIME);
        assertEquals("the signer's certificate (serial " + s.getSerialNumber() + ") was revoked at block " + revokedAt + ": keyCompromise", early);
        assertNull(DocumentSigners.standing(r, BLOCK_TIME.apply(revokedAt).minusSeconds(3600), revokedAt - 1, BLOCK_TIME));
        assertNotNull(DocumentSigners.standing(r, BLOCK_TIME.apply(revokedAt).minusSeconds(3600), revokedAt, BLOCK_TIME),
                "registered in the revoking block or later proves nothing");

        // The node's next signer is registered as new, retiring nothing.
        X509Certificate next = p.signer(p.agencyA, "a1");
        assertNull(p.register("a1", next, p.agencyA).error());
        assertEquals(0, p.record(s).retiredHeight());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void theConsortiumRevokesAnySignerAndOtherReasonsKeepEarlierSignatures(EcSuite suite) {
        Pki p = new Pki(suite);
        X509Certificate s = p.signer(p.agencyA, "a1");
        assertNull(p.register("a1", s, p.agencyA).error());
        var action = new GovernanceAction.RevokeSigner(p.fingerprint(s), RevocationReason.AFFILIATION_CHANGED);
        assertEquals(action, GovernanceAction.decode(action.encode()));
        var proposal = p.ledger.propose("b1", action);
        assertNull(p.ledger.commitOne(proposal).error());
        long executedAt = p.ledger.height;
        assertNull(p.ledger.commitOne(p.ledger.approve("c1", proposal)).error());
        assertEquals(Proposal.Status.EXECUTED, p.ledger.proposal(proposal).status());

        SignerRecord r = p.record(s);
        assertEquals(executedAt, r.revokedHeight());
        Instant revoked = BLOCK_TIME.apply(executedAt);
        assertNull(DocumentSigners.standing(r, revoked.minusSeconds(1), null, BLOCK_TIME), "affiliation changed: earlier signatures stand");
        assertTrue(DocumentSigners.standing(r, revoked, null, BLOCK_TIME).endsWith(": affiliationChanged"));
    }

    @org.junit.jupiter.api.Test
    void aChainWithoutCertificatesRegistersNoSigner() {
        Ledger l = new Ledger(SuiteCase.sim());
        String error = l.commitOne(l.tx("a1", TxType.REGISTER_SIGNER, new Payloads.RegisterSigner(new byte[] {1}, new byte[] {2}).encode())).error();
        assertTrue(error.contains("has no X.509 certificates"), error);
        assertEquals(List.of(), List.copyOf(l.state.scan(Tables.SIGNER).keySet()));
    }
}
