package org.batteryledger.core.proof;

import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.SuiteKeyPair;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.merkle.InclusionProof;
import org.batteryledger.core.merkle.MerkleTree;
import org.batteryledger.core.pki.CertificateAuthority;
import org.batteryledger.core.pki.Csr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
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
 * The offline check of CONTRACT.md's proof: record hash → RFC 6962 path → batch root in an ANCHOR_BATCH transaction →
 * path to the block's transaction root → commit certificate with a quorum of the validators' seals. Each link is
 * broken in turn and the verdict must name it.
 */
public class RecordVerifierTest {
    static final Instant FROM = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2035-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

    static Stream<EcSuite> suites() {
        return Stream.of(Suites.ecdsa(), Suites.sm2());
    }

    /** Four validators (one agency), a batch of five records anchored in the middle transaction of a block of three. */
    public static class Chain {
        final EcSuite suite;
        final Hash chainId;
        final List<SuiteKeyPair> keys = new ArrayList<>();
        final CertificateAuthority chainCa;
        final CertificateAuthority agencyCa;
        public final List<byte[]> records = new ArrayList<>();
        public final MerkleTree batch;
        public final List<Transaction> txs = new ArrayList<>();
        final BlockHeader header;

        public Chain(EcSuite suite) {
            this.suite = suite;
            chainId = suite.hash("test chain".getBytes(StandardCharsets.UTF_8));
            SuiteKeyPair caKey = key("ca");
            chainCa = CertificateAuthority.selfSignedChainCa(suite, caKey.signer(), "battery-ledger", FROM, UNTIL, BigInteger.ONE);
            SuiteKeyPair agencyKey = key("agency");
            agencyCa = CertificateAuthority.of(suite, agencyKey.signer(),
                    chainCa.issueAgencyCa(Csr.create(suite, agencyKey.signer(), "agency-a"), "agency-a", FROM, UNTIL, BigInteger.TWO));
            for (int i = 0; i < 4; i++) {
                keys.add(key("v" + i));
            }
            List<Hash> hashes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                byte[] r = ("{\"recordId\":\"r" + i + "\",\"type\":\"session\"}").getBytes(StandardCharsets.UTF_8);
                records.add(r);
                hashes.add(suite.hash(r));
            }
            batch = MerkleTree.of(suite, hashes);
            LocalSigner sender = new LocalSigner(suite, keys.get(0).privateKey());
            txs.add(Transaction.sign(suite, sender, TxType.ANCHOR_BATCH, 1, 100, new Payloads.AnchorBatch("other-1", suite.hash(new byte[]{1}), 3).encode()));
            txs.add(Transaction.sign(suite, sender, TxType.ANCHOR_BATCH, 2, 100, new Payloads.AnchorBatch("batch-7", batch.root(), 5).encode()));
            txs.add(Transaction.sign(suite, sender, TxType.ANCHOR_BATCH, 3, 100, new Payloads.AnchorBatch("other-2", suite.hash(new byte[]{2}), 1).encode()));
            header = new BlockHeader(42, suite.hash(new byte[]{9}), org.batteryledger.core.chain.Block.txRoot(suite, txs),
                    suite.hash(new byte[]{8}), NodeId.of(suite, keys.get(2).publicKey()), 0, 1_700_000_000_000L);
        }

        SuiteKeyPair key(String label) {
            return KeyPairs.generate(suite, KeyPairs.seededRandom(suite.id() + "/verifier/" + label));
        }

        CommitSeal seal(int validator, BlockHeader h) {
            byte[] msg = CommitCertificate.commitSigningBytes(chainId, h.height(), 0, h.hash(suite));
            return new CommitSeal(NodeId.of(suite, keys.get(validator).publicKey()), new LocalSigner(suite, keys.get(validator).privateKey()).sign(msg));
        }

        public AnchorEvidence evidence(int leaf, int... sealers) {
            List<CommitSeal> seals = new ArrayList<>();
            for (int v : sealers) {
                seals.add(seal(v, header));
            }
            InclusionProof txPath = MerkleTree.of(suite, txs.stream().map(t -> t.hash(suite)).toList()).inclusionProof(1);
            return new AnchorEvidence(new RecordProof(suite.hash(records.get(leaf)), batch.inclusionProof(leaf), batch.root(), 42, txs.get(1).hash(suite)),
                    header, txs.get(1), txPath, new CommitCertificate(42, 0, header.hash(suite), seals));
        }

        Map<NodeId, byte[]> validators() {
            Map<NodeId, byte[]> m = new LinkedHashMap<>();
            keys.forEach(k -> m.put(NodeId.of(suite, k.publicKey()), k.publicKey()));
            return m;
        }

        public RecordVerifier verifier() {
            return new RecordVerifier(suite, chainId, validators());
        }

