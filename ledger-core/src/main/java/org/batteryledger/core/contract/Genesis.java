package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.state.StateOverlay;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chain's first state: suite, chain CA, agencies, the initial nodes and parameters. Its hash is the chain id,
 * which every signed consensus message carries, so votes cannot be replayed on another chain.
 * The genesis node is an ordinary node: nothing here singles it out once the chain runs.
 */
public record Genesis(String chainName, String suiteId, byte[] chainCaCertificateDer, List<String> agencies,
                      List<GenesisNode> nodes, Map<String, Long> params, Map<String, Member> members, long timestamp) {

    public record GenesisNode(String name, String agency, byte[] publicKey, String caHash, Role role) {
    }

    public Genesis {
        agencies = List.copyOf(agencies);
        nodes = List.copyOf(nodes);
        params = Map.copyOf(new TreeMap<>(params));
        members = Map.copyOf(new TreeMap<>(members));
    }

    /** A genesis without member profiles (every agency undeclared), as before profiles existed. */
    public Genesis(String chainName, String suiteId, byte[] chainCaCertificateDer, List<String> agencies, List<GenesisNode> nodes,
                   Map<String, Long> params, long timestamp) {
        this(chainName, suiteId, chainCaCertificateDer, agencies, nodes, params, Map.of(), timestamp);
    }

    /** Version 1 without member profiles (so earlier chains keep their id), version 2 with them. */
    public byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(1024).u8(members.isEmpty() ? 1 : 2).str(chainName).str(suiteId).bytes(chainCaCertificateDer)
                .list(agencies, CanonicalWriter::str)
                .list(nodes, (ww, n) -> ww.str(n.name()).str(n.agency()).bytes(n.publicKey()).str(n.caHash()).u8(n.role().code()));
        w.list(List.copyOf(new TreeMap<>(params).entrySet()), (ww, e) -> ww.str(e.getKey()).u64(e.getValue()));
        if (!members.isEmpty()) {
            w.list(List.copyOf(new TreeMap<>(members).entrySet()), (ww, e) -> ww.str(e.getKey()).bytes(e.getValue().encode()));
        }
        return w.u64(timestamp).toByteArray();
    }

    public static Genesis decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int version = r.u8();
        if (version != 1 && version != 2) {
            throw new org.batteryledger.core.codec.DecodeException("unsupported genesis version " + version);
        }
        String name = r.str(Limits.MAX_NAME_BYTES);
        String suite = r.str(64);
        byte[] ca = r.bytes(Limits.MAX_CERT_BYTES);
        List<String> agencies = r.list(1000, rr -> rr.str(Limits.MAX_NAME_BYTES));
        List<GenesisNode> nodes = r.list(Limits.MAX_VALIDATORS, rr -> new GenesisNode(rr.str(Limits.MAX_NAME_BYTES),
                rr.str(Limits.MAX_NAME_BYTES), rr.bytes(Limits.MAX_KEY_BYTES), rr.str(Limits.MAX_NAME_BYTES), Role.fromCode(rr.u8())));
        Map<String, Long> params = new TreeMap<>();
        for (Map.Entry<String, Long> e : r.list(100, rr -> Map.entry(rr.str(Limits.MAX_NAME_BYTES), rr.u64()))) {
            params.put(e.getKey(), e.getValue());
        }
        Map<String, Member> members = new TreeMap<>();
        if (version == 2) {
            for (Map.Entry<String, Member> e : r.list(1000, rr -> Map.entry(rr.str(Limits.MAX_NAME_BYTES),
                    Member.decode(rr.bytes(GovernanceAction.MAX_MEMBER_BYTES))))) {
                members.put(e.getKey(), e.getValue());
            }
        }
        long ts = r.u64();
        r.end();
        return new Genesis(name, suite, ca, agencies, nodes, params, members, ts);
    }

    public Hash chainId(CryptoSuite suite) {
        return suite.hash(encode());
    }

    /** The state writes of height 0. */
    public WriteSet initialWrites(CryptoSuite suite) {
        if (!suite.id().equals(suiteId)) {
            throw new IllegalArgumentException("genesis names suite " + suiteId + " but " + suite.id() + " was given");
        }
        StateOverlay s = new StateOverlay(new WorldState());
        for (String a : agencies) {
            s.put(Tables.AGENCY, a, members.getOrDefault(a, Member.UNDECLARED).encode());
        }
        for (Map.Entry<String, Member> m : members.entrySet()) {
            if (!agencies.contains(m.getKey())) {
                throw new IllegalArgumentException("genesis gives a member profile to unknown agency " + m.getKey());
            }
            if (m.getValue().problem() != null) {
                throw new IllegalArgumentException("genesis: agency " + m.getKey() + ": " + m.getValue().problem());
            }
        }
        for (Map.Entry<String, Long> p : new TreeMap<>(params).entrySet()) {
            String problem = Params.check(p.getKey(), p.getValue());
            if (problem != null) {
                throw new IllegalArgumentException("genesis: " + problem);
            }
            s.put(Tables.PARAM, p.getKey(), Params.encode(p.getValue()));
        }
        long idx = 0;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (GenesisNode n : nodes) {
            if (!names.add(n.name())) {
                throw new IllegalArgumentException("genesis lists two nodes named " + n.name());
            }
            if (!agencies.contains(n.agency())) {
                throw new IllegalArgumentException("genesis node " + n.name() + " names unknown agency " + n.agency());
            }
            NodeId id = NodeId.of(suite, n.publicKey());
            if (s.get(Tables.NODE, id.value()) != null) {
                throw new IllegalArgumentException("genesis lists node " + id + " twice");
            }
            s.put(Tables.NODE, id.value(), new NodeRecord(id, n.name(), n.agency(), n.publicKey(), n.caHash(), idx++, 0, n.role()).encode());
        }
        if (nodes.stream().noneMatch(n -> n.role() == Role.CONSENSUS)) {
            throw new IllegalArgumentException("genesis has no consensus node");
        }
        if (nodes.stream().filter(n -> n.role() == Role.CONSENSUS).count() > Params.MAX_CONSENSUS_NODES) {
            throw new IllegalArgumentException("genesis has more than " + Params.MAX_CONSENSUS_NODES + " consensus nodes");
        }
        s.put(Tables.META, BlockExecutor.NEXT_NODE_INDEX, Params.encode(idx));
        return s.toWriteSet();
    }

    /** Height 0: no transactions, the genesis state root, the chain id as its parent hash. */
    public Block genesisBlock(CryptoSuite suite) {
        Hash stateRoot = WriteSet.chainRoot(suite, Hash.ZERO, initialWrites(suite).hash(suite));
        NodeId first = NodeId.of(suite, nodes.get(0).publicKey());
        BlockHeader h = new BlockHeader(0, chainId(suite), Block.txRoot(suite, List.of()), stateRoot, first, 0, timestamp);
        return new Block(h, List.of());
    }
}
