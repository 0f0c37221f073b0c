package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.core.state.StateOverlay;
import org.batteryledger.core.state.StateView;
import org.batteryledger.core.state.WriteSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Pattern;

/**
 * Executes the system contracts deterministically: the same parent state and transactions give the same write
 * set and state root on every node. Signatures are checked by the caller (once per replica); this class checks
 * everything that depends on state: sender admitted, expiry window, replay, and each contract's rules.
 */
public final class BlockExecutor {
    static final String NEXT_NODE_INDEX = "nextNodeIndex";
    private static final Pattern BATTERY_CODE = Pattern.compile("[A-Z0-9-]{1,64}");

    private final CryptoSuite suite;

    public BlockExecutor(CryptoSuite suite) {
        this.suite = suite;
    }

    /** A transaction left out of a block: its envelope is invalid (sender, expiry, replay). */
    public record Rejected(Transaction tx, String reason) {
    }

    /**
     * The outcome of an included transaction: {@code error} is null when its contract succeeded. Its expiry height is the
     * replay index entry the transaction made, which a store may keep with the receipt instead of as state.
     */
    public record Receipt(Hash txHash, String error, long expiryHeight) {
        public boolean ok() {
            return error == null;
        }
    }

    public record Execution(List<Transaction> included, List<Rejected> rejected, List<Receipt> receipts, WriteSet writeSet, Hash stateRoot) {
    }

    /**
     * Executes transactions in order on top of {@code parent}. A transaction whose envelope is invalid (unknown or
     * revoked sender, outside its expiry window, a replay) cannot be in a block: with {@code dropInvalid} (when
     * proposing) it is left out, otherwise (when validating a proposal) it makes the block invalid — see
     * {@link #firstRejection}. A valid transaction whose contract refuses it is included with a failed receipt
     * and changes nothing but the replay index, like a reverted transaction elsewhere: so a pool never holds a
     * transaction no primary will propose.
     */
    public Execution execute(StateView parent, Hash parentStateRoot, long height, List<Transaction> txs, boolean dropInvalid) {
        StateOverlay block = new StateOverlay(parent);
        pruneExpired(block, parent, height);
        List<Transaction> included = new ArrayList<>(txs.size());
        List<Rejected> rejected = new ArrayList<>();
        List<Receipt> receipts = new ArrayList<>(txs.size());
        // Admitted senders as of the parent state, decoded once a block and not once a transaction (a block of a
        // thousand transactions has a handful of senders).
        Map<NodeId, NodeRecord> admitted = new HashMap<>();
        for (Transaction tx : txs) {
            // Sender and parameters as of the parent state (changes take effect at the next height); the replay
            // index as of the block so far (a transaction cannot appear twice in one block).
            String envelope = checkEnvelope(parent, block, height, tx, admitted);
            if (envelope != null) {
                rejected.add(new Rejected(tx, envelope));
                if (!dropInvalid) {
                    break;
                }
                continue;
            }
            Hash txHash = tx.hash(suite);
            block.put(Tables.TX, txHash.hex(), Params.encode(tx.expiryHeight()));
            block.put(Tables.TX_EXPIRY, expiryKey(tx.expiryHeight(), txHash.hex()), new byte[0]);
            StateOverlay txState = new StateOverlay(block);
            String error = null;
            try {
                applyContract(txState, height, txHash, tx, registryWritten(block) ? null : admitted.get(tx.sender()));
                txState.mergeInto(block);
            } catch (ContractException | DecodeException e) {
                error = e.getMessage();
            }
            included.add(tx);
            receipts.add(new Receipt(txHash, error, tx.expiryHeight()));
        }
        WriteSet ws = block.toWriteSet();
        return new Execution(included, rejected, receipts, ws, WriteSet.chainRoot(suite, parentStateRoot, ws.hash(suite)));
    }

    public static String firstRejection(Execution e) {
        return e.rejected().isEmpty() ? null : e.rejected().get(0).reason();
    }

    /**
     * What makes a transaction includable at {@code height}, signature aside: an admitted sender, the expiry
     * window, not already on chain. Returns null when it is includable, else the reason.
     */
    public String checkEnvelope(StateView state, long height, Transaction tx) {
        return checkEnvelope(state, state, height, tx, new HashMap<>());
    }

