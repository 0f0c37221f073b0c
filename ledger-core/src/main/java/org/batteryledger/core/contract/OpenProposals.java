package org.batteryledger.core.contract;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.StateOverlay;
import org.batteryledger.core.state.StateView;

import java.util.Map;
import java.util.TreeMap;

/**
 * Each agency's open proposals, and their bound. Without one any member could propose as fast as its share of the
 * pool allows, and every proposal nobody approves would stay in every node's state for good: a faulty member could
 * grow every node's heap as fast as the chain commits. With {@link Params#MAX_OPEN_PROPOSALS_PER_AGENCY} set, an agency
 * at the bound has each further proposal refused until one of its own is decided or withdrawn, and the proposals in
 * state stay under the bound times the agencies plus the decided ones (each of which a quorum of agencies approved).
 *
 * <p>The count of each agency's open proposals is state (table {@link Tables#PROPOSAL_OPEN}), kept only while the bound
 * is set, so that a chain from before the rule, which never set it, replays to the same state roots. The governance
 * decision that first sets it counts the proposals open then ({@link #countAll}).
 */
final class OpenProposals {
    private OpenProposals() {
    }

    /** The bound, or 0 while the chain has none. */
    static long bound(StateView s) {
        return Params.get(s, Params.MAX_OPEN_PROPOSALS_PER_AGENCY);
    }

    /** Refuses a new proposal of {@code agency} when it already has as many open as the bound allows. */
    static void requireRoom(StateView s, String agency) {
        long bound = bound(s);
        if (bound == 0) {
            return;
        }
        long open = count(s, agency);
        if (open >= bound) {
            throw new ContractException("agency " + agency + " has " + open + " open proposals, the most " + Params.MAX_OPEN_PROPOSALS_PER_AGENCY
                    + " allows: withdraw one, or have one decided, first");
        }
    }

    /**
     * Writes a proposal's new version ({@code after}; null deletes it) and keeps its agency's count: one less when an
     * open proposal is decided or withdrawn, one more when a new one stays open.
     */
    static void store(StateOverlay s, String id, Proposal before, Proposal after) {
        if (after == null) {
            s.delete(Tables.PROPOSAL, id);
        } else {
            s.put(Tables.PROPOSAL, id, after.encode());
        }
        boolean wasOpen = before != null && before.status() == Proposal.Status.OPEN;
        boolean isOpen = after != null && after.status() == Proposal.Status.OPEN;
        if (wasOpen != isOpen && bound(s) != 0) {
            String agency = (before != null ? before : after).proposerAgency();
            setCount(s, agency, count(s, agency) + (isOpen ? 1 : -1));
        }
    }

    /** An agency takes back one of its own open proposals: it leaves the state (the chain keeps the history). */
    static void withdraw(StateOverlay s, String agency, Hash proposalId) {
        byte[] raw = s.get(Tables.PROPOSAL, proposalId.hex());
        if (raw == null) {
            throw new ContractException("no proposal " + proposalId.shortHex());
        }
        Proposal p = Proposal.decode(raw);
        if (p.status() != Proposal.Status.OPEN) {
            throw new ContractException("proposal " + proposalId.shortHex() + " is already " + p.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!p.proposerAgency().equals(agency)) {
            throw new ContractException("proposal " + proposalId.shortHex() + " is agency " + p.proposerAgency() + "'s: only it can withdraw it");
        }
        store(s, proposalId.hex(), p, null);
    }

    /**
     * Counts the proposals open now, agency by agency: run when the bound is first set (a pass over the proposals, once).
     * Called before the parameter is written, so that {@link #store} of the deciding proposal then finds the count.
     */
    static void countAll(StateOverlay s) {
        if (bound(s) != 0) {
            return;
        }
        Map<String, Long> open = new TreeMap<>();
        for (byte[] raw : s.scan(Tables.PROPOSAL).values()) {
            Proposal p = Proposal.decode(raw);
            if (p.status() == Proposal.Status.OPEN) {
                open.merge(p.proposerAgency(), 1L, Long::sum);
            }
        }
        open.forEach((agency, n) -> setCount(s, agency, n));
    }

    static long count(StateView s, String agency) {
        byte[] v = s.get(Tables.PROPOSAL_OPEN, agency);
        return v == null ? 0 : new CanonicalReader(v).u64();
    }

    private static void setCount(StateOverlay s, String agency, long n) {
        if (n <= 0) {
            s.delete(Tables.PROPOSAL_OPEN, agency); // no entry for an agency with none open: the table holds only what is open
        } else {
            s.put(Tables.PROPOSAL_OPEN, agency, Params.encode(n));
        }
    }
}
