package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.Concentration;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.runtime.Participation;
import org.batteryledger.node.service.ChainView;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.service.NodeView;
import org.batteryledger.node.service.Receipt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The chain as this node holds it: head, blocks with their commit certificates, the node registry. */
@jakarta.enterprise.context.RequestScoped
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "chain")
public class ChainResource {
    private static final int MAX_BLOCKS = 500;
    @EJB
    private LedgerService ledger;

    @GET
    @Path("chain")
    public Map<String, Object> chain() {
        ChainView c = ledger.chain();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("height", c.height());
        m.put("headHash", c.headHash().hex());
        m.put("view", c.view());
        m.put("primary", c.primary().value());
        m.put("validators", c.validators().stream().map(NodeId::value).toList());
        m.put("f", c.f());
        m.put("chainId", c.chainId().hex());
        m.put("params", c.params());
        return m;
    }

    @GET
    @Path("blocks/{height}")
    public Map<String, Object> block(@PathParam("height") String heightParam) {
        long height;
        try {
            height = Long.parseLong(heightParam);
        } catch (NumberFormatException e) {
            throw Problem.badRequest("a block height is a whole number, not '" + heightParam + "'");
        }
        CommittedBlock cb = ledger.block(height)
                .orElseThrow(() -> Problem.notFound("no block at height " + height + " on node " + ledger.nodeName()));
        Block b = cb.block();
        BlockHeader h = b.header();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("height", h.height());
        m.put("hash", b.hash(ledger.suite()).hex());
        m.put("parentHash", h.parentHash().hex());
        m.put("txRoot", h.txRoot().hex());
        m.put("stateRoot", h.stateRoot().hex());
        m.put("proposer", h.proposer().value());
        m.put("view", h.view());
        m.put("timestamp", Instant.ofEpochMilli(h.timestamp()).toString());
        Map<String, Receipt> receipts = ledger.receipts(height);
        List<Map<String, Object>> txs = new ArrayList<>();
        for (Transaction tx : b.transactions()) {
            Map<String, Object> t = new LinkedHashMap<>();
            String hash = tx.hash(ledger.suite()).hex();
            t.put("hash", hash);
            t.put("type", tx.type().name());
            t.put("sender", tx.sender().value());
            t.put("nonce", tx.nonce());
            t.put("expiryHeight", tx.expiryHeight());
            t.put("payload", Hex.encode(tx.payload()));
            Receipt receipt = receipts.get(hash);
            t.put("ok", receipt == null || receipt.ok());
            if (receipt != null && !receipt.ok()) {
                t.put("error", receipt.error());
            }
            txs.add(t);
        }
        m.put("transactions", txs);
        List<Map<String, Object>> seals = new ArrayList<>();
        for (CommitSeal s : cb.certificate().seals()) {
            seals.add(Map.of("nodeId", s.nodeId().value(), "signature", Hex.encode(s.signature())));
        }
        m.put("commitCertificate", seals);
        m.put("certificateView", cb.certificate().view());
        CanonicalWriter certificate = new CanonicalWriter(512);
        cb.certificate().write(certificate);
        m.put("encodedBytes", b.encodedSize() + certificate.size()); // what the block with its certificate takes on every node
        return m;
    }

    /**
     * The registry with each node's part in consensus; {@code concentration} on each node: the warnings about its
     * agency holding more validators than the chain tolerates faulty ({@link Concentration}), empty when it does not.
     */
    @GET
    @Path("nodes")
    public List<Map<String, Object>> nodes() {
        return nodes(ledger.nodes());
    }

    /**
     * Validator concentration per agency: {@code validators}, {@code f}, {@code quorum}, {@code agencies} (each with
     * its validators, {@code exceedsF}, {@code blocksQuorum}, {@code forksAlone}, the fewest to {@code demote} and to
     * {@code addFromOthers}, and its {@code warning}) and every {@code warnings} line, empty when the layout is sound.
     */
    @GET
    @Path("nodes/concentration")
    public Map<String, Object> concentration() {
        return concentration(assess(ledger.nodes()));
    }