    /** As {@link #checkEnvelope(StateView, long, Transaction)}; {@code admitted} keeps the senders admitted by {@code registry}. */
    private String checkEnvelope(StateView registry, StateView replayIndex, long height, Transaction tx, Map<NodeId, NodeRecord> admitted) {
        if (!admitted.containsKey(tx.sender())) {
            try {
                admitted.put(tx.sender(), admittedSender(registry, tx.sender()));
            } catch (ContractException e) {
                return e.getMessage();
            }
        }
        long lifetime = Params.get(registry, Params.TX_LIFETIME_BLOCKS);
        if (tx.expiryHeight() < height) {
            return "expired at height " + tx.expiryHeight() + ", chain is at " + height;
        }
        if (tx.expiryHeight() - height > lifetime) { // a difference, never a sum that could overflow
            return "expiry height " + tx.expiryHeight() + " is more than " + lifetime + " blocks ahead of " + height;
        }
        if (replayIndex.get(Tables.TX, tx.hash(suite).hex()) != null) {
            return DUPLICATE_PREFIX + tx.hash(suite).shortHex() + " is already on chain";
        }
        return null;
    }

    public static final String DUPLICATE_PREFIX = "duplicate: transaction ";

    /** Would the contract accept this (envelope-valid) transaction now? For immediate feedback at submission. */
    public String checkContract(StateView state, long height, Transaction tx) {
        try {
            applyContract(new StateOverlay(state), height, tx.hash(suite), tx, null);
            return null;
        } catch (ContractException | DecodeException e) {
            return e.getMessage();
        }
    }

    /** The sender's registry entry, or a reason why it may not send. */
    public static NodeRecord admittedSender(StateView state, NodeId sender) {
        NodeRecord n = Registry.node(state, sender);
        if (n == null) {
            throw new ContractException("sender " + sender.shortId() + " is not a registered node");
        }
        if (Registry.isRevoked(state, sender)) {
            throw new ContractException("sender " + sender.shortId() + " is revoked");
        }
        return n;
    }

    /** A transaction's {@link Tables#TX_EXPIRY} key: ordered by expiry height, then hash. */
    public static String expiryKey(long expiry, String txHashHex) {
        return expiryKeyFloor(expiry) + txHashHex;
    }

    /**
     * The least {@link Tables#TX_EXPIRY} key of expiry {@code height}: executing the block at {@code height} prunes the
     * keys below it, so the index after that block holds exactly the committed transactions whose keys are not below.
     */
    public static String expiryKeyFloor(long height) {
        return String.format("%020d:", height);
    }

    /**
     * The {@link Tables#TX} entry that a {@link Tables#TX_EXPIRY} key implies: the executor writes and drops the two
     * together, with the same hash and expiry. A store may therefore keep only the expiry entries, which are ordered by
     * expiry (so a block's are appended and the expired ones go from the front), and derive the hash-keyed ones, which
     * would land all over its index, when it reads the state back.
     */
    public static WriteSet.Entry replayEntryOf(String expiryKey) {
        if (expiryKey.length() <= 21 || expiryKey.charAt(20) != ':') {
            throw new IllegalArgumentException("not a replay index expiry key: " + expiryKey);
        }
        return new WriteSet.Entry(Tables.TX, expiryKey.substring(21), Params.encode(Long.parseLong(expiryKey.substring(0, 20))));
    }

    private void pruneExpired(StateOverlay block, StateView parent, long height) {
        // Entries with expiry < height can never be replayed again (a tx is valid only up to its expiry height).
        SortedMap<String, byte[]> old = parent.scan(Tables.TX_EXPIRY).headMap(expiryKeyFloor(height));
        for (String key : List.copyOf(old.keySet())) {
            block.delete(Tables.TX_EXPIRY, key);
            block.delete(Tables.TX, key.substring(21));
        }
    }

    /** Whether the block so far wrote any table {@link #admittedSender} reads: then a sender's admission is read anew. */
    private static boolean registryWritten(StateOverlay block) {
        return block.wrote(Tables.NODE) || block.wrote(Tables.REVOKED_NODE) || block.wrote(Tables.REVOKED_CA);
    }

