package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.merkle.InclusionProof;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.PkiFixture;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordVerifierTest;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A certificate's evidence bundle checked offline: the certificate's signature, that the inputs are the ones its
 * evidence root commits to, each input's path to its batch root, and the batch's anchoring block's commit certificate.
 * Each link is broken in turn and the verdict must name it.
 */
@SuppressWarnings("unchecked")
class EvidenceBundleTest {
    private static final String CODE = "Q7APL12345678A9B0000001";
    private static final Instant MANUFACTURED = Instant.parse("2024-01-01T00:00:00Z");

    static Stream<PkiFixture> suites() {
        return PkiFixture.both();
    }

    /** The chain's batch of five records: the battery record at leaf 0, four sessions after it, in block 42. */
    private record Fixture(PkiFixture pki, RecordVerifierTest.Chain chain, EvidenceBundle bundle) {
        CertificateVerifier certificates() {
            return new CertificateVerifier(pki.suite(), pki.chainCa().certificate());
        }

        EvidenceBundle.Verdict verify(EvidenceBundle b) {
            return b.verify(pki.suite(), certificates(), RevocationView.NONE, chain.verifier());
        }
    }

    private static Fixture fixture(PkiFixture pki, int... sealers) {
        RecordVerifierTest.Chain chain = new RecordVerifierTest.Chain(pki.suite());
        Hash tx = chain.txs.get(1).hash(pki.suite());
        List<AnchoredRecord> anchored = new ArrayList<>();
        List<InclusionProof> paths = new ArrayList<>();
        for (int leaf = 0; leaf < 5; leaf++) {
            anchored.add(new AnchoredRecord(leaf == 0 ? "M-1" : "S-" + leaf, pki.suite().hash(chain.records.get(leaf)), leaf, 5,
                    chain.batch.root(), 42, tx));
            paths.add(chain.batch.inclusionProof(leaf));
        }
        BatteryRecord.Master master = new BatteryRecord.Master("M-1", CODE, "Qinghe", Chemistry.NMC, 117, 350.4, 1800, 0.8, 25, MANUFACTURED);
        List<BatteryRecord.Session> sessions = new ArrayList<>();
        Instant t = MANUFACTURED.plus(Duration.ofDays(40));
        for (int i = 1; i < 5; i++) {
            sessions.add(new BatteryRecord.Session("S-" + i, CODE, "VoltWay", t, t.plus(Duration.ofHours(2)), 0.9, 0.3, 20, 22, 25));
            t = t.plus(Duration.ofDays(2));
        }
        Assessment a = new ValuationEngine(ValuationParameters.defaults()).assess(new Evidence(master, sessions), PkiFixture.NOW);
        NodeId node = NodeId.of(pki.suite(), NodeIds.publicKey(pki.nodeCert()));
        ValuationCertificate c = ValuationCertificate.issue(pki.suite(), pki.suite().hash("chain".getBytes(StandardCharsets.UTF_8)),
                new ValuationCertificate.Issuer("agency-a", "node1", node), PkiFixture.NOW, null, master, anchored.get(0),
                anchored.subList(1, 5), 0, ValuationParameters.defaults(), a);
        byte[] cms = CertificateSigner.sign(pki.suite(), pki.signerKey().signer(), pki.signerChain(), c);
        AnchorEvidence anchor = chain.evidence(0, sealers.length == 0 ? new int[] {0, 1, 3} : sealers);
        return new Fixture(pki, chain, new EvidenceBundle(c.id(), cms, CertificateInputs.of(anchored.get(0), anchored.subList(1, 5)), paths,
                List.of(anchor)));
    }

    @ParameterizedTest
    @MethodSource("suites")
    void aBundleVerifiesOfflineAndTravelsAsJson(PkiFixture pki) {
        Fixture f = fixture(pki);
        EvidenceBundle.Verdict v = f.verify(f.bundle);
        assertTrue(v.valid(), v.reason());
        assertTrue(v.reason().contains("its 5 inputs are the ones of evidence root"), v.reason());
        assertTrue(v.reason().contains("anchored by 1 transaction in blocks 42 to 42, each block committed by at least 3 validators"), v.reason());

        EvidenceBundle read = EvidenceBundle.fromJson(Json.parse(Json.write(f.bundle.toJson())));
        EvidenceBundle.Verdict again = f.verify(read);
        assertTrue(again.valid(), again.reason());
        assertEquals(f.bundle.inputs(), read.inputs());
    }

