package org.batteryledger.node.runtime;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.ValidatorSet;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sync response's seals verified on a second thread, from the last block down: what it verified the replica is told,
 * exactly and only that; the walk stops where the replica got first; its memory is bounded and forgotten at the next
 * response.
 */
class SyncSealCheckerTest {
    private static final EcSuite SUITE = Suites.ecdsa();
    private static final Hash CHAIN = SUITE.hash("sync-seal-checker".getBytes(StandardCharsets.UTF_8));
    private static final List<LocalSigner> VALIDATORS = new ArrayList<>();
    private static final LocalSigner OUTSIDER = KeyPairs.generate(SUITE, KeyPairs.seededRandom("outsider")).signer();
    private static final ValidatorSet SET;

    static {
        List<NodeRecord> members = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LocalSigner v = KeyPairs.generate(SUITE, KeyPairs.seededRandom("validator-" + i)).signer();
            VALIDATORS.add(v);
            members.add(new NodeRecord(v.nodeId(), "node" + i, "a", v.publicKey(), "ca", i, 0, Role.CONSENSUS));
        }
        SET = new ValidatorSet(members);
    }

    /** Counts the signatures it verifies. */
    private static final class Counting implements CryptoSuite {
        final AtomicInteger verified = new AtomicInteger();

        @Override
        public String id() {
            return SUITE.id();
        }

        @Override
        public Hash hash(byte[] data) {
            return SUITE.hash(data);
        }

        @Override
        public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
            verified.incrementAndGet();
            return SUITE.verify(publicKey, message, signature);
        }
    }

    /** Blocks 1..n, each sealed by validators 0..2 (the checker looks at the certificates only). */
    private static List<CommittedBlock> blocks(int n) {
        List<CommittedBlock> out = new ArrayList<>();
        Hash parent = SUITE.hash(new byte[]{0});
        for (int h = 1; h <= n; h++) {
            Hash root = SUITE.hash(new byte[]{(byte) h});
            Block b = new Block(new BlockHeader(h, parent, root, root, VALIDATORS.get(0).nodeId(), 0, 1_790_000_000_000L + h), List.of());
            Hash hash = b.hash(SUITE);
            List<CommitSeal> seals = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seals.add(seal(VALIDATORS.get(i), h, hash));
            }
            out.add(new CommittedBlock(b, new CommitCertificate(h, 0, hash, seals)));
            parent = hash;
        }
        return out;
    }

    private static CommitSeal seal(LocalSigner signer, long height, Hash block) {
        return new CommitSeal(signer.nodeId(), signer.sign(CommitCertificate.commitSigningBytes(CHAIN, height, 0, block)));
    }

    private static boolean asked(SyncSealChecker checker, CommittedBlock b, CommitSeal s) {
        CommitCertificate c = b.certificate();
        return checker.checked(SET.publicKey(s.nodeId()), CommitCertificate.commitSigningBytes(CHAIN, c.height(), c.view(), c.blockHash()), s.signature());
    }

    @Test
    void everySealVerifiedIsToldAsCheckedAndNothingElse() {
        Counting suite = new Counting();
        SyncSealChecker checker = new SyncSealChecker(suite, CHAIN, Thread::new);
        checker.validators(SET);
        List<CommittedBlock> blocks = blocks(5);
        checker.check(new PbftMessage.SyncResponse(blocks));
        assertEquals(15, suite.verified.get());
        for (CommittedBlock b : blocks) {
            for (CommitSeal s : b.certificate().seals()) {
                assertTrue(asked(checker, b, s), "block " + b.block().height());
            }
        }
        CommittedBlock b = blocks.get(2);
        CommitSeal s = b.certificate().seals().get(1);
        byte[] flipped = s.signature().clone();
        flipped[flipped.length / 2] ^= 1;
        assertFalse(asked(checker, b, new CommitSeal(s.nodeId(), flipped)), "another signature");
        CommitCertificate c = b.certificate();
        assertFalse(checker.checked(SET.publicKey(s.nodeId()), CommitCertificate.commitSigningBytes(CHAIN, c.height() + 1, c.view(), c.blockHash()),
                s.signature()), "the same signature over another message");
        assertFalse(checker.checked(VALIDATORS.get(3).publicKey(), CommitCertificate.commitSigningBytes(CHAIN, c.height(), c.view(), c.blockHash()),
                s.signature()), "the same signature under another key");
    }

    @Test
    void aForgedSealOrAnOutsidersIsNeverToldAsCheckedAndAForgedOneEndsTheWalk() {
        Counting suite = new Counting();
        SyncSealChecker checker = new SyncSealChecker(suite, CHAIN, Thread::new);
        checker.validators(SET);
        List<CommittedBlock> blocks = new ArrayList<>(blocks(3));
        CommittedBlock middle = blocks.get(1);
        CommitCertificate c = middle.certificate();
        byte[] forged = c.seals().get(0).signature().clone();
        forged[10] ^= 1;
        CommitSeal bad = new CommitSeal(c.seals().get(0).nodeId(), forged);
        CommitSeal outsider = seal(OUTSIDER, c.height(), c.blockHash());
        blocks.set(1, new CommittedBlock(middle.block(), new CommitCertificate(c.height(), 0, c.blockHash(),
                List.of(c.seals().get(1), outsider, bad))));
        checker.check(new PbftMessage.SyncResponse(blocks));
        assertEquals(5, suite.verified.get(), "block 3's three, then block 2's valid seal and the forged one; the outsider's left to the replica");
        assertFalse(asked(checker, blocks.get(1), bad));
        assertFalse(checker.checked(OUTSIDER.publicKey(), CommitCertificate.commitSigningBytes(CHAIN, c.height(), 0, c.blockHash()), outsider.signature()));
        assertTrue(asked(checker, blocks.get(1), c.seals().get(1)), "the valid seal before the forged one");
        for (CommitSeal s : blocks.get(0).certificate().seals()) {
            assertFalse(asked(checker, blocks.get(0), s), "below a forged seal the replica stops too: the walk ends there");
        }
    }

    @Test
    void theWalkDownStopsAtTheFirstSealTheReplicaReached() {
        Counting suite = new Counting();
        SyncSealChecker checker = new SyncSealChecker(suite, CHAIN, Thread::new);
        checker.validators(SET);
        List<CommittedBlock> blocks = blocks(6);
        for (CommittedBlock b : blocks.subList(0, 3)) { // the replica verified blocks 1..3 itself first
            for (CommitSeal s : b.certificate().seals()) {
                assertFalse(asked(checker, b, s));
            }
        }
        checker.check(new PbftMessage.SyncResponse(blocks));
        assertEquals(9, suite.verified.get(), "blocks 6, 5 and 4 only");
        for (CommittedBlock b : blocks.subList(3, 6)) {
            for (CommitSeal s : b.certificate().seals()) {
                assertTrue(asked(checker, b, s));
            }
        }
    }

    @Test
    void itRemembersAtMostItsBoundAndForgetsAtTheNextResponse() throws InterruptedException {
        Counting suite = new Counting();
        SyncSealChecker checker = new SyncSealChecker(suite, CHAIN, Thread::new, 7);
        checker.validators(SET);
        List<CommittedBlock> blocks = blocks(4);
        checker.check(new PbftMessage.SyncResponse(blocks));
        assertEquals(7, checker.remembered());
        assertEquals(7, suite.verified.get());
        CommittedBlock first = blocks.get(0);
        assertFalse(asked(checker, first, first.certificate().seals().get(0)), "below the bound: the replica verifies it");
        assertEquals(7, checker.remembered(), "and a question beyond the bound is not remembered");

        // A response offered as peers send it: what was remembered is forgotten before the replica sees the frame, and
        // the new one's seals are verified on the checker's own thread.
        SyncSealChecker async = new SyncSealChecker(SUITE, CHAIN, Thread::new);
        async.validators(SET);
        async.check(new PbftMessage.SyncResponse(blocks));
        assertEquals(12, async.remembered());
        List<CommittedBlock> next = blocks(2);
        byte[] request = MessageCodec.encode(new PbftMessage.SyncRequest(1, 256));
        async.offer(VALIDATORS.get(1).nodeId(), MessageCodec.encode(new PbftMessage.SyncResponse(next)));
        assertEquals(12, async.remembered(), "a response nobody asked for is not checked, and changes nothing");
        async.sending(VALIDATORS.get(1).nodeId(), request);
        async.offer(VALIDATORS.get(2).nodeId(), MessageCodec.encode(new PbftMessage.SyncResponse(next)));
        assertEquals(12, async.remembered(), "nor one from another peer than the one asked");
        async.offer(VALIDATORS.get(1).nodeId(), MessageCodec.encode(new PbftMessage.SyncResponse(next)));
        assertTrue(async.drain(60_000));
        assertEquals(6, async.remembered());
        assertTrue(asked(async, next.get(0), next.get(0).certificate().seals().get(0)));
        async.offer(VALIDATORS.get(1).nodeId(), MessageCodec.encode(new PbftMessage.SyncResponse(blocks)));
        assertEquals(6, async.remembered(), "one request, one response checked: a second one is not");
    }
}
