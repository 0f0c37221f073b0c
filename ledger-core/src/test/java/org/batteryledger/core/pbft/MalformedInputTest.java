package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.batteryledger.core.pbft.Fixture.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Byzantine senders may send anything (Castro & Liskov, OSDI 1999, §2: "faulty nodes may behave arbitrarily"): no
 * byte string arriving through {@link Replica#receive} may throw or disturb an honest replica; it is counted and
 * dropped. Seeded, so any failure reproduces.
 */
class MalformedInputTest {
    private static final long SEED = 0x5eed_f00dL;

    /** One valid encoded message of every type, signed by real validators. */
    static List<byte[]> corpus(Fixture fx) {
        Fixture.Chain chain = fx.chain();
        Block b = chain.block(1, 0, fx.tx(3, 0), fx.tx(2, 1));
        PrePrepare pp = fx.prePrepare(1, 1, 0, b);
        PreparedCertificate pc = fx.prepared(pp, 2, 3);
        Block fresh = fx.chain().block(2, 1, fx.tx(3, 5));
        List<ViewChange> vcs = List.of(fx.viewChange(1, 1, 1, null), fx.viewChange(2, 1, 1, null), fx.viewChange(3, 1, 1, null));
        Fixture.Chain other = fx.chain();
        CommittedBlock cb = other.commit(other.block(1, 0, fx.tx(3, 9)), 0, 1, 2, 3);
        List<PbftMessage> ms = List.of(
                pp,
                fx.prepare(2, 1, 0, b.hash(fx.suite)),
                fx.commit(3, 1, 0, b.hash(fx.suite)),
                fx.viewChange(2, 1, 1, pc),
                fx.newView(2, 1, 1, vcs, fx.prePrepare(2, 1, 1, fresh)),
                new PbftMessage.TxBatch(List.of(fx.tx(1, 3), fx.tx(2, 4))),
                new PbftMessage.SyncRequest(1, 64),
                new PbftMessage.SyncResponse(List.of(cb)),
                new PbftMessage.Status(0, fx.genesisBlock.hash(fx.suite)));
        List<byte[]> out = new ArrayList<>();
        for (PbftMessage m : ms) {
            out.add(MessageCodec.encode(m));
        }
        return out;
    }

    private static void deliver(Fixture.Probe p, int from, byte[] bytes, String what) {
        try {
            p.receive(from, bytes);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(what + " made receive() throw", e);
        }
    }

    // §2 fault model: arbitrary bytes, truncations and bit flips of valid messages never throw; the replica keeps
    // working afterwards (it still prepares and commits the next valid block).
    @Test
    void garbageBytesAreCountedAsMalformedNeverThrownAndTheReplicaStillWorks() {
        Fixture fx = new Fixture(4);
        Fixture.Probe p = fx.probe(0);
        Random rnd = new Random(SEED);
        List<byte[]> corpus = corpus(fx);

        // The garbage comes over a link outside the registry: a member's link would be quarantined after 64 provable
        // faults (ByzantineInputTest), and the rest would never reach the decoder this test is about.
        int garbler = fx.outsider();
        for (int i = 0; i < 3_000; i++) {
            byte[] b = new byte[rnd.nextInt(200)];
            rnd.nextBytes(b);
            if (b.length >= 2 && rnd.nextBoolean()) {
                b[0] = (byte) MessageCodec.VERSION;      // get past the version byte
                b[1] = (byte) (1 + rnd.nextInt(9));       // and the message code, into the bodies
            }
            deliver(p, garbler, b, "random bytes #" + i);
        }
        for (byte[] m : corpus) {
            for (int len = 0; len < m.length; len++) {
                deliver(p, garbler, java.util.Arrays.copyOf(m, len), "truncation to " + len);
            }
        }
        for (int i = 0; i < 4_000; i++) {
            byte[] m = corpus.get(rnd.nextInt(corpus.size())).clone();
            int flips = 1 + rnd.nextInt(3);
            for (int k = 0; k < flips; k++) {
                m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            if (corpus.stream().anyMatch(c -> java.util.Arrays.equals(c, m))) {
                continue; // the flips cancelled out: that is a valid message, not garbage
            }
            deliver(p, garbler, m, "bit flips #" + i);
        }

        long malformed = p.replica.metrics().dropped().getOrDefault(Rejection.MALFORMED, 0L);
        assertTrue(malformed > 3_000, "only " + malformed + " counted as malformed: " + p.replica.metrics().dropped());
        // Signatures cannot be forged by flipping bits: whatever it voted for has the hash of the corpus block.
        // (The corpus block is of version 2, whose hash covers the signatures; in a version 1 block a flip inside a signature
        // keeps the hash: see PrePrepareValidationTest, a regression test for the signature cache, and BlockSyncTest.)
        Block b = fx.chain().block(1, 0, fx.tx(3, 0), fx.tx(2, 1));
        for (Prepare pr : p.allSent(Prepare.class)) {
            assertEquals(b.hash(fx.suite), pr.blockHash(), "garbage made the replica vote for another block");
        }
        assertEquals(0, p.replica.view(), "garbage moved the replica to another view");
        assertEquals(0, p.replica.committedHeight(), "garbage committed a block");

        p.step(1, fx.prePrepare(1, 1, 0, b));
        assertEquals(1, p.allSent(Prepare.class).stream().map(Prepare::blockHash).distinct().count());
        NormalCaseTest.commitThroughMessages(fx, p, b, 0);
    }

    // Every decode failure is a DecodeException, never another exception type (so receive() can catch exactly it).
    @Test
    void decodingArbitraryBytesEitherSucceedsOrThrowsDecodeException() {
        Fixture fx = new Fixture(4);
        Random rnd = new Random(SEED + 1);
        List<byte[]> corpus = corpus(fx);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] m = corpus.get(rnd.nextInt(corpus.size())).clone();
            switch (rnd.nextInt(3)) {
                case 0 -> m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length + 8));
                default -> {
                    int at = rnd.nextInt(m.length);
                    m[at] = (byte) rnd.nextInt(256);
                }
            }
            try {
                MessageCodec.decode(m);
                decoded++;
            } catch (org.batteryledger.core.codec.DecodeException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("decode threw " + e + " instead of DecodeException on case " + i, e);
            }
        }
        assertTrue(decoded > 0, "no mutation decoded at all: the corpus is probably broken");
    }
}
