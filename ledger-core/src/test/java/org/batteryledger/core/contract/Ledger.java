package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A chain under test: a genesis with three agencies and their nodes, the committed state, its root and the next
 * height, plus builders for signed transactions (expiring 100 blocks ahead, or at the end of a shorter lifetime). {@link #commit} executes a block as a validator would
 * ({@code dropInvalid=false}), insists nothing was rejected, and applies it.
 */
final class Ledger {
    static final String A = "agency-a";
    static final String B = "agency-b";
    static final String C = "agency-c";
    static final List<String> AGENCIES = List.of(A, B, C);

    /** A genesis node: label (its key), agency, role. */
    record Spec(String label, String agency, Role role) {
    }

    /** a1, a2 of A, b1 of B (consensus) and b2 of B (observer), c1 of C: four validators. */
    static final List<Spec> STANDARD = List.of(
            new Spec("a1", A, Role.CONSENSUS),
            new Spec("a2", A, Role.CONSENSUS),
            new Spec("b1", B, Role.CONSENSUS),
            new Spec("b2", B, Role.OBSERVER),
            new Spec("c1", C, Role.CONSENSUS));

    final SuiteCase sc;
    final CryptoSuite suite;
    final BlockExecutor executor;
    final Genesis genesis;
    final WorldState state = new WorldState();
    Hash root;
    long height = 1;
    private long nonce;

    Ledger(SuiteCase sc) {
        this(sc, STANDARD, Map.of());
    }

    Ledger(SuiteCase sc, Map<String, Long> params) {
        this(sc, STANDARD, params);
    }

    Ledger(SuiteCase sc, List<Spec> specs, Map<String, Long> params) {
        this(sc, specs, params, agency -> "ca-" + agency);
    }

    /** @param caHash the hash the registry knows each agency's CA by (real ones where a test checks certificates) */
    Ledger(SuiteCase sc, List<Spec> specs, Map<String, Long> params, java.util.function.Function<String, String> caHash) {
        this.sc = sc;
        this.suite = sc.suite();
        this.executor = new BlockExecutor(suite);
        this.genesis = genesis(sc, AGENCIES, specs, params, 1_700_000_000_000L, caHash);
        state.apply(genesis.initialWrites(suite));
        root = genesis.genesisBlock(suite).header().stateRoot();
    }

    static Genesis genesis(SuiteCase sc, List<String> agencies, List<Spec> specs, Map<String, Long> params, long timestamp) {
        return genesis(sc, agencies, specs, params, timestamp, agency -> "ca-" + agency);
    }

    static Genesis genesis(SuiteCase sc, List<String> agencies, List<Spec> specs, Map<String, Long> params, long timestamp,
                           java.util.function.Function<String, String> caHash) {
        List<Genesis.GenesisNode> nodes = new ArrayList<>();
        for (Spec s : specs) {
            nodes.add(new Genesis.GenesisNode(s.label(), s.agency(), sc.signer(s.label()).publicKey(), caHash.apply(s.agency()), s.role()));
        }
        return new Genesis("battery-test", sc.suite().id(), new byte[] {1, 2, 3}, agencies, nodes, params, timestamp);
    }

    // --- identities ---------------------------------------------------------------------------------------------

    Signer signer(String label) {
        return sc.signer(label);
    }

    NodeId id(String label) {
        return sc.nodeId(label);
    }

    NodeRecord node(String label) {
        return Registry.node(state, id(label));
    }

    Set<NodeId> validatorIds() {
        Set<NodeId> out = new TreeSet<>();
        for (NodeRecord n : Registry.validators(state)) {
            out.add(n.nodeId());
        }
        return out;
    }

    Set<NodeId> ids(String... labels) {
        Set<NodeId> out = new TreeSet<>();
        for (String l : labels) {
            out.add(id(l));
        }
        return out;
    }

    // --- transactions -------------------------------------------------------------------------------------------

    Transaction tx(String sender, TxType type, byte[] payload) {
        return txExpiring(sender, type, payload, height + Math.min(100, Params.get(state, Params.TX_LIFETIME_BLOCKS)));
    }

    Transaction txExpiring(String sender, TxType type, byte[] payload, long expiry) {
        return Transaction.sign(suite, signer(sender), type, ++nonce, expiry, payload);
    }

    Transaction propose(String sender, GovernanceAction action) {
        return tx(sender, TxType.GOVERNANCE_PROPOSE, action.encode());
    }

    Transaction approve(String sender, Transaction proposal) {
        return approve(sender, proposal.hash(suite));
    }

    Transaction approve(String sender, Hash proposalId) {
        return tx(sender, TxType.GOVERNANCE_APPROVE, new Payloads.Approve(proposalId).encode());
    }

    Transaction revokeOwn(String sender, String target, String serial) {
        return tx(sender, TxType.REVOKE_OWN_NODE, new Payloads.RevokeOwnNode(id(target), serial).encode());
    }

    Transaction anchor(String sender, String batchId, Hash root, long count) {
        return tx(sender, TxType.ANCHOR_BATCH, new Payloads.AnchorBatch(batchId, root, count).encode());
    }

    Transaction valuation(String sender, String certId, String battery, Hash certHash) {
        return tx(sender, TxType.REGISTER_VALUATION, new Payloads.RegisterValuation(certId, battery, certHash).encode());
    }

    GovernanceAction.RegisterNode register(String label, String name, String agency, Role role) {
        return new GovernanceAction.RegisterNode(id(label), name, agency, signer(label).publicKey(), "ca-" + agency, role);
    }

    Hash hash(String s) {
        return suite.hash(s.getBytes(StandardCharsets.UTF_8));
    }

    // --- blocks -------------------------------------------------------------------------------------------------

    BlockExecutor.Execution execute(boolean dropInvalid, Transaction... txs) {
        return executor.execute(state, root, height, List.of(txs), dropInvalid);
    }

    BlockExecutor.Execution execute(boolean dropInvalid, List<Transaction> txs) {
        return executor.execute(state, root, height, txs, dropInvalid);
    }

    /** Executes as a validator, requires no rejection, applies the block and moves to the next height. */
    BlockExecutor.Execution commit(Transaction... txs) {
        BlockExecutor.Execution ex = execute(false, txs);
        assertNull(BlockExecutor.firstRejection(ex), "block at height " + height + " has an invalid transaction");
        assertEquals(txs.length, ex.included().size());
        apply(ex);
        return ex;
    }

    void apply(BlockExecutor.Execution ex) {
        state.apply(ex.writeSet());
        root = ex.stateRoot();
        height++;
    }

    /** Commits one block and returns the receipt of its only transaction. */
    BlockExecutor.Receipt commitOne(Transaction tx) {
        return commit(tx).receipts().get(0);
    }

    void commitEmptyUntil(long targetHeight) {
        while (height < targetHeight) {
            commit();
        }
    }

    Proposal proposal(Transaction proposeTx) {
        byte[] raw = state.get(Tables.PROPOSAL, proposeTx.hash(suite).hex());
        return raw == null ? null : Proposal.decode(raw);
    }

    long param(String name) {
        return Params.get(state, name);
    }

    /** The tables a write set touches, for "nothing but the replay index changed" checks. */
    static Set<String> tables(WriteSet ws) {
        Set<String> out = new TreeSet<>();
        for (WriteSet.Entry e : ws.entries()) {
            out.add(e.table());
        }
        return out;
    }

    static Map<String, byte[]> snapshot(WorldState s, String table) {
        return new LinkedHashMap<>(s.scan(table));
    }
}
