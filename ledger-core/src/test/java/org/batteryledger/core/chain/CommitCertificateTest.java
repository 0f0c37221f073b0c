package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.contract.SuiteCase;
import org.batteryledger.core.crypto.CheckedSignatures;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Castro & Liskov, OSDI 1999, §4.2: a block is committed by 2f+1 matching COMMITs of one view. */
class CommitCertificateTest {
    private static final long HEIGHT = 12;
    private static final int VIEW = 3;
    private static final int QUORUM = 3; // n = 4, f = 1

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    /** Four validators v0..v3 and the fixture to seal with them. */
    private static final class Fixture {
        final SuiteCase sc;
        final CryptoSuite suite;
        final Hash chainId;
        final Hash blockHash;
        final Map<NodeId, byte[]> validators = new TreeMap<>();

        Fixture(SuiteCase sc) {
            this.sc = sc;
            this.suite = sc.suite();
            this.chainId = suite.hash("chain".getBytes(StandardCharsets.UTF_8));
            this.blockHash = suite.hash("block".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 4; i++) {
                validators.put(sc.nodeId("v" + i), sc.signer("v" + i).publicKey());
            }
        }

        CommitSeal seal(String label, Hash chain, long height, int view, Hash block) {
            Signer s = sc.signer(label);
            return new CommitSeal(sc.nodeId(label), s.sign(CommitCertificate.commitSigningBytes(chain, height, view, block)));
        }

        CommitSeal seal(String label) {
            return seal(label, chainId, HEIGHT, VIEW, blockHash);
        }