        List<List<X509Certificate>> validatorCertificates() {
            List<List<X509Certificate>> chains = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                X509Certificate c = agencyCa.issueNodeCertificate(Csr.create(suite, keys.get(i).signer(), "v" + i), "v" + i, FROM, UNTIL,
                        BigInteger.valueOf(100 + i));
                chains.add(List.of(c, agencyCa.certificate()));
            }
            return chains;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anAnchoredRecordVerifiesAgainstAQuorumOfSeals(EcSuite suite) {
        Chain c = new Chain(suite);
        for (int leaf = 0; leaf < 5; leaf++) {
            RecordVerifier.Verdict v = c.verifier().verify(c.records.get(leaf), c.evidence(leaf, 0, 1, 3));
            assertTrue(v.valid(), v.reason());
            assertTrue(v.reason().contains("leaf " + leaf + " of batch"), v.reason());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void aChangedRecordIsCaughtByItsHash(EcSuite suite) {
        Chain c = new Chain(suite);
        byte[] tampered = c.records.get(2).clone();
        tampered[5] ^= 1;
        RecordVerifier.Verdict v = c.verifier().verify(tampered, c.evidence(2, 0, 1, 2));
        assertFalse(v.valid());
        assertTrue(v.reason().startsWith("the record does not match the anchored hash"), v.reason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void eachBrokenLinkIsNamed(EcSuite suite) {
        Chain c = new Chain(suite);
        AnchorEvidence good = c.evidence(3, 0, 1, 2);
        RecordProof p = good.proof();

        // another leaf's path
        AnchorEvidence wrongPath = new AnchorEvidence(new RecordProof(p.recordHash(), c.batch.inclusionProof(1), p.batchRoot(), 42, p.txHash()),
                good.header(), good.anchorTx(), good.txPath(), good.certificate());
        assertReason(c, wrongPath, "does not lead to batch root");

        // a proof claiming the other anchoring transaction of the block
        AnchorEvidence otherTx = new AnchorEvidence(new RecordProof(p.recordHash(), p.path(), p.batchRoot(), 42, c.txs.get(0).hash(suite)),
                good.header(), c.txs.get(0), good.txPath(), good.certificate());
        assertReason(c, otherTx, "anchors root");

        // the transaction's path leads elsewhere (as if the transaction were not in the block)
        InclusionProof wrongTxPath = MerkleTree.of(suite, c.txs.stream().map(t -> t.hash(suite)).toList()).inclusionProof(2);
        assertReason(c, new AnchorEvidence(p, good.header(), good.anchorTx(), wrongTxPath, good.certificate()), "is not in block 42");

        // a different block height claimed by the proof
        AnchorEvidence otherHeight = new AnchorEvidence(new RecordProof(p.recordHash(), p.path(), p.batchRoot(), 41, p.txHash()),
                good.header(), good.anchorTx(), good.txPath(), good.certificate());
        assertReason(c, otherHeight, "the proof names block 41");

        // too few seals: not final
        assertReason(c, c.evidence(3, 0, 1), "only 2 seals, quorum is 3");

        // a seal of a key outside the verifier's validator set
        Map<NodeId, byte[]> three = c.validators();
        three.remove(NodeId.of(suite, c.keys.get(3).publicKey()));
        RecordVerifier.Verdict v = new RecordVerifier(suite, c.chainId, three).verify(c.records.get(3), c.evidence(3, 0, 1, 3));
        assertFalse(v.valid());
        assertTrue(v.reason().contains("not a validator"), v.reason());

        // seals of another chain
        RecordVerifier otherChain = new RecordVerifier(suite, suite.hash(new byte[]{7}), c.validators());
        assertTrue(otherChain.verify(c.records.get(3), good).reason().contains("invalid seal signature"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void theEvidenceTravelsAsBytesAndTheValidatorsAsCertificates(EcSuite suite) {
        Chain c = new Chain(suite);
        AnchorEvidence decoded = AnchorEvidence.decode(c.evidence(4, 1, 2, 3).encode());
        RecordVerifier fromCerts = RecordVerifier.fromCertificates(suite, c.chainId, c.chainCa.certificate(), c.validatorCertificates(), NOW);
        RecordVerifier.Verdict v = fromCerts.verify(c.records.get(4), decoded);
        assertTrue(v.valid(), v.reason());

        Chain stranger = new Chain(suite.id().equals(Suites.ecdsa().id()) ? Suites.ecdsa() : Suites.sm2()) {
            @Override
            SuiteKeyPair key(String label) {
                return KeyPairs.generate(suite, KeyPairs.seededRandom("stranger/" + label));
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                RecordVerifier.fromCertificates(suite, c.chainId, c.chainCa.certificate(), stranger.validatorCertificates(), NOW));
        assertTrue(e.getMessage().startsWith("validator certificate"), e.getMessage());
    }

    private static void assertReason(Chain c, AnchorEvidence e, String expected) {
        RecordVerifier.Verdict v = c.verifier().verify(c.records.get(3), e);
        assertFalse(v.valid(), "expected failure: " + expected);
        assertTrue(v.reason().contains(expected), v.reason());
    }
}