    @ParameterizedTest
    @MethodSource("suites")
    void inputsThatAreNotTheCertificatesFail(PkiFixture pki) {
        Fixture f = fixture(pki);
        EvidenceBundle b = f.bundle;
        List<AnchoredRecord> fewer = b.inputs().records().subList(0, 4);
        assertReason(f, new EvidenceBundle(b.certificateId(), b.cms(), new CertificateInputs(fewer), b.paths().subList(0, 4), b.anchors()),
                "the certificate values 5 records, the bundle lists 4");

        List<AnchoredRecord> swapped = new ArrayList<>(b.inputs().records());
        AnchoredRecord s = swapped.get(3);
        swapped.set(3, new AnchoredRecord(s.recordId(), pki.suite().hash(new byte[] {7}), s.leafIndex(), s.treeSize(), s.batchRoot(),
                s.blockHeight(), s.txHash()));
        assertReason(f, new EvidenceBundle(b.certificateId(), b.cms(), new CertificateInputs(swapped), b.paths(), b.anchors()),
                "they are not the inputs it valued");

        List<InclusionProof> wrongPaths = new ArrayList<>(b.paths());
        wrongPaths.set(2, f.chain.batch.inclusionProof(3));
        assertReason(f, new EvidenceBundle(b.certificateId(), b.cms(), b.inputs(), wrongPaths, b.anchors()),
                "input S-2: its audit path does not lead from leaf 2 of 5");

        assertReason(f, new EvidenceBundle("VC-000000000000000000000000", b.cms(), b.inputs(), b.paths(), b.anchors()),
                "the bundle names certificate VC-000000000000000000000000 but carries " + b.certificateId());
        assertReason(f, new EvidenceBundle(b.certificateId(), b.cms(), b.inputs(), b.paths(), List.of()),
                "which the bundle does not carry");
        // padded with its own anchor again: refused before any commit certificate is checked
        assertReason(f, new EvidenceBundle(b.certificateId(), b.cms(), b.inputs(), b.paths(), List.of(b.anchors().get(0), b.anchors().get(0))),
                "twice");
    }

    @ParameterizedTest
    @MethodSource("suites")
    void anAnchorWithoutAQuorumOrAChangedCertificateFails(PkiFixture pki) {
        Fixture weak = fixture(pki, 0, 1);
        assertReason(weak, weak.bundle, "block 42 is not final");
        Fixture f = fixture(pki);
        byte[] cms = f.bundle.cms().clone();
        String text = new String(cms, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"stateOfHealth\":") + 17;
        cms[at] ^= 1;
        EvidenceBundle b = f.bundle;
        assertReason(f, new EvidenceBundle(b.certificateId(), cms, b.inputs(), b.paths(), b.anchors()), "the signature does not verify");
    }

    private static void assertReason(Fixture f, EvidenceBundle b, String expected) {
        EvidenceBundle.Verdict v = f.verify(b);
        assertFalse(v.valid(), "expected to fail: " + expected);
        assertTrue(v.reason().contains(expected), v.reason());
    }

    /** A bundle is outside input: every malformed part is named, none is half read. */
    @Test
    void hostileJsonIsRefusedWithTheFieldNamed() {
        Fixture f = fixture(PkiFixture.both().findFirst().orElseThrow());
        Map<String, Object> good = f.bundle.toJson();
        assertRefused(with(good, "type", "other"), "not an evidence bundle");
        assertRefused(with(good, "formatVersion", 9), "unsupported evidence bundle formatVersion 9");
        assertRefused(with(good, "certificate", "%%%"), "certificate is not base64");
        assertRefused(with(good, "inputs", "none"), "the evidence bundle has no list inputs");
        assertRefused(with(good, "inputs", List.of()), "at least the battery record");
        Map<String, Object> input = new LinkedHashMap<>((Map<String, Object>) ((List<?>) good.get("inputs")).get(0));
        input.put("hash", "abcd");
        assertRefused(with(good, "inputs", List.of(input)), "inputs[0].hash is not a hash of 32 bytes in hex");
        input.put("hash", ((Map<?, ?>) ((List<?>) good.get("inputs")).get(0)).get("hash"));
        input.put("leafIndex", -1);
        assertRefused(with(good, "inputs", List.of(input)), "inputs[0].leafIndex is not a whole number");
        assertRefused(with(good, "anchors", List.of(Map.of("evidence", "AAAA"))), "anchors[0].evidence is not anchor evidence");
        assertRefused("[]", "an evidence bundle is a JSON object");
    }

    private static String with(Map<String, Object> bundle, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(bundle);
        m.put(key, value);
        return Json.write(m);
    }

    private static void assertRefused(String json, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EvidenceBundle.fromJson(Json.parse(json)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theStoredListReadsBackAndStaysSmall() {
        PkiFixture pki = PkiFixture.both().findFirst().orElseThrow();
        List<AnchoredRecord> sessions = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            Hash tx = pki.suite().hash(("tx" + i / 250).getBytes(StandardCharsets.UTF_8));
            sessions.add(new AnchoredRecord(String.format("S-%06d", i), pki.suite().hash(("s" + i).getBytes(StandardCharsets.UTF_8)), i % 250 * 4,
                    1_000, pki.suite().hash(("root" + i / 250).getBytes(StandardCharsets.UTF_8)), 100 + i / 250, tx));
        }
        CertificateInputs inputs = CertificateInputs.of(new AnchoredRecord("M-1", pki.suite().hash(new byte[] {1}), 0, 3,
                pki.suite().hash(new byte[] {2}), 99, pki.suite().hash(new byte[] {3})), sessions);
        byte[] stored = inputs.encode();
        assertEquals(inputs, CertificateInputs.decode(stored));
        assertTrue(stored.length < 60_000, stored.length + " bytes for 1,001 inputs");
        assertEquals(5, inputs.byAnchor().size());
        assertEquals(99, inputs.byAnchor().get(0).get(0).blockHeight());
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length - 1);
        assertThrows(org.batteryledger.core.codec.DecodeException.class, () -> CertificateInputs.decode(truncated));
    }
}
