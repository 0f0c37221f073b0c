package org.batteryledger.node.service;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.ReplicaMetrics;
import org.batteryledger.core.pbft.ReplicaView;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.runtime.Participation;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.runtime.ReplicaStatus;
import org.batteryledger.node.store.LedgerStore;
import org.batteryledger.node.store.ReceiptEntity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The local facade for applications on this node: submit transactions, read the chain, the registry and the
 * committed state. Calls never hold a container transaction across the replica's queue.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class LedgerService {
    @EJB
    private WriteGate gate;
    @EJB
    private NodeRuntime runtime;
    @EJB
    private LedgerStore store;
    @EJB
    private Participation participation;

    /** The chain as of the replica's last persist, without a turn of its loop. */
    public ChainView chain() {
        ReplicaStatus s = runtime.status();
        return new ChainView(s.committedHeight(), s.headHash(), s.view(), s.primary(), s.validatorIds(), s.f(), s.chainId(), s.params(),
                s.poolSize());
    }

    /** The committed height, without waiting for the replica. */
    public long height() {
        return runtime.committedHeight();
    }

    public Optional<CommittedBlock> block(long height) {
        return height < 1 ? Optional.empty() : Optional.ofNullable(store.block(height));
    }

    public Optional<Receipt> receipt(String txHash) {
        ReceiptEntity e = store.receipt(txHash);
        return e == null ? Optional.empty() : Optional.of(new Receipt(txHash, e.height(), e.error()));
    }

    /** The receipts of one block's transactions, by transaction hash. */
    public Map<String, Receipt> receipts(long height) {
        Map<String, Receipt> out = new HashMap<>();
        for (ReceiptEntity e : store.receipts(height)) {
            out.put(e.txHash(), new Receipt(e.txHash(), e.height(), e.error()));
        }
        return out;
    }

    /** The chain id and the validators' public keys at the next height, read in one step of the replica. */
    public Validators validators() {
        return runtime.query(r -> new Validators(r.chainId(), Map.copyOf(r.validators().keys())));
    }

    public record Validators(Hash chainId, Map<NodeId, byte[]> keys) {
    }

    /** The registered nodes with their participation in recent commit certificates, links and diagnosis. */
    public List<NodeView> nodes() {
        List<LinkStats> links = runtime.links();
        Participation.Shares p = participation.shares();
        long tickMillis = runtime.tickMillis();
        return runtime.query(r -> nodes(r, p, links, runtime.nodeId(), runtime::inboxDropped, tickMillis));
    }

    /** On the replica's loop: the registry with participation, this node's links and the diagnosis. */
    static List<NodeView> nodes(ReplicaView r, Participation.Shares p, List<LinkStats> links, NodeId self,
                                java.util.function.ToLongFunction<NodeId> inboxDropped, long tickMillis) {
        Map<String, LinkStats> byPeer = new HashMap<>();
        links.forEach(l -> byPeer.put(l.peer(), l));
        Map<NodeId, Long> announced = r.announcedHeights();
        Map<NodeId, ReplicaMetrics.PeerEvidence> evidence = r.metrics().evidence();
        List<NodeView> out = new ArrayList<>();
        for (NodeRecord n : Registry.activeNodes(r.state())) {
            boolean isSelf = n.nodeId().equals(self);
            LinkStats link = isSelf ? null : byPeer.get(n.nodeId().value());
            double overall = p.overall().getOrDefault(n.nodeId(), 0.0);
            double recent = p.recent().getOrDefault(n.nodeId(), 0.0);
            Long lag = !isSelf && announced.containsKey(n.nodeId()) ? r.committedHeight() - announced.get(n.nodeId()) : null;
            // A node is judged on the certificates it could have signed: those after the block that admitted it.
            long since = Math.max(0, r.committedHeight() - n.blockNumber());
            int window = (int) Math.min(r.committedHeight() == 0 ? 0 : p.window(), since);
            int recentWindow = (int) Math.min(p.recentWindow(), since);
            NodeDiagnosis.Diagnosis d = NodeDiagnosis.diagnose(n.role(), isSelf, NodeDiagnosis.shareOfLast(overall, p.window(), window), window,
                    NodeDiagnosis.shareOfLast(recent, p.recentWindow(), recentWindow), recentWindow, link, medianRttOfOthers(links, n.nodeId()), lag);
            out.add(new NodeView(n, isSelf, overall, recent, link, lag, d.status(), d.reason(),
                    isSelf ? null : misbehaviour(r.ticks(), evidence.get(n.nodeId()), link, inboxDropped.applyAsLong(n.nodeId()), tickMillis)));
        }
        return out;
    }

    /** A fault newer than this makes a node "misbehaving" now; older evidence is still shown. */
    static final java.time.Duration RECENT_FAULT = java.time.Duration.ofMinutes(10);

    /** What this node saw {@code peer} send that an honest node never sends, and what its link cost; null if nothing. */
    static NodeView.Misbehaviour misbehaviour(long ticks, ReplicaMetrics.PeerEvidence e, LinkStats link, long overShare, long tickMillis) {
        long throttled = link == null ? 0 : link.throttled();
        if (e == null && overShare == 0 && throttled == 0) {
            return null;
        }
        java.time.Instant now = java.time.Instant.now();
        Map<String, Long> faults = new TreeMap<>();
        java.time.Instant first = null;
        java.time.Instant last = null;
        if (e != null) {
            e.counts().forEach((k, v) -> faults.put(k.name(), v));
            first = now.minusMillis((ticks - e.firstTick()) * tickMillis);
            last = now.minusMillis((ticks - e.lastTick()) * tickMillis);
        }
        boolean recent = last != null && last.isAfter(now.minus(RECENT_FAULT));
        return new NodeView.Misbehaviour(faults, e == null ? 0 : e.total(), first, last, e == null ? null : e.lastDetail(), overShare,
                throttled, recent);
    }

    /** The median round trip of this node's connected links other than the one to {@code judged}, or -1 if none. */
    private static double medianRttOfOthers(List<LinkStats> links, NodeId judged) {
        double[] rtts = links.stream().filter(l -> l.connected() && l.rttMillis() >= 0 && !l.peer().equals(judged.value()))
                .mapToDouble(LinkStats::rttMillis).sorted().toArray();
        return rtts.length == 0 ? -1 : rtts[rtts.length / 2];
    }

    /** The participation window in {@code buckets} slices, oldest first. */
    public List<Participation.Bucket> participationBuckets(int buckets) {
        return participation.buckets(buckets);
    }

    /** Committed blocks {@code from..to} (inclusive) with their certificates, oldest first. */
    public List<CommittedBlock> blocks(long from, long to) {
        return store.blocks(from, to);
    }

    /** When a committed block was made (its proposer's clock, never before its parent's). */
    public java.time.Instant blockTime(long height) {
        return block(height).map(b -> java.time.Instant.ofEpochMilli(b.block().header().timestamp()))
                .orElseThrow(() -> new IllegalStateException("block " + height + " is not on this node"));
    }

    /** What the chain revoked, each with the height of the block that did: node ids, certificate serials, agency CAs by caHash. */
    public record Revocations(java.util.SortedMap<String, Long> nodes, java.util.SortedMap<String, Long> serials,
                              java.util.SortedMap<String, Long> agencyCas) {
    }

    public Revocations revocations() {
        return runtime.query(r -> new Revocations(heights(r.state().scan(Tables.REVOKED_NODE)), heights(r.state().scan(Tables.REVOKED_SERIAL)),
                heights(r.state().scan(Tables.REVOKED_CA))));
    }

    private static java.util.SortedMap<String, Long> heights(java.util.Map<String, byte[]> table) {
        java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
        table.forEach((k, v) -> out.put(k, new org.batteryledger.core.codec.CanonicalReader(v).u64()));
        return out;
    }

    /** One entry of the committed state, from the read model. */
    public Optional<byte[]> state(String table, String key) {
        return runtime.state().get(table, key);
    }

    /** The registered, unrevoked nodes of every role, in index order (one step of the replica). */
    public List<NodeRecord> activeNodes() {
        return runtime.query(r -> Registry.activeNodes(r.state()));
    }

    /** Every agency of the consortium, with nodes or not yet (one step of the replica). */
    public List<String> agencies() {
        return runtime.query(r -> Registry.agencies(r.state()));
    }

    /** The committed state for point reads (registry rules), through the read model. */
    public PointReads committedState() {
        return new CommittedState(runtime.state());
    }

    /** This node's agency, as the registry names it (empty while the node is not registered). */
    public Optional<String> agency() {
        return state(Tables.NODE, runtime.nodeId().value())
                .map(b -> NodeRecord.decode(b).agency());
    }

    /** Returns once the transaction is accepted and durable, or refused with a reason. */
    public SubmitResult submit(Transaction tx) {
        gate.admit();
        return runtime.submit(tx);
    }

    /** A system transaction signed by this node for its agency. */
    public SubmitResult submitAsNode(TxType type, byte[] payload) {
        return runtime.submitAsNode(type, payload);
    }

    /** The height of the block that commits {@code txHash}, or empty if none does within {@code timeout}. */
    public Optional<Long> awaitCommit(Hash txHash, java.time.Duration timeout) {
        try {
            // The runtime forgets the wait at its deadline; the margin lets its own timeout answer first.
            return Optional.of(runtime.commitOf(txHash, timeout).get(timeout.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException
                    || e.getCause() instanceof org.batteryledger.node.availability.Unavailable) {
                return Optional.empty(); // acknowledged, its block not known yet (the replica paused): the caller says "submitted"
            }
            throw new IllegalStateException("waiting for the commit of " + txHash + " failed", e.getCause());
        }
    }

    public CryptoSuite suite() {
        return runtime.suite();
    }

    public String nodeName() {
        return runtime.nodeName();
    }

    public NodeId nodeId() {
        return runtime.nodeId();
    }
}
