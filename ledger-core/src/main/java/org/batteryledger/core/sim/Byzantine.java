package org.batteryledger.core.sim;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.Ready;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A Byzantine replica: it runs an honest replica to know the chain, then lies on the wire. It holds only its own
 * signer, so what it signs is valid but contradictory; what it claims of others fails verification.
 */
public final class Byzantine {
    public enum Behaviour {
        /** As primary, sends one block to half the replicas and a different valid block to the other half. */
        EQUIVOCATE,
        /** Votes (prepare, commit) for a block to some peers and for a made-up block to others. */
        CONFLICTING_VOTES,
        /** Damages signatures or claims another node's identity. */
        FORGE_SIGNATURES,
        /** Sends votes with empty signatures. */
        STRIP_SIGNATURES,
        /** Sends again messages it received long ago. */
        REPLAY,
        /** As primary, proposes a block with a wrong state root, properly signed. */
        INVALID_BLOCK,
        /** Sends random bytes and truncated messages. */
        GARBAGE,
        /** Sends nothing at all. */
        SILENT,
        /** Junk-signed transactions and votes at a high rate, every tick (the `flood` drill). */
        FLOOD,
        /** Messages of the largest size: big junk transaction batches and garbage (the `oversized` drill). */
        OVERSIZED,
        /** Signed votes for far-future heights and views, and for the next heights to fill its future share. */
        FUTURE
    }

    private final Set<Behaviour> behaviours;
    private final List<byte[]> heard = new ArrayList<>();
    /** Times it deviated from what an honest replica would send (mutated, forged, withheld, junk): tests check it did. */
    private long lies;

    private Byzantine(Set<Behaviour> behaviours) {
        this.behaviours = behaviours;
    }

    static Byzantine random(Random r) {
        Behaviour[] all = Behaviour.values();
        EnumSet<Behaviour> set = EnumSet.noneOf(Behaviour.class);
        int count = 1 + r.nextInt(3);
        while (set.size() < count) {
            set.add(all[r.nextInt(all.length)]);
        }
        return new Byzantine(set);
    }

    static Byzantine of(Behaviour... b) {
        return new Byzantine(EnumSet.copyOf(List.of(b)));
    }

    Set<Behaviour> behaviours() {
        return behaviours;
    }

    long lies() {
        return lies;
    }

    void onReceive(byte[] bytes) {
        if (behaviours.contains(Behaviour.REPLAY) && heard.size() < 500) {
            heard.add(bytes);
        }
    }

    void onTick(Simulation sim, SimNode self, Random r) {
        if (behaviours.contains(Behaviour.REPLAY) && !heard.isEmpty() && r.nextInt(4) == 0) {
            sim.transmit(self, randomPeer(sim, self, r), heard.get(r.nextInt(heard.size())));
            lies++;
        }
        if (behaviours.contains(Behaviour.FLOOD)) {
            flood(sim, self, r);
        }
        if (behaviours.contains(Behaviour.OVERSIZED) && r.nextInt(10) == 0) {
            oversized(sim, self, r);
        }
        if (behaviours.contains(Behaviour.FUTURE)) {
            future(sim, self, r);
        }
        if (behaviours.contains(Behaviour.GARBAGE) && r.nextInt(4) == 0) {
            byte[] junk = new byte[1 + r.nextInt(2_000)];
            r.nextBytes(junk);
            if (r.nextBoolean()) {
                junk[0] = 1; // a valid version byte, so decoding gets further before it fails
                junk[1 % junk.length] = (byte) (1 + r.nextInt(9));
            }
            sim.transmit(self, randomPeer(sim, self, r), junk);
            lies++;
        }
    }

