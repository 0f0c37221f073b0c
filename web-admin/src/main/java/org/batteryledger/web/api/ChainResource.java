package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.service.ChainView;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.service.NodeView;
import org.batteryledger.node.service.Receipt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chain as this node holds it: head, blocks with their commit certificates, the node registry. */
@jakarta.enterprise.context.RequestScoped
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ChainResource {
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

    @GET
    @Path("nodes")
    public List<Map<String, Object>> nodes() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NodeView v : ledger.nodes()) {
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
            m.put("participation", Math.round(v.participation() * 1000) / 1000.0);
            out.add(m);
        }
        return out;
    }
}
