package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.PkiFixture;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SuppressWarnings("unchecked")
class ValuationCertificateTest {
    private static final Instant MANUFACTURED = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant ISSUED = PkiFixture.NOW;
    private static final String CODE = "Q7APL12345678A9B0000001";

    static Stream<PkiFixture> suites() {
        return PkiFixture.both();
    }

    private static Hash h(String s) {
        return Hash.of(java.util.Arrays.copyOf(s.getBytes(StandardCharsets.UTF_8), 32));
    }

    static ValuationCertificate certificate(PkiFixture pki, String supersedes) {
        BatteryRecord.Master master = new BatteryRecord.Master("M-1", CODE, "Qinghe", Chemistry.NMC, 117, 350.4, 1800, 0.8, 25, MANUFACTURED);
        List<BatteryRecord.Session> sessions = new ArrayList<>();
        List<AnchoredRecord> anchors = new ArrayList<>();
        Instant t = MANUFACTURED.plus(Duration.ofDays(40));
        for (int i = 0; i < 40; i++) {
            double from = i % 2 == 0 ? 0.9 : 0.3;
            double to = i % 2 == 0 ? 0.3 : 0.9;
            sessions.add(new BatteryRecord.Session("S-" + i, CODE, "VoltWay", t, t.plus(Duration.ofHours(2)), from, to, 20, 22, 25));
            anchors.add(new AnchoredRecord("S-" + i, h("S-" + i), i % 10, 10, h("root" + i / 10), 10 + i / 10, h("tx" + i / 10)));
            t = t.plus(Duration.ofHours(20));
        }
        Assessment a = new ValuationEngine(ValuationParameters.defaults()).assess(new Evidence(master, sessions), ISSUED);
        NodeId node = NodeId.of(pki.suite(), NodeIds.publicKey(pki.nodeCert()));
        return ValuationCertificate.issue(pki.suite(), h("chain"), new ValuationCertificate.Issuer("agency-a", "node1", node), ISSUED.plusMillis(839),
                supersedes, master, new AnchoredRecord("M-1", h("M-1"), 0, 4, h("rootM"), 9, h("txM")), anchors, 3,
                ValuationParameters.defaults(), a);
    }

    /** As nodes sign now: with the node's document signer. */
    static byte[] signed(PkiFixture pki, ValuationCertificate c) {
        return CertificateSigner.sign(pki.suite(), pki.signerKey().signer(), pki.signerChain(), c);
    }

    /** As nodes signed before they had document signers: with the node's TLS key. */
    private static byte[] signedWithTheNodeKey(PkiFixture pki, ValuationCertificate c) {
        return CertificateSigner.sign(pki.suite(), pki.nodeKey().signer(), pki.nodeChain(), c);
    }

    @ParameterizedTest
    @MethodSource("suites")
    void signedCertificateVerifiesOfflineWithTheChainCaAlone(PkiFixture pki) {
        ValuationCertificate c = certificate(pki, null);
        byte[] cms = signed(pki, c);
        CertificateVerifier.Verdict v = new CertificateVerifier(pki.suite(), pki.chainCa().certificate()).verify(cms, RevocationView.NONE);
        assertTrue(v.valid(), v.reason());
        assertEquals(c, v.certificate());
        assertTrue(v.reason().startsWith("signed by node " + v.signer().shortId() + " of agency agency-a at 2026-01-01T00:00:00Z"), v.reason());
        // An issue time with milliseconds is kept to the second, as the signing time is.
        ValuationCertificate precise = ValuationCertificate.read(pki.suite(), c.content());
        assertEquals(ISSUED, precise.issuedAt());
        // Deterministic signatures: the same certificate signs to the same bytes.
        assertArrayEquals(cms, signed(pki, c));
        assertEquals(pki.nodeKey().nodeId(), v.signer(), "the document signer speaks for its node");
    }