    /** Junk-signed transactions in full batches and junk-signed votes for the current height, to every peer. */
    private void flood(Simulation sim, SimNode self, Random r) {
        List<org.batteryledger.core.chain.Transaction> txs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] sig = new byte[64];
            r.nextBytes(sig);
            txs.add(new org.batteryledger.core.chain.Transaction(org.batteryledger.core.chain.TxType.ANCHOR_BATCH, self.id, r.nextLong() & Long.MAX_VALUE,
                    self.replica.height() + 50, new byte[]{1, 2, 3}, sig));
        }
        byte[] batch = MessageCodec.encode(new PbftMessage.TxBatch(txs));
        for (SimNode peer : sim.nodes) {
            if (peer != self) {
                sim.transmit(self, peer, batch);
                for (int i = 0; i < 20; i++) {
                    byte[] sig = new byte[64];
                    r.nextBytes(sig);
                    sim.transmit(self, peer, MessageCodec.encode(new PbftMessage.Prepare(self.replica.height(), 0, randomHash(r), self.id, sig)));
                }
                lies++;
            }
        }
    }

    /** The largest messages it can make: a batch of junk transactions with big payloads, or a megabyte of garbage. */
    private void oversized(Simulation sim, SimNode self, Random r) {
        byte[] bytes;
        if (r.nextBoolean()) {
            List<org.batteryledger.core.chain.Transaction> txs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                txs.add(new org.batteryledger.core.chain.Transaction(org.batteryledger.core.chain.TxType.ANCHOR_BATCH, self.id, r.nextLong() & Long.MAX_VALUE,
                        self.replica.height() + 50, new byte[64 * 1024], new byte[64]));
            }
            bytes = MessageCodec.encode(new PbftMessage.TxBatch(txs));
        } else {
            bytes = new byte[1 << 20];
            r.nextBytes(bytes);
            bytes[0] = MessageCodec.VERSION;
        }
        sim.transmit(self, randomPeer(sim, self, r), bytes);
        lies++;
    }

    /** Validly signed votes no honest replica sends: far-future heights and views, and many views at the next heights. */
    private void future(Simulation sim, SimNode self, Random r) {
        var chainId = self.replica.chainId();
        long h = self.replica.height();
        long[] heights = {h + 1 + r.nextInt(4), h + 1_000_000 + r.nextInt(1_000), h};
        int[] views = {r.nextInt(32), r.nextInt(32), Integer.MAX_VALUE - r.nextInt(1_000)};
        for (int i = 0; i < heights.length; i++) {
            PbftMessage.Prepare u = new PbftMessage.Prepare(heights[i], views[i], randomHash(r), self.id, new byte[0]);
            PbftMessage.Prepare p = new PbftMessage.Prepare(u.height(), u.view(), u.blockHash(), u.sender(), self.signer.sign(u.signingBytes(sim.suite, chainId)));
            sim.transmit(self, randomPeer(sim, self, r), MessageCodec.encode(p));
        }
        lies++;
    }

    private static SimNode randomPeer(Simulation sim, SimNode self, Random r) {
        SimNode p;
        do {
            p = sim.nodes.get(r.nextInt(sim.nodes.size()));
        } while (p == self && sim.nodes.size() > 1);
        return p;
    }

    void send(Simulation sim, SimNode self, Ready.Outbound out, Random r) {
        if (behaviours.contains(Behaviour.SILENT)) {
            lies++;
            return;
        }
        List<NodeId> to = out.to();
        PbftMessage m = out.message();
        for (int i = 0; i < to.size(); i++) {
            SimNode peer = sim.node(to.get(i));
            PbftMessage sent = mutate(sim, self, m, i % 2 == 1, r);
            if (sent != m) {
                lies++;
            }
            byte[] bytes = MessageCodec.encode(sent);
            if (behaviours.contains(Behaviour.GARBAGE) && r.nextInt(8) == 0) {
                bytes = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length));
            }
            sim.transmit(self, peer, bytes);
        }
    }

    private PbftMessage mutate(Simulation sim, SimNode self, PbftMessage m, boolean otherHalf, Random r) {
        var suite = sim.suite;
        var chainId = self.replica.chainId();
        if (m instanceof PbftMessage.PrePrepare pp) {
            if (behaviours.contains(Behaviour.INVALID_BLOCK)) {
                Block bad = withHeader(pp.block(), h -> h.withStateRoot(randomHash(r)));
                return signPrePrepare(sim, self, pp, bad);
            }
            if (behaviours.contains(Behaviour.EQUIVOCATE) && otherHalf) {
                // Same transactions, a later timestamp: a second valid block for the same (height, view).
                Block other = withHeader(pp.block(), h -> h.withTimestamp(h.timestamp() + 1));
                return signPrePrepare(sim, self, pp, other);
            }
        }
        if (m instanceof PbftMessage.Prepare p && behaviours.contains(Behaviour.CONFLICTING_VOTES) && otherHalf) {
            PbftMessage.Prepare u = new PbftMessage.Prepare(p.height(), p.view(), randomHash(r), p.sender(), new byte[0]);
            return new PbftMessage.Prepare(u.height(), u.view(), u.blockHash(), u.sender(), self.signer.sign(u.signingBytes(suite, chainId)));
        }
        if (m instanceof PbftMessage.Commit c && behaviours.contains(Behaviour.CONFLICTING_VOTES) && otherHalf) {
            PbftMessage.Commit u = new PbftMessage.Commit(c.height(), c.view(), randomHash(r), c.sender(), new byte[0]);
            return new PbftMessage.Commit(u.height(), u.view(), u.blockHash(), u.sender(), self.signer.sign(u.signingBytes(suite, chainId)));
        }
        if (behaviours.contains(Behaviour.FORGE_SIGNATURES) && r.nextBoolean()) {
            NodeId victim = sim.nodes.get(r.nextInt(sim.nodes.size())).id;
            if (m instanceof PbftMessage.Prepare p) {
                return new PbftMessage.Prepare(p.height(), p.view(), p.blockHash(), victim, p.signature());
            }
            if (m instanceof PbftMessage.Commit c) {
                byte[] sig = c.signature().clone();
                sig[r.nextInt(sig.length)] ^= 1;
                return new PbftMessage.Commit(c.height(), c.view(), c.blockHash(), c.sender(), sig);
            }
        }
        if (behaviours.contains(Behaviour.STRIP_SIGNATURES)) {
            if (m instanceof PbftMessage.Prepare p) {
                return new PbftMessage.Prepare(p.height(), p.view(), p.blockHash(), p.sender(), new byte[0]);
            }
            if (m instanceof PbftMessage.Commit c) {
                return new PbftMessage.Commit(c.height(), c.view(), c.blockHash(), c.sender(), new byte[0]);
            }
        }
        return m;
    }

    private static PbftMessage.PrePrepare signPrePrepare(Simulation sim, SimNode self, PbftMessage.PrePrepare pp, Block block) {
        PbftMessage.PrePrepare u = new PbftMessage.PrePrepare(pp.height(), pp.view(), block, pp.sender(), new byte[0]);
        return new PbftMessage.PrePrepare(pp.height(), pp.view(), block, pp.sender(), self.signer.sign(u.signingBytes(sim.suite, self.replica.chainId())));
    }

    private static Block withHeader(Block b, java.util.function.UnaryOperator<BlockHeader> change) {
        return new Block(change.apply(b.header()), b.transactions());
    }

    private static Hash randomHash(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return Hash.of(b);
    }
}