    /** {@code admitted}: the sender's record when it is admitted in {@code s} as it was in the parent state, else null. */
    private void applyContract(StateOverlay s, long height, Hash txHash, Transaction tx, NodeRecord admitted) {
        NodeRecord sender = admitted != null ? admitted : admittedSender(s, tx.sender());
        byte[] payload = tx.payload();
        switch (tx.type()) {
            case GOVERNANCE_PROPOSE -> propose(s, height, txHash, sender, GovernanceAction.decode(payload));
            case GOVERNANCE_APPROVE -> approve(s, height, sender, Payloads.Approve.decode(payload));
            case GOVERNANCE_WITHDRAW -> OpenProposals.withdraw(s, sender.agency(), Payloads.Withdraw.decode(payload).proposalId());
            case REVOKE_OWN_NODE -> revokeOwn(s, height, sender, Payloads.RevokeOwnNode.decode(payload));
            case ANCHOR_BATCH -> anchor(s, height, txHash, sender, Payloads.AnchorBatch.decode(payload));
            case ANCHOR_RECORDS -> {
                Payloads.AnchorRecords a = Payloads.AnchorRecords.decode(payload);
                anchor(s, height, txHash, sender, a.anchor());
                BatteryRegistry.apply(s, height, txHash, sender.agency(), a.registrations());
            }
            case REGISTER_VALUATION -> registerValuation(s, height, txHash, sender, Payloads.RegisterValuation.decode(payload));
            case REGISTER_VALUATIONS -> {
                for (Payloads.RegisterValuation v : Payloads.RegisterValuations.decode(payload).entries()) {
                    registerValuation(s, height, txHash, sender, v); // one refused: the transaction fails whole
                }
            }
            case REGISTER_SIGNER -> DocumentSigners.register(s, suite, height, sender, Payloads.RegisterSigner.decode(payload));
            case REVOKE_SIGNER -> {
                Payloads.RevokeSigner r = Payloads.RevokeSigner.decode(payload);
                DocumentSigners.revoke(s, height, sender.agency(), r.fingerprint(), r.reason());
            }
        }
    }

    // --- governance ---------------------------------------------------------------------------------------------

    private void propose(StateOverlay s, long height, Hash txHash, NodeRecord sender, GovernanceAction action) {
        // Dry-run: a proposal that could not run now is refused at once rather than left to fail on approval.
        runAction(new StateOverlay(s), height, action);
        Proposal p = new Proposal(action.encode(), sender.agency(), List.of(sender.agency()), Proposal.Status.OPEN, "", height);
        Proposal settled = settle(s, height, p);
        if (settled.status() == Proposal.Status.OPEN) {
            OpenProposals.requireRoom(s, sender.agency()); // one decided at once (a quorum of one) holds no room: nothing ran
        }
        OpenProposals.store(s, txHash.hex(), null, settled);
    }

    private void approve(StateOverlay s, long height, NodeRecord sender, Payloads.Approve a) {
        byte[] raw = s.get(Tables.PROPOSAL, a.proposalId().hex());
        if (raw == null) {
            throw new ContractException("no proposal " + a.proposalId().shortHex());
        }
        Proposal p = Proposal.decode(raw);
        if (p.status() != Proposal.Status.OPEN) {
            throw new ContractException("proposal " + a.proposalId().shortHex() + " is already " + p.status().name().toLowerCase());
        }
        if (p.approvals().contains(sender.agency())) {
            throw new ContractException("agency " + sender.agency() + " already approved proposal " + a.proposalId().shortHex());
        }
        List<String> approvals = new ArrayList<>(p.approvals());
        approvals.add(sender.agency());
        Proposal updated = new Proposal(p.action(), p.proposerAgency(), approvals, p.status(), p.outcome(), p.createdHeight());
        OpenProposals.store(s, a.proposalId().hex(), p, settle(s, height, updated));
    }