    /** The chain a signer signed with is remembered; a key that is not its certificate's is refused all the same. */
    @ParameterizedTest
    @MethodSource("suites")
    void aKeyThatIsNotTheChainsIsRefusedAlsoForAChainSignedWithBefore(PkiFixture pki) {
        ValuationCertificate c = certificate(pki, null);
        List<java.security.cert.X509Certificate> chain = pki.signerChain();
        byte[] first = CertificateSigner.sign(pki.suite(), pki.signerKey().signer(), chain, c);
        assertThrows(IllegalArgumentException.class, () -> CertificateSigner.sign(pki.suite(), pki.nodeKey().signer(), chain, c));
        assertArrayEquals(first, CertificateSigner.sign(pki.suite(), pki.signerKey().signer(), chain, c), "deterministic, as before");
    }

    @ParameterizedTest
    @MethodSource("suites")
    void aCertificateSignedWithTheNodeKeyBeforeDocumentSignersStillVerifies(PkiFixture pki) {
        ValuationCertificate c = certificate(pki, null);
        CertificateVerifier.Verdict v = new CertificateVerifier(pki.suite(), pki.chainCa().certificate())
                .verify(signedWithTheNodeKey(pki, c), RevocationView.NONE);
        assertTrue(v.valid(), v.reason());
        assertEquals(pki.nodeKey().nodeId(), v.signer());
    }

    @ParameterizedTest
    @MethodSource("suites")
    void aClientKeySignsNoCertificate(PkiFixture pki) {
        byte[] cms = CertificateSigner.sign(pki.suite(), pki.clientKey().signer(), List.of(pki.clientCert(), pki.agencyCert()),
                certificate(pki, null));
        CertificateVerifier.Verdict v = new CertificateVerifier(pki.suite(), pki.chainCa().certificate()).verify(cms, RevocationView.NONE);
        assertFalse(v.valid());
        assertTrue(v.reason().contains("neither a document signer nor a node"), v.reason());
    }

    @ParameterizedTest
    @MethodSource("suites")
    void theDocumentCommitsToItsInputsByTheirRootAndNamesTheirBlocks(PkiFixture pki) {
        Map<String, Object> doc = certificate(pki, "VC-0123").document();
        assertEquals(ValuationCertificate.TYPE, doc.get("type"));
        assertEquals(2, ((Number) doc.get("formatVersion")).intValue());
        assertEquals("VC-0123", doc.get("supersedes"));
        Map<?, ?> evidence = (Map<?, ?>) doc.get("evidence");
        assertEquals(41, ((Number) evidence.get("records")).intValue());
        assertEquals(3, ((Number) evidence.get("unanchoredRecordsLeftOut")).intValue());
        assertEquals(inputs().root(pki.suite()).hex(), evidence.get("evidenceRoot"));
        assertEquals(null, evidence.get("anchors"), "format 2 lists no anchors inline");
        Map<?, ?> anchoring = (Map<?, ?>) evidence.get("anchoring");
        assertEquals(5, ((Number) anchoring.get("transactions")).intValue()); // the master's batch and four batches of ten sessions
        assertEquals(9, ((Number) anchoring.get("fromHeight")).intValue());
        assertEquals(13, ((Number) anchoring.get("toHeight")).intValue());
        Map<?, ?> model = (Map<?, ?>) doc.get("model");
        assertEquals(ValuationParameters.defaults(), ValuationParameters.fromJson((Map<?, ?>) model.get("parameters")));
        assertEquals("reuse", ((Map<?, ?>) doc.get("results")).get("status"));
    }

