package org.batteryledger.launcher;

import org.batteryledger.launcher.client.NodeClient;

/**
 * Keeps blocks coming on a quiet chain (there are no empty blocks) without leaving proposals open: each call either
 * proposes a parameter set to its current value (approving it would change nothing), or withdraws the last such
 * proposal once it is committed.
 * Whoever waits minutes for the chain to move (add-node for the new node's first seal, a drill) so charges its agency
 * one open proposal, not hundreds of its {@code maxOpenProposalsPerAgency}.
 */
public final class ChainNudge {
    private final NodeClient node;
    private String open;

    /** Nudges through {@code node}, as its admin. */
    public ChainNudge(NodeClient node) {
        this.node = node;
    }

    /** One transaction: the proposal, or its withdrawal once committed. */
    public void next() throws Exception {
        if (open != null) {
            // 404: not committed yet, ask again next time; 409: decided, or a chain without the bound: propose anew
            int status = withdraw();
            if (status == 202 || status == 409) {
                open = null;
            }
            return;
        }
        long lifetime = node.getJson("/chain").path("params").path("txLifetimeBlocks").asLong();
        NodeClient.Reply r = node.post("admin", "/admin/proposals",
                "{\"action\":\"set-parameter\",\"name\":\"txLifetimeBlocks\",\"value\":" + lifetime + "}");
        open = r.status() == 202 ? r.json().path("txHash").asText(null) : null;
    }

    /** Withdraws the last proposal if one is open (best effort: it may not be committed yet). */
    public void withdrawLast() throws Exception {
        if (open != null) {
            withdraw();
            open = null;
        }
    }

    private int withdraw() throws Exception {
        return node.call("admin", "DELETE", "/admin/proposals/" + open, null).status();
    }
}