    /** Runs the action once a quorum of agencies approved; an action that fails by then is recorded as failed. */
    private Proposal settle(StateOverlay s, long height, Proposal p) {
        if (p.approvals().size() < Registry.governanceQuorum(s)) {
            return p;
        }
        StateOverlay attempt = new StateOverlay(s);
        try {
            runAction(attempt, height, p.decodedAction());
            attempt.mergeInto(s);
            return new Proposal(p.action(), p.proposerAgency(), p.approvals(), Proposal.Status.EXECUTED, "executed at height " + height, p.createdHeight());
        } catch (ContractException e) {
            return new Proposal(p.action(), p.proposerAgency(), p.approvals(), Proposal.Status.FAILED, e.getMessage(), p.createdHeight());
        }
    }

    private void runAction(StateOverlay s, long height, GovernanceAction action) {
        if (action instanceof GovernanceAction.RegisterNode r) {
            registerNode(s, height, r);
            requireValidatorsLeft(s);
        } else if (action instanceof GovernanceAction.RemoveNode r) {
            NodeRecord n = existing(s, r.nodeId());
            s.delete(Tables.NODE, n.nodeId().value());
            requireValidatorsLeft(s);
        } else if (action instanceof GovernanceAction.SetRole r) {
            NodeRecord n = existing(s, r.nodeId());
            if (n.role() == r.role()) {
                throw new ContractException("node " + n.name() + " is already " + r.role().label());
            }
            s.put(Tables.NODE, n.nodeId().value(), n.withRole(r.role()).encode());
            requireValidatorsLeft(s);
        } else if (action instanceof GovernanceAction.Revoke r) {
            if (r.nodeIdOrEmpty().isEmpty() && r.serialOrEmpty().isEmpty()) {
                throw new ContractException("a revocation names a node id, a certificate serial, or both");
            }
            revoke(s, height, r.nodeIdOrEmpty().isEmpty() ? null : parseNodeId(r.nodeIdOrEmpty()), r.serialOrEmpty());
        } else if (action instanceof GovernanceAction.RevokeAgencyCa r) {
            boolean known = s.scan(Tables.NODE).values().stream().anyMatch(v -> NodeRecord.decode(v).caHash().equals(r.caHash()));
            if (!known) {
                throw new ContractException("no registered node was certified by an agency CA with caHash " + r.caHash());
            }
            if (Registry.isCaRevoked(s, r.caHash())) {
                throw new ContractException("agency CA " + r.caHash().substring(0, 8) + " is already revoked");
            }
            s.put(Tables.REVOKED_CA, r.caHash(), Params.encode(height));
            requireValidatorsLeft(s);
        } else if (action instanceof GovernanceAction.SetParameter p) {
            String problem = Params.check(p.name(), p.value());
            if (problem != null) {
                throw new ContractException(problem);
            }
            if (p.name().equals(Params.MAX_OPEN_PROPOSALS_PER_AGENCY)) {
                OpenProposals.countAll(s); // the bound's first setting counts what is open: before the write, which turns counting on
            }
            s.put(Tables.PARAM, p.name(), Params.encode(p.value()));
        } else if (action instanceof GovernanceAction.AddAgency a) {
            if (a.name().isBlank() || a.name().length() > 64) {
                throw new ContractException("an agency name has 1 to 64 characters");
            }
            if (s.get(Tables.AGENCY, a.name()) != null) {
                throw new ContractException("agency " + a.name() + " exists");
            }
            s.put(Tables.AGENCY, a.name(), checkedMember(a.member()).encode());
        } else if (action instanceof GovernanceAction.RevokeSigner r) {
            DocumentSigners.revoke(s, height, null, r.fingerprint(), r.reason());
        } else if (action instanceof GovernanceAction.WithdrawValuation w) {
            withdrawValuation(s, height, w);
        } else if (action instanceof GovernanceAction.SetMember m) {
            if (s.get(Tables.AGENCY, m.agency()) == null) {
                throw new ContractException("unknown agency " + m.agency());
            }
            s.put(Tables.AGENCY, m.agency(), checkedMember(m.member()).encode());
        } else {
            throw new AssertionError("unhandled governance action " + action);
        }
    }

    private static Member checkedMember(Member m) {
        String problem = m.problem();
        if (problem != null) {
            throw new ContractException(problem);
        }
        return m;
    }