    /** Issue 16: a certificate commits to its inputs by their root, so its size does not grow with the session count. */
    @ParameterizedTest
    @MethodSource("suites")
    void aCertificateStaysUnder8KbWhateverTheSessionCount(PkiFixture pki) {
        BatteryRecord.Master master = new BatteryRecord.Master("M-1", CODE, "Qinghe", Chemistry.NMC, 117, 350.4, 1800, 0.8, 25, MANUFACTURED);
        List<BatteryRecord.Session> sessions = new ArrayList<>();
        List<AnchoredRecord> anchors = new ArrayList<>();
        List<Hash> held = new ArrayList<>();
        Instant t = MANUFACTURED.plus(Duration.ofDays(10));
        for (int i = 0; i < 5_000; i++) {
            boolean down = i % 2 == 0;
            double from = down ? 0.9 : (i % 7 == 1 ? 0.005 : 0.3); // many deep discharges
            double to = down ? (i % 7 == 0 ? 0.005 : 0.3) : 0.9;
            double max = i % 10 == 0 ? 70 : 25; // and many thermal events
            String id = String.format("S-%05d", i);
            sessions.add(new BatteryRecord.Session(id, CODE, "VoltWay", t, t.plus(Duration.ofHours(2)), from, to, 20, 22, max));
            anchors.add(new AnchoredRecord(id, h(id), i % 1000, 1000, h("root" + i / 1000), 10 + i / 1000, h("tx" + i / 1000)));
            held.add(h(id));
            t = t.plus(Duration.ofHours(5));
        }
        Assessment a = new ValuationEngine(ValuationParameters.defaults()).assess(new Evidence(master, sessions), t);
        assertTrue(a.negativeEvents().size() > 1_000, "the history has many events: " + a.negativeEvents().size());
        List<Provenance.Holder> holders = new ArrayList<>();
        for (int n = 0; n < 7; n++) { // a consortium of seven members, each holding a share
            holders.add(new Provenance.Holder("node" + n, "agency-" + n, held.subList(n * 700, (n + 1) * 700)));
        }
        Provenance provenance = new Provenance(holders, true, List.of("node7"), 2, List.of("node6: sessions of other operators withheld"));
        NodeId node = NodeId.of(pki.suite(), NodeIds.publicKey(pki.nodeCert()));
        ValuationCertificate c = ValuationCertificate.issue(pki.suite(), h("chain"), new ValuationCertificate.Issuer("agency-a", "node1", node),
                ISSUED, "VC-0123456789abcdef01234567", master, CertificateInputs.of(new AnchoredRecord("M-1", h("M-1"), 0, 4, h("rootM"), 9, h("txM")),
                anchors), 0, ValuationParameters.defaults(), a, provenance);
        byte[] cms = signed(pki, c);
        assertTrue(cms.length <= 8 * 1024, "CMS of a 5,000-session certificate: " + cms.length + " bytes");
        Map<?, ?> results = (Map<?, ?>) c.document().get("results");
        assertEquals(2 * Assessment.LISTED_EVENTS_PER_TYPE, ((List<?>) results.get("negativeEvents")).size());
        Map<?, ?> counts = (Map<?, ?>) results.get("negativeEventCounts");
        assertEquals(a.negativeEvents().size(), counts.values().stream().mapToInt(n -> ((Number) n).intValue()).sum());
        assertTrue(new CertificateVerifier(pki.suite(), pki.chainCa().certificate()).verify(cms, RevocationView.NONE).valid());
    }