    static List<Map<String, Object>> nodes(List<NodeView> views) {
        Concentration.Assessment concentration = assess(views);
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeView v : views) {
            NodeRecord n = v.node();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", n.nodeId().value());
            m.put("name", n.name());
            m.put("agency", n.agency());
            m.put("caHash", n.caHash());
            m.put("idx", n.idx());
            m.put("blockNumber", n.blockNumber());
            m.put("role", n.role().label());
            m.put("status", v.status().label());
            m.put("participation", round(v.participation()));
            m.put("recentParticipation", round(v.recentParticipation()));
            m.put("reason", v.reason());
            m.put("self", v.self());
            m.put("lagBlocks", v.lagBlocks());
            if (v.link() != null) {
                LinkStats l = v.link();
                Map<String, Object> link = new LinkedHashMap<>();
                link.put("connected", l.connected());
                link.put("rttMillis", l.rttMillis() < 0 ? null : Math.round(l.rttMillis() * 10) / 10.0);
                link.put("sendBytesPerSec", Math.round(l.sendBytesPerSec()));
                link.put("receiveBytesPerSec", Math.round(l.receiveBytesPerSec()));
                link.put("slowDrops", l.slowDrops());
                link.put("throttled", l.throttled());
                m.put("link", link);
            }
            NodeView.Misbehaviour mb = v.misbehaviour();
            m.put("misbehaving", mb != null && mb.recent());
            if (mb != null) {
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("faults", mb.faults());
                evidence.put("total", mb.total());
                evidence.put("firstSeen", mb.firstSeen() == null ? null : mb.firstSeen().toString());
                evidence.put("lastSeen", mb.lastSeen() == null ? null : mb.lastSeen().toString());
                evidence.put("lastDetail", mb.lastDetail());
                evidence.put("framesOverShare", mb.framesOverShare());
                evidence.put("throttled", mb.throttled());
                m.put("evidence", evidence);
            }
            m.put("concentration", concentration.warningsFor(n.agency()));
            out.add(m);
        }
        return out;
    }

    /** The validators are the registry's consensus nodes (the registry holds active nodes only). */
    static Concentration.Assessment assess(List<NodeView> views) {
        return Concentration.of(views.stream().map(NodeView::node).filter(n -> n.role() == Role.CONSENSUS).toList());
    }

    static Map<String, Object> concentration(Concentration.Assessment a) {
        List<Map<String, Object>> agencies = new ArrayList<>();
        for (Concentration.Share s : a.agencies()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agency", s.agency());
            m.put("validators", s.validators());
            m.put("exceedsF", s.exceedsF());
            m.put("blocksQuorum", s.blocksQuorum());
            m.put("forksAlone", s.forksAlone());
            m.put("demote", s.demote().isPresent() ? s.demote().getAsInt() : null); // null: demoting cannot help
            m.put("addFromOthers", s.addFromOthers());
            m.put("warning", s.warning());
            agencies.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("validators", a.validators());
        m.put("f", a.f());
        m.put("quorum", a.quorum());
        m.put("agencies", agencies);
        m.put("warnings", a.warnings());
        return m;
    }

    /** Participation over time: the window of recent commit certificates in slices, each node's share of each. */
    @GET
    @Path("nodes/participation")
    public Map<String, Object> participation(@QueryParam("buckets") @DefaultValue("20") int buckets) {
        if (buckets < 1 || buckets > 200) {
            throw Problem.badRequest("buckets must be from 1 to 200, not " + buckets);
        }
        List<Map<String, Object>> slices = new ArrayList<>();
        for (Participation.Bucket b : ledger.participationBuckets(buckets)) {
            Map<String, Object> shares = new LinkedHashMap<>();
            b.shares().forEach((id, share) -> shares.put(id.value(), round(share)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fromHeight", b.fromHeight());
            m.put("toHeight", b.toHeight());
            m.put("shares", shares);
            slices.add(m);
        }
        return Map.of("buckets", slices);
    }

    /**
     * Block summaries, newest first: {@code limit} blocks below {@code before} (default: the head). Who proposed, in
     * which view, who signed the commit certificate, how many transactions of which type.
     */
    @GET
    @Path("chain/blocks")
    public List<Map<String, Object>> blocks(@QueryParam("before") Long before, @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > MAX_BLOCKS) {
            throw Problem.badRequest("limit must be from 1 to " + MAX_BLOCKS + ", not " + limit);
        }
        long head = ledger.height();
        long to = before == null ? head : Math.min(head, before - 1);
        long from = Math.max(1, to - limit + 1);
        List<Map<String, Object>> out = new ArrayList<>();
        if (to < 1) {
            return out;
        }
        List<CommittedBlock> blocks = ledger.blocks(from, to);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            CommittedBlock cb = blocks.get(i);
            BlockHeader h = cb.block().header();
            Map<String, Long> types = new TreeMap<>();
            cb.block().transactions().forEach(tx -> types.merge(tx.type().name(), 1L, Long::sum));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("height", h.height());
            m.put("hash", cb.block().hash(ledger.suite()).hex());
            m.put("timestamp", Instant.ofEpochMilli(h.timestamp()).toString());
            m.put("proposer", h.proposer().value());
            m.put("view", h.view());
            m.put("certificateView", cb.certificate().view());
            m.put("transactions", cb.block().transactions().size());
            m.put("types", types);
            m.put("signers", cb.certificate().seals().stream().map(seal -> seal.nodeId().value()).toList());
            out.add(m);
        }
        return out;
    }

    private static double round(double share) {
        return Math.round(share * 1000) / 1000.0;
    }
}