    private void registerNode(StateOverlay s, long height, GovernanceAction.RegisterNode r) {
        if (!NodeId.of(suite, r.publicKey()).equals(r.nodeId())) {
            throw new ContractException("node id " + r.nodeId().shortId() + " does not match its public key");
        }
        if (s.get(Tables.AGENCY, r.agency()) == null) {
            throw new ContractException("unknown agency " + r.agency());
        }
        if (r.name().isBlank()) {
            throw new ContractException("a node needs a name");
        }
        if (s.get(Tables.NODE, r.nodeId().value()) != null) {
            throw new ContractException("node " + r.nodeId().shortId() + " is already registered");
        }
        if (Registry.isRevoked(s, r.nodeId())) {
            throw new ContractException("node " + r.nodeId().shortId() + " is revoked and cannot be registered again");
        }
        for (byte[] v : s.scan(Tables.NODE).values()) {
            if (NodeRecord.decode(v).name().equals(r.name())) {
                throw new ContractException("a node named " + r.name() + " is already registered");
            }
        }
        byte[] next = s.get(Tables.META, NEXT_NODE_INDEX);
        long idx = next == null ? 0 : new org.batteryledger.core.codec.CanonicalReader(next).u64();
        s.put(Tables.META, NEXT_NODE_INDEX, Params.encode(idx + 1));
        // Admitted at this height; it joins the validator set at the next one.
        s.put(Tables.NODE, r.nodeId().value(), new NodeRecord(r.nodeId(), r.name(), r.agency(), r.publicKey(), r.caHash(), idx, height, r.role()).encode());
    }

    private void revokeOwn(StateOverlay s, long height, NodeRecord sender, Payloads.RevokeOwnNode r) {
        NodeRecord target = existing(s, r.nodeId());
        if (!target.agency().equals(sender.agency())) {
            throw new ContractException("node " + target.name() + " belongs to " + target.agency() + ", not " + sender.agency()
                    + ": revoke it through a governance proposal");
        }
        revoke(s, height, r.nodeId(), r.serialOrEmpty());
    }

    private void revoke(StateOverlay s, long height, NodeId nodeId, String serial) {
        byte[] at = Params.encode(height);
        if (nodeId != null) {
            if (Registry.isRevoked(s, nodeId)) {
                throw new ContractException("node " + nodeId.shortId() + " is already revoked");
            }
            s.put(Tables.REVOKED_NODE, nodeId.value(), at);
            requireValidatorsLeft(s);
        }
        if (!serial.isEmpty()) {
            if (!serial.matches("[0-9]{1,80}")) {
                throw new ContractException("a certificate serial is a decimal number, not " + serial);
            }
            s.put(Tables.REVOKED_SERIAL, serial, at);
        }
    }

    private static NodeRecord existing(StateView s, NodeId id) {
        NodeRecord n = Registry.node(s, id);
        if (n == null) {
            throw new ContractException("no registered node " + id.shortId());
        }
        return n;
    }

    private static NodeId parseNodeId(String s) {
        try {
            return new NodeId(s);
        } catch (IllegalArgumentException e) {
            throw new ContractException(e.getMessage());
        }
    }

    /** At least one validator, and no more than fit a NEW-VIEW in a frame ({@link Params#MAX_CONSENSUS_NODES}). */
    private static void requireValidatorsLeft(StateView s) {
        int n = Registry.validators(s).size();
        if (n == 0) {
            throw new ContractException("the chain would have no consensus node left");
        }
        if (n > Params.MAX_CONSENSUS_NODES) {
            throw new ContractException("the chain would have " + n + " consensus nodes; at most " + Params.MAX_CONSENSUS_NODES
                    + " keep every consensus message within the " + Params.MAX_FRAME_BYTES / (1024 * 1024) + " MiB frame limit");
        }
    }

    // --- anchoring and valuations -------------------------------------------------------------------------------

    private void anchor(StateOverlay s, long height, Hash txHash, NodeRecord sender, Payloads.AnchorBatch a) {
        if (a.batchId().isBlank()) {
            throw new ContractException("an anchored batch needs an id");
        }
        if (a.recordCount() < 1) {
            throw new ContractException("an anchored batch holds at least one record");
        }
        if (s.get(Tables.ANCHOR, a.batchRoot().hex()) != null) {
            throw new ContractException("batch root " + a.batchRoot().shortHex() + " is already anchored");
        }
        s.put(Tables.ANCHOR, a.batchRoot().hex(), new Payloads.Anchor(a.batchId(), a.recordCount(), height, txHash, sender.agency()).encode());
    }

