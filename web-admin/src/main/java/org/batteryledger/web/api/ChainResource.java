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
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Registry;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.ValidatorSet;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.store.ReceiptEntity;

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
    /** Below this share of recent certificates a consensus node is flagged sluggish. */
    static final double SLUGGISH_BELOW = 0.2;

    @EJB
    private NodeRuntime runtime;

    @GET
    @Path("chain")
    public Map<String, Object> chain() {
        return runtime.query(r -> {
            ValidatorSet v = r.validators();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("height", r.committedHeight());
            m.put("headHash", r.headHash().hex());
            m.put("view", r.view());
            m.put("primary", r.primary().value());
            List<String> validators = new ArrayList<>();
            v.members().forEach(n -> validators.add(n.nodeId().value()));
            m.put("validators", validators);
            m.put("f", v.f());
            m.put("chainId", r.chainId().hex());
            Map<String, Object> params = new LinkedHashMap<>();
            for (String name : new java.util.TreeSet<>(org.batteryledger.core.contract.Params.defaults().keySet())) {
                params.put(name, org.batteryledger.core.contract.Params.get(r.state(), name));
            }
            m.put("params", params);
            return m;
        });
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
        CommittedBlock cb = height < 1 ? null : runtime.block(height);
        if (cb == null) {
            throw Problem.notFound("no block at height " + height + " on node " + runtime.nodeName());
        }
        Block b = cb.block();
        BlockHeader h = b.header();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("height", h.height());
        m.put("hash", b.hash(runtime.suite()).hex());
        m.put("parentHash", h.parentHash().hex());
        m.put("txRoot", h.txRoot().hex());
        m.put("stateRoot", h.stateRoot().hex());
        m.put("proposer", h.proposer().value());
        m.put("view", h.view());
        m.put("timestamp", Instant.ofEpochMilli(h.timestamp()).toString());
        List<Map<String, Object>> txs = new ArrayList<>();
        for (Transaction tx : b.transactions()) {
            Map<String, Object> t = new LinkedHashMap<>();
            String hash = tx.hash(runtime.suite()).hex();
            t.put("hash", hash);
            t.put("type", tx.type().name());
            t.put("sender", tx.sender().value());
            t.put("nonce", tx.nonce());
            t.put("expiryHeight", tx.expiryHeight());
            t.put("payload", Hex.encode(tx.payload()));
            ReceiptEntity receipt = runtime.receipt(hash);
            t.put("ok", receipt == null || receipt.error() == null);
            if (receipt != null && receipt.error() != null) {
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
        return m;
    }

    @GET
    @Path("nodes")
    public List<Map<String, Object>> nodes() {
        Map<NodeId, Double> participation = runtime.participation();
        return runtime.query(r -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (NodeRecord n : Registry.activeNodes(r.state())) {
                out.add(nodeView(r, n, participation.getOrDefault(n.nodeId(), 0.0)));
            }
            return out;
        });
    }

    private static Map<String, Object> nodeView(Replica r, NodeRecord n, double participation) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", n.nodeId().value());
        m.put("name", n.name());
        m.put("agency", n.agency());
        m.put("caHash", n.caHash());
        m.put("idx", n.idx());
        m.put("blockNumber", n.blockNumber());
        m.put("role", n.role().label());
        String status;
        if (n.role() == Role.OBSERVER || r.committedHeight() == 0) {
            status = "agile";
        } else {
            status = participation >= SLUGGISH_BELOW ? "agile" : participation > 0 ? "sluggish" : "down";
        }
        m.put("status", status);
        m.put("participation", Math.round(participation * 1000) / 1000.0);
        return m;
    }
}
