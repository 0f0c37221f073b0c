package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.sim.SimSuite;
import org.batteryledger.core.state.WorldState;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A chain of n validators (plus optional observers and one outsider key that is in no genesis), all of whose
 * signers the test holds: it can drive one real {@link Replica} and speak as every other node.
 *
 * <p>Index convention: 0..n-1 are the validators in registry order (so the primary of (h, v) is index
 * (h + v) mod n), n..n+observers-1 the observers, and {@link #outsider()} a key no genesis lists.
 */
final class Fixture {
    static final long EPOCH_MILLIS = 1_790_000_000_000L;
    static final long SEED = 20_240_917L;
    static final List<String> AGENCIES = List.of("a", "b", "c");
    /** Short timeouts so view-change tests need few ticks: 4, 8, 16, 16, ... */
    static final long VIEW_CHANGE_TIMEOUT = 4;
    static final long MAX_VIEW_CHANGE_TIMEOUT = 16;

    final SimSuite suite = new SimSuite();
    final int n;
    final int observers;
    final List<Signer> signers = new ArrayList<>();
    final List<NodeId> ids = new ArrayList<>();
    final Genesis genesis;
    final Hash chainId;
    final Block genesisBlock;
    final BlockExecutor executor;
    /** What every probe's {@link BlockSource} serves: blocks by height. */
    final Map<Long, CommittedBlock> store = new HashMap<>();
    long clockMillis = EPOCH_MILLIS + 1_000;

    Fixture(int validators) {
        this(validators, 0, Map.of());
    }

    Fixture(int validators, int observers, Map<String, Long> paramOverrides) {
        this.n = validators;
        this.observers = observers;
        for (int i = 0; i < validators + observers + 1; i++) {
            Signer s = suite.newSigner(SEED, i);
            signers.add(s);
            ids.add(NodeId.of(suite, s.publicKey()));
        }
        List<Genesis.GenesisNode> nodes = new ArrayList<>();
        for (int i = 0; i < validators + observers; i++) {
            nodes.add(new Genesis.GenesisNode("node" + i, AGENCIES.get(i % 3), signers.get(i).publicKey(), "test-ca",
                    i < validators ? Role.CONSENSUS : Role.OBSERVER));
        }
        Map<String, Long> params = new LinkedHashMap<>();
        params.put(Params.VIEW_CHANGE_TIMEOUT_TICKS, VIEW_CHANGE_TIMEOUT);
        params.put(Params.MAX_VIEW_CHANGE_TIMEOUT_TICKS, MAX_VIEW_CHANGE_TIMEOUT);
        params.putAll(paramOverrides);
        this.genesis = new Genesis("pbft-test", suite.id(), new byte[0], AGENCIES, nodes, params, EPOCH_MILLIS);
        this.chainId = genesis.chainId(suite);
        this.genesisBlock = genesis.genesisBlock(suite);
        this.executor = new BlockExecutor(suite);
    }

    // ------------------------------------------------------------------------------------------- identities

    NodeId id(int i) {
        return ids.get(i);
    }

    int outsider() {
        return n + observers;
    }

    int quorum() {
        return Quorum.size(n);
    }

    int f() {
        return Quorum.f(n);
    }

    /** The primary of (height, view), by the paper's rule p = v mod |R| shifted by the height (§4.1). */
    int primary(long height, int view) {
        return (int) ((height + view) % n);
    }

    /** A validator that is not the primary of (height, view) nor in {@code not}. */
    int backup(long height, int view, int... not) {
        outer:
        for (int i = 0; i < n; i++) {
            if (i == primary(height, view)) {
                continue;
            }
            for (int x : not) {
                if (x == i) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no such backup");
    }

    // ------------------------------------------------------------------------------------------- replicas

    Replica.Config config(int i) {
        // Status and retransmission far apart, so a Ready holds only what the input under test caused.
        return config(i, 1_000_000, 1_000_000);
    }

    Replica.Config config(int i, int statusIntervalTicks, int retransmitTicks) {
        return new Replica.Config(suite, signers.get(i), () -> clockMillis, store::get, statusIntervalTicks, retransmitTicks,
                10_000, 4, 64);
    }

    Replica replica(int i) {
        return Replica.create(config(i), genesis);
    }

    Probe probe(int i) {
        return new Probe(this, i, replica(i));
    }

    WorldState genesisState() {
        WorldState s = new WorldState();
        s.apply(genesis.initialWrites(suite));
        return s;
    }

    // ------------------------------------------------------------------------------------------- transactions

    Transaction tx(int sender, long nonce) {
        return tx(sender, nonce, 100);
    }

    Transaction tx(int sender, long nonce, long expiryHeight) {
        Hash root = suite.hash(("root-" + sender + "-" + nonce).getBytes(StandardCharsets.UTF_8));
        byte[] payload = new Payloads.AnchorBatch("batch-" + sender + "-" + nonce, root, 10 + nonce).encode();
        return Transaction.sign(suite, signers.get(sender), TxType.ANCHOR_BATCH, nonce, expiryHeight, payload);
    }

    // ------------------------------------------------------------------------------------------- signed messages (as anyone)

    byte[] sign(int who, PbftMessage.Signed unsigned) {
        return signers.get(who).sign(unsigned.signingBytes(suite, chainId));
    }

    PrePrepare prePrepare(int who, long h, int v, Block b) {
        return new PrePrepare(h, v, b, id(who), sign(who, new PrePrepare(h, v, b, id(who), new byte[0])));
    }

    Prepare prepare(int who, long h, int v, Hash block) {
        return new Prepare(h, v, block, id(who), sign(who, new Prepare(h, v, block, id(who), new byte[0])));
    }

    Commit commit(int who, long h, int v, Hash block) {
        return new Commit(h, v, block, id(who), sign(who, new Commit(h, v, block, id(who), new byte[0])));
    }

    ViewChange viewChange(int who, long h, int v, PreparedCertificate pc) {
        return new ViewChange(h, v, pc, id(who), sign(who, new ViewChange(h, v, pc, id(who), new byte[0])));
    }

    NewView newView(int who, long h, int v, List<ViewChange> vcs, PrePrepare pp) {
        return new NewView(h, v, vcs, pp, id(who), sign(who, new NewView(h, v, vcs, pp, id(who), new byte[0])));
    }

    /** The pre-prepare plus matching prepares of the given backups. */
    PreparedCertificate prepared(PrePrepare pp, int... backups) {
        List<Prepare> ps = new ArrayList<>();
        for (int b : backups) {
            ps.add(prepare(b, pp.height(), pp.view(), pp.block().hash(suite)));
        }
        return new PreparedCertificate(pp, ps);
    }

    CommitCertificate certificate(long h, int v, Hash block, int... sealers) {
        List<CommitSeal> seals = new ArrayList<>();
        for (int s : sealers) {
            seals.add(new CommitSeal(id(s), commit(s, h, v, block).signature()));
        }
        return new CommitCertificate(h, v, block, seals);
    }

    static byte[] flipped(byte[] b, int index) {
        byte[] c = b.clone();
        c[index] ^= 0x01;
        return c;
    }

    // ------------------------------------------------------------------------------------------- blocks

    Chain chain() {
        return new Chain();
    }

    /** The test's own copy of the chain: builds valid blocks the way an honest primary would, and commits them. */
    final class Chain {
        final WorldState state = genesisState();
        BlockHeader head = genesisBlock.header();
        Hash headHash = genesisBlock.hash(suite);

        long nextHeight() {
            return head.height() + 1;
        }

        /** A version 2 block, whose header commits to the signatures, as the Proposer builds them. */
        Block block(int proposer, int view, Transaction... txs) {
            Block b = blockWithoutSigRoot(proposer, view, txs);
            BlockHeader h = b.header();
            return new Block(new BlockHeader(h.height(), h.parentHash(), h.txRoot(), h.stateRoot(), h.proposer(), h.view(), h.timestamp(),
                    Block.sigRoot(suite, b.transactions())), b.transactions());
        }

        /** A version 1 block, as in chains begun before version 2: its hash leaves the signatures out. */
        Block blockWithoutSigRoot(int proposer, int view, Transaction... txs) {
            long h = nextHeight();
            List<Transaction> list = List.of(txs);
            BlockExecutor.Execution ex = executor.execute(state, head.stateRoot(), h, list, false);
            assertNull(BlockExecutor.firstRejection(ex), "fixture built an invalid block");
            BlockHeader hd = new BlockHeader(h, headHash, Block.txRoot(suite, list), ex.stateRoot(), id(proposer), view, head.timestamp() + 1_000);
            return new Block(hd, list);
        }

        /** Applies the block and returns it with a certificate of the given sealers' commits at {@code view}. */
        CommittedBlock commit(Block b, int view, int... sealers) {
            BlockExecutor.Execution ex = executor.execute(state, head.stateRoot(), b.height(), b.transactions(), false);
            assertNull(BlockExecutor.firstRejection(ex));
            assertEquals(ex.stateRoot(), b.header().stateRoot());
            state.apply(ex.writeSet());
            head = b.header();
            headHash = b.hash(suite);
            CommittedBlock cb = new CommittedBlock(b, certificate(b.height(), view, headHash, sealers));
            return cb;
        }
    }

    static Block withHeader(Block b, BlockHeader h) {
        return new Block(h, b.transactions());
    }

    // ------------------------------------------------------------------------------------------- ready inspection

    static <T extends PbftMessage> List<T> sent(Ready r, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Ready.Outbound o : r.messages()) {
            if (type.isInstance(o.message())) {
                out.add(type.cast(o.message()));
            }
        }
        return out;
    }

    static <T extends PbftMessage> List<T> persisted(Ready r, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (VoteLogEntry e : r.votes()) {
            if (e instanceof VoteLogEntry.Signed s && type.isInstance(s.message())) {
                out.add(type.cast(s.message()));
            }
        }
        return out;
    }

    /**
     * Everything a replica ever signed, across crashes: fails the test the moment it signs two different blocks for
     * one (message kind, height, view), the property the vote log exists for (§4.2, §4.4: a non-faulty replica
     * never sends conflicting pre-prepares, prepares or commits for one sequence number and view).
     */
    static final class SignedHistory {
        private final Map<String, Hash> votes = new HashMap<>();
        private final Fixture fx;

        SignedHistory(Fixture fx) {
            this.fx = fx;
        }

        void record(NodeId self, PbftMessage m) {
            if (!(m instanceof PbftMessage.Signed s) || !s.sender().equals(self)) {
                return;
            }
            if (m instanceof NewView nv) {
                check("NEW_VIEW", nv.height(), nv.view(), nv.prePrepare().block().hash(fx.suite));
                check("PRE_PREPARE", nv.height(), nv.view(), nv.prePrepare().block().hash(fx.suite));
            } else if (m instanceof PrePrepare pp) {
                check("PRE_PREPARE", pp.height(), pp.view(), pp.block().hash(fx.suite));
            } else if (m instanceof Prepare p) {
                check("PREPARE", p.height(), p.view(), p.blockHash());
            } else if (m instanceof Commit c) {
                check("COMMIT", c.height(), c.view(), c.blockHash());
            } else if (m instanceof ViewChange vc) {
                check("VIEW_CHANGE", vc.height(), vc.view(), vc.prepared() == null ? Hash.ZERO : vc.prepared().blockHash(fx.suite));
            }
        }

        int size() {
            return votes.size();
        }

        private void check(String kind, long height, int view, Hash block) {
            Hash earlier = votes.putIfAbsent(kind + "/" + height + "/" + view, block);
            if (earlier != null && !earlier.equals(block)) {
                fail("signed two different blocks for " + kind + " at height " + height + " view " + view + ": "
                        + earlier.shortHex() + " then " + block.shortHex());
            }
        }
    }

    /**
     * One real replica driven by the test, whose every Ready is persisted and then "sent" (recorded) in the order
     * the {@link Ready} contract demands, checking on the way that each message the replica signed was handed to
     * the vote log no later than in the Ready that sends it, and that it never signs two blocks for one slot.
     */
    static final class Probe {
        final Fixture fx;
        final int index;
        final Replica replica;
        final List<VoteLogEntry> voteLog = new ArrayList<>();
        final List<Ready.Outbound> outbox = new ArrayList<>();
        final List<CommittedBlock> committed = new ArrayList<>();
        final List<Transaction> accepted = new ArrayList<>();
        final List<org.batteryledger.core.snapshot.StableCheckpoint> stable = new ArrayList<>();
        final SignedHistory history;
        private final Set<ByteBuffer> persistedMessages = new HashSet<>();

        Probe(Fixture fx, int index, Replica replica) {
            this.fx = fx;
            this.index = index;
            this.replica = replica;
            this.history = new SignedHistory(fx);
        }

        /** A probe of a replica restarted with {@link Replica#recover} from {@code disk}, which counts as persisted. */
        static Probe recovered(Fixture fx, int index, List<VoteLogEntry> disk) {
            Probe p = new Probe(fx, index, Replica.recover(fx.config(index), fx.genesis, fx.genesisBlock.header(), fx.genesisState(), disk));
            for (VoteLogEntry e : disk) {
                p.voteLog.add(e);
                if (e instanceof VoteLogEntry.Signed s) {
                    p.persistedMessages.add(ByteBuffer.wrap(MessageCodec.encode(s.message())));
                }
            }
            p.drain();
            return p;
        }

        NodeId id() {
            return fx.id(index);
        }

        Ready step(int from, PbftMessage m) {
            replica.step(fx.id(from), m);
            return drain();
        }

        Ready receive(int from, byte[] bytes) {
            replica.receive(fx.id(from), bytes);
            return drain();
        }

        Ready tick() {
            replica.tick();
            return drain();
        }

        /** Ticks until a tick's Ready sends a message of {@code type}; returns how many ticks it took (or -1). */
        int ticksUntilSent(Class<? extends PbftMessage> type, int max) {
            for (int t = 1; t <= max; t++) {
                if (!sent(tick(), type).isEmpty()) {
                    return t;
                }
            }
            return -1;
        }

        SubmitResult submit(Transaction tx) {
            SubmitResult r = replica.submit(tx);
            last = drain();
            return r;
        }

        Ready last = Ready.EMPTY;

        Ready drain() {
            Ready r = replica.ready();
            for (VoteLogEntry e : r.votes()) {
                voteLog.add(e);
                if (e instanceof VoteLogEntry.Signed s) {
                    persistedMessages.add(ByteBuffer.wrap(MessageCodec.encode(s.message())));
                }
            }
            accepted.addAll(r.accepted());
            stable.addAll(r.stable());
            for (Ready.Committed c : r.committed()) {
                committed.add(c.block());
                fx.store.putIfAbsent(c.block().block().height(), c.block());
            }
            if (!r.isEmpty()) {
                replica.advance();
            }
            for (Ready.Outbound o : r.messages()) {
                if (o.message() instanceof PbftMessage.Signed s && s.sender().equals(id())
                        && !persistedMessages.contains(ByteBuffer.wrap(MessageCodec.encode(s)))) {
                    fail("sent " + s + " that was never handed to the vote log: persist-before-send broken");
                }
                history.record(id(), o.message());
                outbox.add(o);
            }
            last = r;
            return r;
        }

        <T extends PbftMessage> List<T> allSent(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (Ready.Outbound o : outbox) {
                if (type.isInstance(o.message())) {
                    out.add(type.cast(o.message()));
                }
            }
            return out;
        }
    }
}