    private static void withdrawValuation(StateOverlay s, long height, GovernanceAction.WithdrawValuation w) {
        byte[] raw = s.get(Tables.VALUATION, w.certificateId());
        if (raw == null) {
            throw new ContractException("no registered valuation " + w.certificateId());
        }
        if (w.reason().isBlank()) {
            throw new ContractException("a withdrawal says why");
        }
        Payloads.Valuation v = Payloads.Valuation.decode(raw);
        if (!v.supersededBy().isEmpty()) {
            throw new ContractException("valuation " + w.certificateId() + " is no longer current: " + v.supersededBy());
        }
        s.put(Tables.VALUATION, w.certificateId(), new Payloads.Valuation(v.batteryCode(), v.certificateHash(), v.height(), v.txHash(),
                v.agency(), "withdrawn by governance at block " + height + ": " + w.reason()).encode());
        byte[] id = w.certificateId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String byAgency = v.batteryCode() + "/" + v.agency();
        if (java.util.Arrays.equals(s.get(Tables.VALUATION_BY_AGENCY, byAgency), id)) {
            s.delete(Tables.VALUATION_BY_AGENCY, byAgency); // the agency's next certificate supersedes nothing
        }
        if (java.util.Arrays.equals(s.get(Tables.VALUATION_LATEST, v.batteryCode()), id)) {
            s.delete(Tables.VALUATION_LATEST, v.batteryCode()); // no withdrawn certificate is shown as the battery's latest
        }
    }

    /**
     * Why {@code agency} may not register valuations, or null: an agency declared as neither recycler nor auditor
     * (an undeclared one, from before member kinds, still may).
     */
    public static String valuerRefusal(PointReads s, String agency) {
        Member m = Member.decode(s.get(Tables.AGENCY, agency));
        if (m.kinds().isEmpty() || m.is(MemberKind.RECYCLER) || m.is(MemberKind.AUDITOR)) {
            return null;
        }
        return "agency " + agency + " is a " + String.join(" and ", m.kindLabels()) + " member: only a recycler's or an auditor's node "
                + "registers valuations";
    }

    private void registerValuation(StateOverlay s, long height, Hash txHash, NodeRecord sender, Payloads.RegisterValuation v) {
        if (!BATTERY_CODE.matcher(v.batteryCode()).matches()) {
            throw new ContractException("battery code must be 1-64 characters of [A-Z0-9-], was " + v.batteryCode());
        }
        if (v.certificateId().isBlank()) {
            throw new ContractException("a valuation certificate needs an id");
        }
        if (s.get(Tables.VALUATION, v.certificateId()) != null) {
            throw new ContractException("valuation certificate " + v.certificateId() + " is already registered");
        }
        String valuer = valuerRefusal(s, sender.agency());
        if (valuer != null) {
            throw new ContractException(valuer);
        }
        // A certificate supersedes only its own agency's previous one of the battery: another recycler's stays current.
        String byAgency = v.batteryCode() + "/" + sender.agency();
        byte[] previous = s.get(Tables.VALUATION_BY_AGENCY, byAgency);
        if (previous != null) {
            String previousId = new String(previous, java.nio.charset.StandardCharsets.UTF_8);
            Payloads.Valuation prev = Payloads.Valuation.decode(s.get(Tables.VALUATION, previousId));
            s.put(Tables.VALUATION, previousId, new Payloads.Valuation(prev.batteryCode(), prev.certificateHash(), prev.height(),
                    prev.txHash(), prev.agency(), v.certificateId()).encode());
        }
        byte[] id = v.certificateId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        s.put(Tables.VALUATION, v.certificateId(), new Payloads.Valuation(v.batteryCode(), v.certificateHash(), height, txHash, sender.agency(), "").encode());
        s.put(Tables.VALUATION_BY_AGENCY, byAgency, id);
        s.put(Tables.VALUATION_LATEST, v.batteryCode(), id);
    }
}
