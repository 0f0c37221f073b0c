package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.snapshot.CheckpointCertificate;
import org.batteryledger.core.snapshot.StateSnapshot;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wire form of every message and of the vote log. Signatures are over {@code signingBytes}, not the wire bytes,
 * so the codec must be exact: decode(encode(m)) re-encodes to the same bytes, and anything else is a
 * {@link DecodeException} (the replica's only way to tell garbage from a message, Castro & Liskov, OSDI 1999, §2).
 */
class MessageCodecTest {

    /** One message of every type (wire codes 1..15), with nested structure filled in. */
    static List<PbftMessage> everyType(Fixture fx) {
        Block b = fx.chain().block(1, 0, fx.tx(3, 0), fx.tx(2, 1));
        PrePrepare pp = fx.prePrepare(1, 1, 0, b);
        PreparedCertificate pc = fx.prepared(pp, 2, 3);
        List<ViewChange> vcs = List.of(fx.viewChange(1, 1, 1, null), fx.viewChange(2, 1, 1, pc), fx.viewChange(3, 1, 1, null));
        Fixture.Chain chain = fx.chain();
        CommittedBlock c1 = chain.commit(chain.block(1, 0, fx.tx(3, 9)), 0, 1, 2, 3);
        CommittedBlock c2 = chain.commit(chain.block(2, 0, fx.tx(3, 10)), 0, 0, 2, 3);
        StateSnapshot snapshot = StateSnapshot.of(fx.suite, 2, chain.headHash, chain.state);
        PbftMessage.Checkpoint unsigned = new PbftMessage.Checkpoint(2, chain.headHash, snapshot.digest(), fx.id(1), new byte[0]);
        PbftMessage.Checkpoint checkpoint = new PbftMessage.Checkpoint(2, chain.headHash, snapshot.digest(), fx.id(1),
                fx.signers.get(1).sign(unsigned.signingBytes(fx.chainId)));
        CheckpointCertificate certificate = new CheckpointCertificate(2, chain.headHash, snapshot.digest(),
                List.of(new CommitSeal(fx.id(1), checkpoint.signature())));
        return List.of(
                pp,
                fx.prepare(2, 1, 0, b.hash(fx.suite)),
                fx.commit(3, 7, 2, b.hash(fx.suite)),
                fx.viewChange(0, 1, 1, null),
                fx.viewChange(2, 1, 1, pc),
                fx.newView(2, 1, 1, vcs, fx.prePrepare(2, 1, 1, b)),
                new PbftMessage.TxBatch(List.of(fx.tx(1, 3), fx.tx(2, 4))),
                new PbftMessage.TxBatch(List.of()),
                new PbftMessage.SyncRequest(42, 64),
                new PbftMessage.SyncResponse(List.of(c1, c2)),
                new PbftMessage.Status(Long.MAX_VALUE, fx.genesisBlock.hash(fx.suite)),
                checkpoint,
                new PbftMessage.SnapshotRequest(7),
                new PbftMessage.SnapshotOffer(certificate, c2, snapshot.manifest()),
                new PbftMessage.NoSnapshot(3),
                new PbftMessage.ChunkRequest(2, 0),
                new PbftMessage.ChunkResponse(snapshot.chunk(0)));
    }

    @Test
    void everyMessageTypeRoundTripsToTheSameBytes() {
        Fixture fx = new Fixture(4);
        Set<Integer> codes = new HashSet<>();
        for (PbftMessage m : everyType(fx)) {
            byte[] bytes = MessageCodec.encode(m);
            assertEquals(MessageCodec.VERSION, bytes[0]);
            assertEquals(m.wireCode(), bytes[1]);
            PbftMessage back = MessageCodec.decode(bytes);
            assertEquals(m.getClass(), back.getClass());
            assertArrayEquals(bytes, MessageCodec.encode(back), "re-encoding " + m.getClass().getSimpleName());
            if (m instanceof PbftMessage.Signed s) {
                // What was signed survives the trip: the decoded message verifies with the sender's key.
                PbftMessage.Signed d = (PbftMessage.Signed) back;
                assertArrayEquals(s.signingBytes(fx.suite, fx.chainId), d.signingBytes(fx.suite, fx.chainId));
                assertTrue(fx.suite.verify(fx.signers.get(fx.ids.indexOf(d.sender())).publicKey(), d.signingBytes(fx.suite, fx.chainId), d.signature()));
            }
            codes.add(m.wireCode());
        }
        assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), codes, "a message type is missing from the corpus");
    }

    @Test
    void unknownVersionsAndCodesAreDecodeErrors() {
        Fixture fx = new Fixture(4);
        byte[] ok = MessageCodec.encode(new PbftMessage.Status(1, fx.genesisBlock.hash(fx.suite)));
        for (int version : new int[]{0, 2, 255}) {
            byte[] b = ok.clone();
            b[0] = (byte) version;
            assertThrows(DecodeException.class, () -> MessageCodec.decode(b), "version " + version);
        }
        for (int code : new int[]{0, 16, 17, 127, 255}) {
            byte[] b = ok.clone();
            b[1] = (byte) code;
            assertThrows(DecodeException.class, () -> MessageCodec.decode(b), "code " + code);
        }
        assertThrows(DecodeException.class, () -> MessageCodec.decode(new byte[0]));
        assertThrows(DecodeException.class, () -> MessageCodec.decode(new byte[]{1}));
    }

    @Test
    void trailingBytesAndEveryTruncationAreDecodeErrors() {
        Fixture fx = new Fixture(4);
        for (PbftMessage m : everyType(fx)) {
            byte[] bytes = MessageCodec.encode(m);
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThrows(DecodeException.class, () -> MessageCodec.decode(longer), m.getClass().getSimpleName() + " + 1 byte");
            for (int len = 0; len < bytes.length; len++) {
                byte[] cut = Arrays.copyOf(bytes, len);
                int l = len;
                assertThrows(DecodeException.class, () -> MessageCodec.decode(cut), m.getClass().getSimpleName() + " cut to " + l);
            }
        }
    }

    @Test
    void negativeViewsAndHeightsAreDecodeErrors() {
        Fixture fx = new Fixture(4);
        byte[] prepare = MessageCodec.encode(fx.prepare(2, 1, 0, fx.genesisBlock.hash(fx.suite)));
        byte[] negHeight = prepare.clone();
        negHeight[2] = (byte) 0x80;                  // height: u64 at offset 2
        assertThrows(DecodeException.class, () -> MessageCodec.decode(negHeight));
        byte[] negView = prepare.clone();
        negView[10] = (byte) 0x80;                   // view: u32 at offset 10
        assertThrows(DecodeException.class, () -> MessageCodec.decode(negView));
    }

    // §4.2/§4.4: what the vote log keeps (signed messages and prepared certificates) must come back identical.
    @Test
    void voteLogEntriesRoundTrip() {
        Fixture fx = new Fixture(4);
        int entries = 0;
        for (PbftMessage m : everyType(fx)) {
            if (m instanceof PbftMessage.Signed s) {
                VoteLogEntry e = new VoteLogEntry.Signed(s);
                byte[] bytes = e.encode();
                VoteLogEntry back = VoteLogEntry.decode(bytes);
                VoteLogEntry.Signed sb = assertInstanceOf(VoteLogEntry.Signed.class, back);
                assertArrayEquals(MessageCodec.encode(s), MessageCodec.encode(sb.message()));
                assertArrayEquals(bytes, back.encode());
                assertEquals(s.height(), back.height());
                entries++;
            }
        }
        assertEquals(6, entries);
        Block b = fx.chain().block(1, 0, fx.tx(3, 0));
        PreparedCertificate pc = fx.prepared(fx.prePrepare(1, 1, 0, b), 2, 3);
        VoteLogEntry e = new VoteLogEntry.Prepared(pc);
        VoteLogEntry back = VoteLogEntry.decode(e.encode());
        VoteLogEntry.Prepared pb = assertInstanceOf(VoteLogEntry.Prepared.class, back);
        assertEquals(pc.blockHash(fx.suite), pb.certificate().blockHash(fx.suite));
        assertEquals(2, pb.certificate().prepares().size());
        assertArrayEquals(e.encode(), back.encode());
        assertEquals(1, back.height());
    }

    @Test
    void malformedVoteLogEntriesAreDecodeErrors() {
        Fixture fx = new Fixture(4);
        VoteLogEntry e = new VoteLogEntry.Signed(fx.prepare(2, 1, 0, fx.genesisBlock.hash(fx.suite)));
        byte[] bytes = e.encode();
        byte[] badKind = bytes.clone();
        badKind[0] = 3;
        assertThrows(DecodeException.class, () -> VoteLogEntry.decode(badKind));
        assertThrows(DecodeException.class, () -> VoteLogEntry.decode(new byte[0]));
        for (int len = 1; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(DecodeException.class, () -> VoteLogEntry.decode(cut));
        }
        // An unsigned message (a Status) is not a vote.
        byte[] status = MessageCodec.encode(new PbftMessage.Status(1, fx.genesisBlock.hash(fx.suite)));
        byte[] asEntry = new byte[status.length + 1];
        asEntry[0] = 1;
        System.arraycopy(status, 0, asEntry, 1, status.length);
        assertThrows(DecodeException.class, () -> VoteLogEntry.decode(asEntry));
    }

    // Frames are routed by their wire code before they are decoded (sync requests to the sync server, snapshot data to
    // the joiner, sync responses to the seal checker): the code read from the bytes is the message's own.
    @Test
    void aFramesWireCodeIsReadWithoutDecodingItAndMinusOneForAnotherVersionOrTooShort() {
        for (PbftMessage m : List.<PbftMessage>of(new PbftMessage.SyncRequest(7, 256), new PbftMessage.NoSnapshot(3),
                new PbftMessage.SyncResponse(List.of()))) {
            assertEquals(m.wireCode(), MessageCodec.wireCode(MessageCodec.encode(m)));
        }
        byte[] other = MessageCodec.encode(new PbftMessage.SyncRequest(7, 256));
        other[0] = (byte) (MessageCodec.VERSION + 1);
        assertEquals(-1, MessageCodec.wireCode(other));
        assertEquals(-1, MessageCodec.wireCode(new byte[]{(byte) MessageCodec.VERSION}));
        assertEquals(-1, MessageCodec.wireCode(new byte[0]));
    }
}
