package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.json.bind.annotation.JsonbNillable;
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
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
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

    /** The chain's head: height, view and primary, the validators and f, the governed parameters. */
    public record Chain(long height, String headHash, long view, String primary, List<String> validators, int f, String chainId,
                        @Schema(description = "the governed parameters by name (maxBlockTxs, txLifetimeBlocks, ...)") SortedMap<String, Long> params) {
    }

    /** A transaction of a block; {@code error} only when it failed. */
    public record BlockTransaction(String hash, String type, String sender, long nonce, long expiryHeight,
                                   @Schema(description = "the payload's canonical encoding, hex") String payload,
                                   @Schema(description = "the sender's signature over the transaction, hex; what the block's sigRoot commits to") String signature,
                                   boolean ok, String error) {
    }

    /** One seal of a commit certificate: the node and its signature over the block, hex. */
    public record Seal(String nodeId, String signature) {
    }

    /** A block with its transactions and the commit certificate that made it final. */
    public record BlockDetail(long height, String hash, String parentHash, String txRoot, String stateRoot,
                              @Schema(description = "the root over the transactions' signature hashes (a version 2 header); null in blocks of"
                                      + " version 1, whose hash leaves the signatures out") @JsonbNillable String sigRoot, String proposer, long view,
                              String timestamp, List<BlockTransaction> transactions, List<Seal> commitCertificate, long certificateView,
                              @Schema(description = "what the block with its certificate takes on every node") long encodedBytes) {
    }

    /** This node's link to the peer: round trip ({@code null} before the first), throughput, frames dropped or throttled. */
    public record Link(boolean connected, @JsonbNillable Double rttMillis, long sendBytesPerSec, long receiveBytesPerSec, long slowDrops,
                       long throttled) {
    }

    /** The provable faults seen from a node, by kind, and what its link cost. */
    public record Evidence(Map<String, Long> faults, long total, @JsonbNillable String firstSeen, @JsonbNillable String lastSeen,
                           @JsonbNillable String lastDetail, long framesOverShare, long throttled) {
    }

    /**
     * A registered node with its part in consensus as this node sees it; {@code link} for peers, {@code evidence} once it
     * misbehaved, {@code concentration} the warnings about its agency holding more validators than f.
     */
    public record Node(String id, String name, String agency, String caHash, long idx, long blockNumber,
                       @Schema(enumeration = {"consensus", "observer"}) String role,
                       @Schema(enumeration = {"agile", "sluggish", "down"}) String status, double participation, double recentParticipation,
                       @JsonbNillable String reason, boolean self, @JsonbNillable Long lagBlocks, Link link, boolean misbehaving, Evidence evidence,
                       List<String> concentration) {
    }

    /** One agency's share of the validators and what it could do alone ({@link Concentration.Share}). */
    public record AgencyShare(String agency, int validators, boolean exceedsF, boolean blocksQuorum, boolean forksAlone,
                              @JsonbNillable @Schema(description = "the fewest validators to demote; null when demoting cannot help") Integer demote,
                              int addFromOthers, @JsonbNillable String warning) {
    }

    /** Validator concentration per agency, and every warning; empty warnings when the layout is sound. */
    public record ConcentrationView(int validators, int f, int quorum, List<AgencyShare> agencies, List<String> warnings) {
    }

    /** One slice of recent commit certificates: each node's share of them, by node id. */
    public record ParticipationSlice(long fromHeight, long toHeight, Map<String, Double> shares) {
    }

    /** Participation over time, oldest slice first. */
    public record ParticipationView(List<ParticipationSlice> buckets) {
    }

    /** A block's summary: who proposed, in which view, who signed its certificate, its transactions by type. */
    public record BlockSummary(long height, String hash, String timestamp, String proposer, long view, long certificateView, int transactions,
                               Map<String, Long> types, List<String> signers) {
    }

    @GET
    @Path("chain")
    public Chain chain() {
        ChainView c = ledger.chain();
        return new Chain(c.height(), c.headHash().hex(), c.view(), c.primary().value(), c.validators().stream().map(NodeId::value).toList(),
                c.f(), c.chainId().hex(), c.params());
    }

    @GET
    @Path("blocks/{height}")
    public BlockDetail block(@PathParam("height") String heightParam) {
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
        Map<String, Receipt> receipts = ledger.receipts(height);
        List<BlockTransaction> txs = new ArrayList<>();
        for (Transaction tx : b.transactions()) {
            String hash = tx.hash(ledger.suite()).hex();
            Receipt receipt = receipts.get(hash);
            boolean ok = receipt == null || receipt.ok();
            txs.add(new BlockTransaction(hash, tx.type().name(), tx.sender().value(), tx.nonce(), tx.expiryHeight(), Hex.encode(tx.payload()),
                    Hex.encode(tx.signature()), ok,
                    ok ? null : receipt.error()));
        }
        List<Seal> seals = cb.certificate().seals().stream().map(s -> new Seal(s.nodeId().value(), Hex.encode(s.signature()))).toList();
        CanonicalWriter certificate = new CanonicalWriter(512);
        cb.certificate().write(certificate);
        return new BlockDetail(h.height(), b.hash(ledger.suite()).hex(), h.parentHash().hex(), h.txRoot().hex(), h.stateRoot().hex(),
                h.sigRoot() == null ? null : h.sigRoot().hex(), h.proposer().value(), h.view(), Instant.ofEpochMilli(h.timestamp()).toString(), txs, seals, cb.certificate().view(),
                b.encodedSize() + certificate.size());
    }

    /**
     * The registry with each node's part in consensus; {@code concentration} on each node: the warnings about its
     * agency holding more validators than the chain tolerates faulty ({@link Concentration}), empty when it does not.
     */
    @GET
    @Path("nodes")
    public List<Node> nodes() {
        return nodes(ledger.nodes());
    }

    /**
     * Validator concentration per agency: {@code validators}, {@code f}, {@code quorum}, {@code agencies} (each with
     * its validators, {@code exceedsF}, {@code blocksQuorum}, {@code forksAlone}, the fewest to {@code demote} and to
     * {@code addFromOthers}, and its {@code warning}) and every {@code warnings} line, empty when the layout is sound.
     */
    @GET
    @Path("nodes/concentration")
    public ConcentrationView concentration() {
        return concentration(assess(ledger.nodes()));
    }

    static List<Node> nodes(List<NodeView> views) {
        Concentration.Assessment concentration = assess(views);
        List<Node> out = new ArrayList<>();
        for (NodeView v : views) {
            NodeRecord n = v.node();
            LinkStats l = v.link();
            Link link = l == null ? null : new Link(l.connected(), l.rttMillis() < 0 ? null : Math.round(l.rttMillis() * 10) / 10.0,
                    Math.round(l.sendBytesPerSec()), Math.round(l.receiveBytesPerSec()), l.slowDrops(), l.throttled());
            NodeView.Misbehaviour mb = v.misbehaviour();
            Evidence evidence = mb == null ? null : new Evidence(mb.faults(), mb.total(), mb.firstSeen() == null ? null : mb.firstSeen().toString(),
                    mb.lastSeen() == null ? null : mb.lastSeen().toString(), mb.lastDetail(), mb.framesOverShare(), mb.throttled());
            out.add(new Node(n.nodeId().value(), n.name(), n.agency(), n.caHash(), n.idx(), n.blockNumber(), n.role().label(), v.status().label(),
                    round(v.participation()), round(v.recentParticipation()), v.reason(), v.self(), v.lagBlocks(), link, mb != null && mb.recent(),
                    evidence, concentration.warningsFor(n.agency())));
        }
        return out;
    }

    /** The validators are the registry's consensus nodes (the registry holds active nodes only). */
    static Concentration.Assessment assess(List<NodeView> views) {
        return Concentration.of(views.stream().map(NodeView::node).filter(n -> n.role() == Role.CONSENSUS).toList());
    }

    static ConcentrationView concentration(Concentration.Assessment a) {
        List<AgencyShare> agencies = a.agencies().stream().map(s -> new AgencyShare(s.agency(), s.validators(), s.exceedsF(), s.blocksQuorum(),
                s.forksAlone(), s.demote().isPresent() ? Integer.valueOf(s.demote().getAsInt()) : null, s.addFromOthers(), s.warning())).toList();
        return new ConcentrationView(a.validators(), a.f(), a.quorum(), agencies, a.warnings());
    }

    /** Participation over time: the window of recent commit certificates in slices, each node's share of each. */
    @GET
    @Path("nodes/participation")
    public ParticipationView participation(@QueryParam("buckets") @DefaultValue("20") int buckets) {
        if (buckets < 1 || buckets > 200) {
            throw Problem.badRequest("buckets must be from 1 to 200, not " + buckets);
        }
        List<ParticipationSlice> slices = new ArrayList<>();
        for (Participation.Bucket b : ledger.participationBuckets(buckets)) {
            Map<String, Double> shares = new LinkedHashMap<>();
            b.shares().forEach((id, share) -> shares.put(id.value(), round(share)));
            slices.add(new ParticipationSlice(b.fromHeight(), b.toHeight(), shares));
        }
        return new ParticipationView(slices);
    }

    /**
     * Block summaries, newest first: {@code limit} blocks below {@code before} (default: the head). Who proposed, in
     * which view, who signed the commit certificate, how many transactions of which type.
     */
    @GET
    @Path("chain/blocks")
    public List<BlockSummary> blocks(@QueryParam("before") Long before, @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > MAX_BLOCKS) {
            throw Problem.badRequest("limit must be from 1 to " + MAX_BLOCKS + ", not " + limit);
        }
        long head = ledger.height();
        long to = before == null ? head : Math.min(head, before - 1);
        long from = Math.max(1, to - limit + 1);
        List<BlockSummary> out = new ArrayList<>();
        if (to < 1) {
            return out;
        }
        List<CommittedBlock> blocks = ledger.blocks(from, to);
        for (int i = blocks.size() - 1; i >= 0; i--) {
            CommittedBlock cb = blocks.get(i);
            BlockHeader h = cb.block().header();
            Map<String, Long> types = new TreeMap<>();
            cb.block().transactions().forEach(tx -> types.merge(tx.type().name(), 1L, Long::sum));
            out.add(new BlockSummary(h.height(), cb.block().hash(ledger.suite()).hex(), Instant.ofEpochMilli(h.timestamp()).toString(),
                    h.proposer().value(), h.view(), cb.certificate().view(), cb.block().transactions().size(), types,
                    cb.certificate().seals().stream().map(seal -> seal.nodeId().value()).toList()));
        }
        return out;
    }

    private static double round(double share) {
        return Math.round(share * 1000) / 1000.0;
    }
}
