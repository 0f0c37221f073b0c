package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.contract.SuiteCase;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionTest {
    private static final byte[] PAYLOAD = "anchor me".getBytes(StandardCharsets.UTF_8);

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    private static Transaction signed(SuiteCase sc) {
        return Transaction.sign(sc.suite(), sc.signer("alice"), TxType.ANCHOR_BATCH, 7, 100, PAYLOAD);
    }

    private static Transaction roundTrip(Transaction tx) {
        CanonicalWriter w = new CanonicalWriter();
        tx.write(w);
        CanonicalReader r = new CanonicalReader(w.toByteArray());
        Transaction back = Transaction.read(r);
        r.end();
        return back;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void signedTransactionVerifiesUnderTheSendersKeyOnly(SuiteCase sc) {
        Transaction tx = signed(sc);
        assertEquals(NodeId.of(sc.suite(), sc.signer("alice").publicKey()), tx.sender());
        assertTrue(tx.verifySignature(sc.suite(), sc.signer("alice").publicKey()));
        assertFalse(tx.verifySignature(sc.suite(), sc.signer("bob").publicKey()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void hashExcludesTheSignature(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Transaction tx = signed(sc);
        byte[] other = tx.signature();
        other[other.length - 1] ^= 1;
        Transaction malleated = tx.withSignature(other);
        assertEquals(tx.hash(suite), malleated.hash(suite));
        assertEquals(tx.hash(suite), tx.withSignature(new byte[0]).hash(suite));
        assertArrayEquals(tx.signingBytes(), malleated.signingBytes());
        assertFalse(malleated.verifySignature(suite, sc.signer("alice").publicKey()));
        // the hash is the suite hash of the signing bytes
        assertEquals(suite.hash(tx.signingBytes()), tx.hash(suite));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void signatureFailsForAnyChangedSignedField(SuiteCase sc) {
        CryptoSuite suite = sc.suite();
        Transaction tx = signed(sc);
        byte[] key = sc.signer("alice").publicKey();
        byte[] sig = tx.signature();
        byte[] otherPayload = PAYLOAD.clone();
        otherPayload[0] ^= 1;
        List<Transaction> changed = List.of(
                new Transaction(TxType.ANCHOR_BATCH, tx.sender(), 7, 100, otherPayload, sig),
                new Transaction(TxType.ANCHOR_BATCH, tx.sender(), 8, 100, PAYLOAD, sig),
                new Transaction(TxType.ANCHOR_BATCH, tx.sender(), 7, 101, PAYLOAD, sig),
                new Transaction(TxType.REGISTER_VALUATION, tx.sender(), 7, 100, PAYLOAD, sig),
                new Transaction(TxType.ANCHOR_BATCH, sc.nodeId("bob"), 7, 100, PAYLOAD, sig),
                new Transaction(TxType.ANCHOR_BATCH, tx.sender(), 7, 100, Arrays.copyOf(PAYLOAD, PAYLOAD.length + 1), sig));
        assertTrue(new Transaction(TxType.ANCHOR_BATCH, tx.sender(), 7, 100, PAYLOAD, sig).verifySignature(suite, key));
        Set<Hash> hashes = new HashSet<>();
        hashes.add(tx.hash(suite));
        for (Transaction c : changed) {
            assertFalse(c.verifySignature(suite, key), c.toString());
            assertTrue(hashes.add(c.hash(suite)), "every signed field is part of the hash: " + c);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void encodeDecodeRoundTripKeepsEveryFieldAndTheSignature(SuiteCase sc) {
        Transaction tx = signed(sc);
        Transaction back = roundTrip(tx);
        assertEquals(tx.type(), back.type());
        assertEquals(tx.sender(), back.sender());
        assertEquals(tx.nonce(), back.nonce());
        assertEquals(tx.expiryHeight(), back.expiryHeight());
        assertArrayEquals(tx.payload(), back.payload());
        assertArrayEquals(tx.signature(), back.signature());
        assertEquals(tx.hash(sc.suite()), back.hash(sc.suite()));
        assertTrue(back.verifySignature(sc.suite(), sc.signer("alice").publicKey()));
    }

    @Test
    void everyTypeAndExtremeNumbersRoundTrip() {
        SuiteCase sc = SuiteCase.sim();
        for (TxType type : TxType.values()) {
            Transaction tx = Transaction.sign(sc.suite(), sc.signer("x"), type, -1L, Long.MAX_VALUE, new byte[0]);
            Transaction back = roundTrip(tx);
            assertEquals(type, back.type());
            assertEquals(-1L, back.nonce());
            assertEquals(Long.MAX_VALUE, back.expiryHeight());
            assertEquals(tx.hash(sc.suite()), back.hash(sc.suite()));
        }
    }

    @Test
    void encodedSizeIsTheLengthOfTheEncoding() {
        SuiteCase sc = SuiteCase.sim();
        Transaction tx = signed(sc);
        CanonicalWriter w = new CanonicalWriter();
        tx.write(w);
        assertEquals(w.size(), tx.encodedSize());
    }

    @Test
    void typeWireCodesAreStable() {
        assertEquals(1, TxType.GOVERNANCE_PROPOSE.code());
        assertEquals(2, TxType.GOVERNANCE_APPROVE.code());
        assertEquals(3, TxType.REVOKE_OWN_NODE.code());
        assertEquals(4, TxType.ANCHOR_BATCH.code());
        assertEquals(5, TxType.REGISTER_VALUATION.code());
        assertEquals(6, TxType.ANCHOR_RECORDS.code());
        assertEquals(7, TxType.REGISTER_SIGNER.code());
        assertEquals(8, TxType.REVOKE_SIGNER.code());
        assertEquals(9, TxType.REGISTER_VALUATIONS.code());
        assertEquals(10, TxType.GOVERNANCE_WITHDRAW.code());
        for (TxType t : TxType.values()) {
            assertEquals(t, TxType.fromCode(t.code()));
        }
        assertThrows(DecodeException.class, () -> TxType.fromCode(0));
        assertThrows(DecodeException.class, () -> TxType.fromCode(11));
    }

    private static byte[] encode(Transaction tx) {
        CanonicalWriter w = new CanonicalWriter();
        tx.write(w);
        return w.toByteArray();
    }

    @Test
    void decodeRejectsUnknownVersionTypeAndMalformedSender() {
        SuiteCase sc = SuiteCase.sim();
        byte[] good = encode(signed(sc));
        byte[] badVersion = good.clone();
        badVersion[0] = 2;
        assertThrows(DecodeException.class, () -> Transaction.read(new CanonicalReader(badVersion)));
        byte[] badType = good.clone();
        badType[1] = 99;
        assertThrows(DecodeException.class, () -> Transaction.read(new CanonicalReader(badType)));
        byte[] badSender = good.clone();
        badSender[2 + 4] = 'G'; // first character of the sender id: not lowercase hex
        assertThrows(DecodeException.class, () -> Transaction.read(new CanonicalReader(badSender)));
    }

    @Test
    void decodeRejectsEveryTruncation() {
        byte[] good = encode(signed(SuiteCase.sim()));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] prefix = Arrays.copyOf(good, cut);
            assertThrows(DecodeException.class, () -> Transaction.read(new CanonicalReader(prefix)), "cut at " + cut);
        }
    }

    @Test
    void decodeRejectsNegativeExpiry() {
        SuiteCase sc = SuiteCase.sim();
        Transaction tx = new Transaction(TxType.ANCHOR_BATCH, sc.nodeId("x"), 0, -5, new byte[0], new byte[0]);
        assertThrows(DecodeException.class, () -> Transaction.read(new CanonicalReader(encode(tx))));
    }

    @Test
    void decodeRejectsOversizedPayload() {
        SuiteCase sc = SuiteCase.sim();
        Transaction tx = new Transaction(TxType.ANCHOR_BATCH, sc.nodeId("x"), 0, 5,
                new byte[org.batteryledger.core.codec.Limits.MAX_TX_PAYLOAD_BYTES + 1], new byte[0]);
        assertThrows(DecodeException.class, () -> Transaction.read(new CanonicalReader(encode(tx))));
    }

    @Test
    void payloadAndSignatureAreDefensivelyCopied() {
        SuiteCase sc = SuiteCase.sim();
        Signer s = sc.signer("alice");
        byte[] payload = PAYLOAD.clone();
        Transaction tx = Transaction.sign(sc.suite(), s, TxType.ANCHOR_BATCH, 1, 2, payload);
        Hash before = tx.hash(sc.suite());
        payload[0] ^= 1;
        tx.payload()[0] ^= 1;
        tx.signature()[0] ^= 1;
        assertArrayEquals(PAYLOAD, tx.payload());
        assertTrue(tx.verifySignature(sc.suite(), s.publicKey()));
        assertEquals(before, tx.hash(sc.suite()));
        assertNotEquals(before, Transaction.sign(sc.suite(), s, TxType.ANCHOR_BATCH, 1, 2, payload).hash(sc.suite()));
    }
}
