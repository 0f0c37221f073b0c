package org.batteryledger.node.drill;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.node.net.PeerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What a faulty member sends, made with this node's own key so it gets as far into the honest nodes as such a member's
 * frames would: junk-signed transactions and votes (flood), frames at and over the size limit (oversized), validly
 * signed votes for heights and views no honest node is at (future), two blocks or two votes for one slot (equivocate),
 * and silence (mute). Drill code: it never runs unless an operator sets {@code byzantine.mode}.
 */
final class Misbehaviour {
    private final PeerNetwork network;
    private final Signer signer;
    private final CryptoSuite suite;
    private final Hash chainId;
    private final LongSupplier committedHeight;
    private final NodeId self;
    private final SplittableRandom random = new SplittableRandom(); // a drill, not a test: nothing to replay
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private byte[] oversizedFrame;
    private long oversizedCount;

    Misbehaviour(PeerNetwork network, Signer signer, CryptoSuite suite, Hash chainId, LongSupplier committedHeight, NodeId self) {
        this.network = network;
        this.signer = signer;
        this.suite = suite;
        this.chainId = chainId;
        this.committedHeight = committedHeight;
        this.self = self;
    }

    long framesSent() {
        return frames.get();
    }

    long bytesSent() {
        return bytes.get();
    }

    private boolean send(NodeId to, byte[] frame) {
        if (!network.writable(to)) {
            return false;
        }
        network.send(to, frame);
        frames.incrementAndGet();
        bytes.addAndGet(frame.length);
        return true;
    }

    /** A batch of 500 junk-signed transactions and 50 junk-signed votes to every peer that reads. */
    boolean flood() {
        long h = committedHeight.getAsLong() + 1;
        List<Transaction> txs = new ArrayList<>(500);
        for (int i = 0; i < 500; i++) {
            txs.add(new Transaction(TxType.ANCHOR_BATCH, self, random.nextLong() & Long.MAX_VALUE, h + 50, junk(32), junk(72)));
        }
        byte[] batch = MessageCodec.encode(new PbftMessage.TxBatch(txs));
        boolean sent = false;
        for (NodeId peer : network.linkedPeers()) {
            sent |= send(peer, batch);
            for (int i = 0; i < 50; i++) {
                send(peer, MessageCodec.encode(new PbftMessage.Prepare(h, 0, Hash.of(junk(32)), self, junk(72))));
            }
        }
        return sent;
    }

    /** Frames just under the frame limit (junk after a valid header), and every eighth one over it. */
    boolean oversized() {
        if (oversizedFrame == null) {
            oversizedFrame = junk(Params.MAX_FRAME_BYTES - 64);
            oversizedFrame[0] = MessageCodec.VERSION;
            oversizedFrame[1] = 6; // a TxBatch, so the receiver starts to decode it
        }
        boolean sent = false;
        for (NodeId peer : network.linkedPeers()) {
            byte[] frame = oversizedCount++ % 8 == 7 ? new byte[Params.MAX_FRAME_BYTES + 1024] : oversizedFrame;
            sent |= send(peer, frame);
        }
        return sent;
    }

    /** Validly signed votes for a height a million ahead, for a view no chain reaches, and many views of the next heights. */
    boolean future() {
        long h = committedHeight.getAsLong() + 1;
        boolean sent = false;
        for (NodeId peer : network.linkedPeers()) {
            sent |= send(peer, MessageCodec.encode(prepare(h + 1_000_000, 0, Hash.of(junk(32)))));
            send(peer, MessageCodec.encode(prepare(h, Integer.MAX_VALUE - random.nextInt(1_000), Hash.of(junk(32)))));
            send(peer, MessageCodec.encode(prepare(h + 1 + random.nextInt(4), random.nextInt(32), Hash.of(junk(32)))));
        }
        return sent;
    }

    /**
     * To every other recipient, a second block (the same transactions, a later timestamp) when this node proposes, and a
     * vote for a made-up block when it votes. True when it sent the replacement instead of {@code m}.
     */
    boolean equivocate(NodeId to, PbftMessage m, int index) {
        if (index % 2 == 0) {
            return false;
        }
        PbftMessage other = null;
        if (m instanceof PbftMessage.PrePrepare pp && pp.sender().equals(self)) {
            BlockHeader h = pp.block().header();
            Block b = new Block(h.withTimestamp(h.timestamp() + 1),
                    pp.block().transactions());
            PbftMessage.PrePrepare u = new PbftMessage.PrePrepare(pp.height(), pp.view(), b, self, new byte[0]);
            other = new PbftMessage.PrePrepare(pp.height(), pp.view(), b, self, signer.sign(u.signingBytes(suite, chainId)));
        } else if (m instanceof PbftMessage.Prepare p && p.sender().equals(self)) {
            other = prepare(p.height(), p.view(), Hash.of(junk(32)));
        } else if (m instanceof PbftMessage.Commit c && c.sender().equals(self)) {
            PbftMessage.Commit u = new PbftMessage.Commit(c.height(), c.view(), Hash.of(junk(32)), self, new byte[0]);
            other = new PbftMessage.Commit(u.height(), u.view(), u.blockHash(), self, signer.sign(u.signingBytes(suite, chainId)));
        }
        return other != null && send(to, MessageCodec.encode(other));
    }

    /** Mute: nothing of the replica's goes out (the links stay up: pings, telemetry). False: the message is withheld. */
    boolean withhold(PbftMessage m) {
        frames.incrementAndGet();
        return false;
    }

    private PbftMessage.Prepare prepare(long height, int view, Hash block) {
        PbftMessage.Prepare u = new PbftMessage.Prepare(height, view, block, self, new byte[0]);
        return new PbftMessage.Prepare(height, view, block, self, signer.sign(u.signingBytes(suite, chainId)));
    }

    private byte[] junk(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