        String verify(CommitSeal... seals) {
            return new CommitCertificate(HEIGHT, VIEW, blockHash, List.of(seals)).verify(suite, chainId, validators, QUORUM);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void quorumOfValidSealsVerifies(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        assertNull(f.verify(f.seal("v0"), f.seal("v1"), f.seal("v2")));
        assertNull(f.verify(f.seal("v3"), f.seal("v1"), f.seal("v0"), f.seal("v2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void tooFewSealsAreRefused(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        assertEquals("only 2 seals, quorum is 3", f.verify(f.seal("v0"), f.seal("v1")));
        assertEquals("only 0 seals, quorum is 3", f.verify());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void duplicateSignerIsRefusedEvenWhenTheCountWouldReachTheQuorum(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        String reason = f.verify(f.seal("v0"), f.seal("v1"), f.seal("v1"));
        assertEquals("two seals from " + sc.nodeId("v1").shortId(), reason);
        // also when the extra seal comes on top of a full quorum
        reason = f.verify(f.seal("v0"), f.seal("v1"), f.seal("v2"), f.seal("v0"));
        assertEquals("two seals from " + sc.nodeId("v0").shortId(), reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sealFromANonValidatorIsRefused(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        String reason = f.verify(f.seal("v0"), f.seal("v1"), f.seal("v2"), f.seal("outsider"));
        assertEquals("seal from " + sc.nodeId("outsider").shortId() + ", not a validator at height " + HEIGHT, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void tamperedSealIsRefused(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        CommitSeal good = f.seal("v2");
        byte[] sig = good.signature();
        sig[sig.length / 2] ^= 0x01;
        String reason = f.verify(f.seal("v0"), f.seal("v1"), new CommitSeal(good.nodeId(), sig));
        assertEquals("invalid seal signature from " + sc.nodeId("v2").shortId(), reason);
        // a valid signature attributed to another validator is just as bad
        reason = f.verify(f.seal("v0"), f.seal("v1"), new CommitSeal(sc.nodeId("v3"), good.signature()));
        assertEquals("invalid seal signature from " + sc.nodeId("v3").shortId(), reason);
        // and an empty signature
        reason = f.verify(f.seal("v0"), f.seal("v1"), new CommitSeal(sc.nodeId("v3"), new byte[0]));
        assertEquals("invalid seal signature from " + sc.nodeId("v3").shortId(), reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sealOverAnotherViewHeightChainOrBlockIsRefused(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        Hash otherChain = sc.suite().hash("other chain".getBytes(StandardCharsets.UTF_8));
        Hash otherBlock = sc.suite().hash("other block".getBytes(StandardCharsets.UTF_8));
        List<CommitSeal> wrong = List.of(
                f.seal("v2", f.chainId, HEIGHT, VIEW + 1, f.blockHash),
                f.seal("v2", f.chainId, HEIGHT + 1, VIEW, f.blockHash),
                f.seal("v2", otherChain, HEIGHT, VIEW, f.blockHash),
                f.seal("v2", f.chainId, HEIGHT, VIEW, otherBlock));
        for (CommitSeal w : wrong) {
            assertEquals("invalid seal signature from " + sc.nodeId("v2").shortId(), f.verify(f.seal("v0"), f.seal("v1"), w));
        }
        // a certificate claiming another view than its seals fails as a whole
        CommitCertificate otherView = new CommitCertificate(HEIGHT, VIEW + 1, f.blockHash, List.of(f.seal("v0"), f.seal("v1"), f.seal("v2")));
        assertEquals("invalid seal signature from " + sc.nodeId("v0").shortId(), otherView.verify(sc.suite(), f.chainId, f.validators, QUORUM));
        // and checked against another chain id
        CommitCertificate good = new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(f.seal("v0"), f.seal("v1"), f.seal("v2")));
        assertEquals("invalid seal signature from " + sc.nodeId("v0").shortId(), good.verify(sc.suite(), otherChain, f.validators, QUORUM));
        assertNull(good.verify(sc.suite(), f.chainId, f.validators, QUORUM));
    }

    @Test
    void commitSigningBytesDifferInEveryField() {
        SuiteCase sc = SuiteCase.sim();
        Hash a = sc.suite().hash(new byte[] {1});
        Hash b = sc.suite().hash(new byte[] {2});
        List<byte[]> all = List.of(
                CommitCertificate.commitSigningBytes(a, 1, 1, a),
                CommitCertificate.commitSigningBytes(b, 1, 1, a),
                CommitCertificate.commitSigningBytes(a, 2, 1, a),
                CommitCertificate.commitSigningBytes(a, 1, 2, a),
                CommitCertificate.commitSigningBytes(a, 1, 1, b));
        Set<String> distinct = new HashSet<>();
        for (byte[] x : all) {
            distinct.add(Arrays.toString(x));
        }
        assertEquals(all.size(), distinct.size());
    }

    @Test
    void signedByNamesExactlyTheSealers() {
        Fixture f = new Fixture(SuiteCase.sim());
        CommitCertificate c = new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(f.seal("v0"), f.seal("v2")));
        assertTrue(c.signedBy(f.sc.nodeId("v0")));
        assertTrue(c.signedBy(f.sc.nodeId("v2")));
        assertFalse(c.signedBy(f.sc.nodeId("v1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void encodeDecodeRoundTripStillVerifies(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        CommitCertificate c = new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(f.seal("v0"), f.seal("v1"), f.seal("v3")));
        CanonicalWriter w = new CanonicalWriter();
        c.write(w);
        CanonicalReader r = new CanonicalReader(w.toByteArray());
        CommitCertificate back = CommitCertificate.read(r);
        r.end();
        assertEquals(HEIGHT, back.height());
        assertEquals(VIEW, back.view());
        assertEquals(f.blockHash, back.blockHash());
        assertEquals(3, back.seals().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(c.seals().get(i).nodeId(), back.seals().get(i).nodeId());
            assertArrayEquals(c.seals().get(i).signature(), back.seals().get(i).signature());
        }
        assertNull(back.verify(sc.suite(), f.chainId, f.validators, QUORUM));
    }

    @Test
    void decodeRejectsTruncationAndNegativeHeight() {
        Fixture f = new Fixture(SuiteCase.sim());
        CommitCertificate c = new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(f.seal("v0")));
        CanonicalWriter w = new CanonicalWriter();
        c.write(w);
        byte[] enc = w.toByteArray();
        for (int cut = 0; cut < enc.length; cut++) {
            byte[] prefix = Arrays.copyOf(enc, cut);
            DecodeException e = assertThrows(DecodeException.class, () -> CommitCertificate.read(new CanonicalReader(prefix)), "cut " + cut);
            assertTrue(e.getMessage().startsWith("truncated: "), "cut " + cut + ": " + e.getMessage());
        }
        CanonicalWriter neg = new CanonicalWriter();
        new CommitCertificate(-1, VIEW, f.blockHash, List.of()).write(neg);
        assertEquals("height is negative", assertThrows(DecodeException.class, () -> CommitCertificate.read(new CanonicalReader(neg.toByteArray()))).getMessage());
    }

    @Test
    void sealListIsCopied() {
        Fixture f = new Fixture(SuiteCase.sim());
        List<CommitSeal> seals = new ArrayList<>(List.of(f.seal("v0"), f.seal("v1"), f.seal("v2")));
        CommitCertificate c = new CommitCertificate(HEIGHT, VIEW, f.blockHash, seals);
        seals.clear();
        assertEquals(3, c.seals().size());
        assertNull(c.verify(f.suite, f.chainId, f.validators, QUORUM));
    }

    /**
     * Seals the owner checked beforehand are not verified again (a node checks a sync response's seals on another
     * core), and only those: every other rule about seals still holds when every signature is said to be checked.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sealsCheckedBeforehandAreNotVerifiedAgainAndEveryOtherRuleStays(SuiteCase sc) {
        Fixture f = new Fixture(sc);
        CommitSeal v0 = f.seal("v0");
        CommitSeal v1 = f.seal("v1");
        CommitSeal v2 = f.seal("v2");
        byte[] message = CommitCertificate.commitSigningBytes(f.chainId, HEIGHT, VIEW, f.blockHash);
        List<byte[]> verified = new ArrayList<>();
        CryptoSuite counting = new CryptoSuite() {
            @Override
            public String id() {
                return f.suite.id();
            }

            @Override
            public Hash hash(byte[] data) {
                return f.suite.hash(data);
            }

            @Override
            public boolean verify(byte[] publicKey, byte[] m, byte[] signature) {
                verified.add(signature);
                return f.suite.verify(publicKey, m, signature);
            }
        };
        // The owner checked v0's and v1's exact bytes; v2's seal is verified here, and only it.
        CheckedSignatures checked = (key, m, sig) -> Arrays.equals(m, message)
                && (Arrays.equals(key, f.validators.get(v0.nodeId())) && Arrays.equals(sig, v0.signature())
                        || Arrays.equals(key, f.validators.get(v1.nodeId())) && Arrays.equals(sig, v1.signature()));
        CommitCertificate cert = new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(v0, v1, v2));
        assertNull(cert.verify(counting, f.chainId, f.validators, QUORUM, checked));
        assertEquals(1, verified.size());
        assertArrayEquals(v2.signature(), verified.get(0));
        // A forged third seal is still caught: it is not among the checked ones.
        byte[] flipped = v2.signature().clone();
        flipped[flipped.length / 2] ^= 0x01;
        CommitSeal forged = new CommitSeal(v2.nodeId(), flipped);
        assertEquals("invalid seal signature from " + v2.nodeId().shortId(),
                new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(v0, v1, forged)).verify(f.suite, f.chainId, f.validators, QUORUM, checked));

        CheckedSignatures everything = (key, m, sig) -> true;
        CommitSeal outsider = f.seal("outsider");
        assertEquals("seal from " + outsider.nodeId().shortId() + ", not a validator at height " + HEIGHT,
                new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(v0, v1, outsider)).verify(f.suite, f.chainId, f.validators, QUORUM, everything));
        assertEquals("two seals from " + v1.nodeId().shortId(),
                new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(v0, v1, v1)).verify(f.suite, f.chainId, f.validators, QUORUM, everything));
        assertEquals("only 2 seals, quorum is 3",
                new CommitCertificate(HEIGHT, VIEW, f.blockHash, List.of(v0, v1)).verify(f.suite, f.chainId, f.validators, QUORUM, everything));
    }
}