    /** The inputs {@link #certificate} values, in the order of its evidence root. */
    static CertificateInputs inputs() {
        List<AnchoredRecord> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(new AnchoredRecord("S-" + i, h("S-" + i), i % 10, 10, h("root" + i / 10), 10 + i / 10, h("tx" + i / 10)));
        }
        return CertificateInputs.of(new AnchoredRecord("M-1", h("M-1"), 0, 4, h("rootM"), 9, h("txM")), sessions);
    }

    @ParameterizedTest
    @MethodSource("suites")
    void aCertificateOfTheFirstFormatWithItsAnchorsInlineStillVerifies(PkiFixture pki) {
        Map<String, Object> doc = new java.util.LinkedHashMap<>(certificate(pki, null).document());
        doc.remove("certificateId");
        doc.put("formatVersion", 1);
        Map<String, Object> evidence = new java.util.LinkedHashMap<>((Map<String, Object>) doc.get("evidence"));
        evidence.remove("anchoring");
        evidence.put("anchors", List.of(Map.of("blockHeight", 9, "txHash", h("txM").hex(), "batchRoot", h("rootM").hex(), "treeSize", 4,
                "records", List.of(Map.of("recordId", "M-1", "hash", h("M-1").hex(), "leafIndex", 0)))));
        doc.put("evidence", evidence);
        String id = "VC-" + pki.suite().hash(org.batteryledger.core.json.Jcs.canonicalize(doc).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 24);
        doc.put("certificateId", id);
        ValuationCertificate v1 = ValuationCertificate.read(pki.suite(), org.batteryledger.core.json.Jcs.canonicalize(doc).getBytes(StandardCharsets.UTF_8));
        assertEquals(1, v1.formatVersion());
        CertificateInputs inline = CertificateInputs.ofFirstFormat(v1);
        assertEquals(List.of("M-1"), inline.records().stream().map(AnchoredRecord::recordId).toList());
        assertEquals(9, inline.battery().blockHeight());
        CertificateVerifier.Verdict v = new CertificateVerifier(pki.suite(), pki.chainCa().certificate()).verify(signed(pki, v1), RevocationView.NONE);
        assertTrue(v.valid(), v.reason());
        doc.put("formatVersion", 3);
        assertEquals("unsupported certificate formatVersion 3", assertThrows(IllegalArgumentException.class, () -> ValuationCertificate.read(pki.suite(),
                org.batteryledger.core.json.Jcs.canonicalize(doc).getBytes(StandardCharsets.UTF_8))).getMessage());
    }

    @ParameterizedTest
    @MethodSource("suites")
    void anyChangedByteFailsVerification(PkiFixture pki) {
        byte[] cms = signed(pki, certificate(pki, null));
        CertificateVerifier verifier = new CertificateVerifier(pki.suite(), pki.chainCa().certificate());
        String text = new String(cms, StandardCharsets.ISO_8859_1);
        int soh = text.indexOf("\"stateOfHealth\":0.") + "\"stateOfHealth\":0.".length();
        byte[] tampered = cms.clone();
        tampered[soh] = (byte) (tampered[soh] == '9' ? '8' : tampered[soh] + 1);
        CertificateVerifier.Verdict v = verifier.verify(tampered, RevocationView.NONE);
        assertFalse(v.valid());
        assertTrue(v.reason().startsWith("the signature does not verify"), v.reason());
        // Every other single-byte change fails too (a sample of positions across the whole structure).
        for (int i = 0; i < cms.length; i += 97) {
            byte[] t = cms.clone();
            t[i] ^= 0x01;
            assertFalse(verifier.verify(t, RevocationView.NONE).valid(), "byte " + i + " changed and still valid");
        }
    }

    @ParameterizedTest
    @MethodSource("suites")
    void aForeignChainOrARevokedSignerFails(PkiFixture pki) {
        byte[] cms = signed(pki, certificate(pki, null));
        PkiFixture other = PkiFixture.create(pki.suite(), "other");
        CertificateVerifier.Verdict foreign = new CertificateVerifier(pki.suite(), other.chainCa().certificate()).verify(cms, RevocationView.NONE);
        assertFalse(foreign.valid());
        assertTrue(foreign.reason().startsWith("the signer is not a certificate of this chain: agency CA certificate"), foreign.reason());
        RevocationView revoked = new RevocationView() {
            @Override
            public boolean isSerialRevoked(BigInteger serial) {
                return serial.equals(pki.signerCert().getSerialNumber());
            }

            @Override
            public boolean isNodeRevoked(NodeId id) {
                return false;
            }
        };
        CertificateVerifier.Verdict v = new CertificateVerifier(pki.suite(), pki.chainCa().certificate()).verify(cms, revoked);
        assertEquals("the signer is not a certificate of this chain: certificate serial 1003 is revoked", v.reason());
        assertEquals("not CMS SignedData: ", new CertificateVerifier(pki.suite(), pki.chainCa().certificate())
                .verify("{}".getBytes(StandardCharsets.UTF_8), RevocationView.NONE).reason().substring(0, 20));
        // Bytes that are no CMS at all are told apart from a certificate that fails (an API answers them 400, not 200).
        assertTrue(CertificateVerifier.isSignedData(cms));
        assertFalse(CertificateVerifier.isSignedData("{}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(CertificateVerifier.isSignedData(new byte[0]));
        byte[] random = new byte[500];
        new java.util.Random(1).nextBytes(random);
        assertFalse(CertificateVerifier.isSignedData(random));
    }

    @ParameterizedTest
    @MethodSource("suites")
    void theJsonFormReadsBackInAnyFormattingButNotChanged(PkiFixture pki) {
        ValuationCertificate c = certificate(pki, null);
        String pretty = new String(c.content(), StandardCharsets.UTF_8).replace(",\"", ",\n  \"");
        ValuationCertificate read = ValuationCertificate.read(pki.suite(), pretty.getBytes(StandardCharsets.UTF_8));
        assertEquals(c, read);
        assertEquals(c.hash(pki.suite()), read.hash(pki.suite()));
        String changed = pretty.replace("\"status\":\"reuse\"", "\"status\":\"recycle\"");
        assertNotEquals(pretty, changed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValuationCertificate.read(pki.suite(), changed.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("the certificate id " + c.id() + " does not match its content"), e.getMessage());
        assertEquals("not a valuation certificate: type is null, not battery-valuation-certificate",
                assertThrows(IllegalArgumentException.class, () -> ValuationCertificate.read(pki.suite(), "{}".getBytes())).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValuationCertificate.read(pki.suite(), "{".getBytes()))
                .getMessage().startsWith("the certificate is not JSON"));
        assertTrue(Json.parse(new String(c.content(), StandardCharsets.UTF_8)) instanceof Map<?, ?>);
    }

    /** OpenSSL verifies the ECDSA suite's CMS against the chain CA and gives back the certificate's exact bytes. */
    @org.junit.jupiter.api.Test
    void opensslVerifiesTheEcdsaSuite() throws Exception {
        PkiFixture pki = PkiFixture.both().filter(f -> f.suite().id().startsWith("ecdsa")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assumptions.assumeTrue(Openssl.available(), "openssl is not installed (the system IT requires it)");
        ValuationCertificate c = certificate(pki, null);
        Path dir = Files.createDirectories(Path.of("target", "valuation-cms"));
        Path cms = dir.resolve("certificate.p7m");
        Path ca = dir.resolve("ca.crt");
        Path out = dir.resolve("certificate.json");
        Files.write(cms, signed(pki, c));
        Files.writeString(ca, org.batteryledger.core.crypto.Pem.writeCertificate(pki.chainCa().certificate()));
        // openssl's default purpose (S/MIME signing), no override: the document signer has no TLS usage to refuse.
        Openssl.Result r = Openssl.run("cms", "-verify", "-binary", "-inform", "DER", "-in", cms.toString(), "-CAfile", ca.toString(),
                "-attime", String.valueOf(ISSUED.getEpochSecond()), "-out", out.toString());
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Verification successful"), r.output());
        assertArrayEquals(c.content(), Files.readAllBytes(out));
        byte[] tampered = Files.readAllBytes(cms);
        int at = new String(tampered, StandardCharsets.ISO_8859_1).indexOf("\"status\":\"") + 10;
        tampered[at] ^= 0x01;
        Files.write(cms, tampered);
        Openssl.Result bad = Openssl.run("cms", "-verify", "-binary", "-inform", "DER", "-in", cms.toString(), "-CAfile", ca.toString(),
                "-attime", String.valueOf(ISSUED.getEpochSecond()), "-out", out.toString());
        assertNotEquals(0, bad.exit(), bad.output());
        assertTrue(bad.output().contains("Verification failure"), bad.output());
        // What the issue found: signed with the node's TLS key, the default purpose refuses it.
        Files.write(cms, signedWithTheNodeKey(pki, c));
        Openssl.Result tls = Openssl.run("cms", "-verify", "-binary", "-inform", "DER", "-in", cms.toString(), "-CAfile", ca.toString(),
                "-attime", String.valueOf(ISSUED.getEpochSecond()), "-out", out.toString());
        assertNotEquals(0, tls.exit(), tls.output());
        assertTrue(tls.output().contains("unsuitable certificate purpose"), tls.output());
    }
}
