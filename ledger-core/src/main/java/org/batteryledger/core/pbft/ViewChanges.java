package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.pbft.ReplicaState.VoteKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * View changes (Castro & Liskov §4.4, §4.5.2): on timeout (exponential backoff) a validator moves to the next view
 * and sends a VIEW-CHANGE with its highest prepared certificate; f+1 view changes for later views make it join the
 * smallest; the new primary, once a quorum asked for its view, sends NEW-VIEW re-proposing the block prepared in the
 * highest view, or a fresh one.
 */
final class ViewChanges {
    /** Ticks a view waits for a primary this node has no link to: two, so a tick that came early does not end it alone. */
    static final long UNREACHABLE_PRIMARY_TICKS = 2;
    private final ReplicaState s;
    private final FutureBuffer future;
    private final ViewChangeValidator viewChangeValidator;
    private final NewViewValidator newViewValidator;
    private final NormalCase normal;
    private final Proposer proposer;

    ViewChanges(ReplicaState s, FutureBuffer future, ViewChangeValidator viewChangeValidator, NewViewValidator newViewValidator,
                NormalCase normal, Proposer proposer) {
        this.s = s;
        this.future = future;
        this.viewChangeValidator = viewChangeValidator;
        this.newViewValidator = newViewValidator;
        this.normal = normal;
        this.proposer = proposer;
    }

    /** The view timer: runs while there is something to decide, and starts a view change when it expires. */
    void onTick() {
        if (s.isValidator() && timerRunning()) {
            s.ticksInView++;
            if (s.ticksInView >= timeoutTicks()) {
                startViewChange(s.view + 1);
            }
        }
    }

    private boolean timerRunning() {
        return !s.pool.isEmpty() || !s.knownBlocks.isEmpty() || s.view > 0 || !s.ownMessages.isEmpty();
    }

    /**
     * The view-change timeout at the current view: the genesis base, doubled per view (§4.5.2), capped; and at most
     * {@link #UNREACHABLE_PRIMARY_TICKS} while this node has no link to the view's primary ({@link Replica#linkDown})
     * but still reaches a quorum. With more than f validators out of reach no view can decide, and hurrying through
     * views would only double the timeout of the view that finally can (a node started before its peers).
     */
    private long timeoutTicks() {
        long base = Params.get(s.state, Params.VIEW_CHANGE_TIMEOUT_TICKS);
        long max = Params.get(s.state, Params.MAX_VIEW_CHANGE_TIMEOUT_TICKS);
        long timeout = Math.min(max, base << Math.min(s.view, 20));
        if (!s.unreachable.contains(s.validators.primary(s.height, s.view))) {
            return timeout;
        }
        long outOfReach = s.unreachable.stream().filter(s.validators::contains).count();
        return outOfReach <= s.validators.f() ? Math.min(timeout, UNREACHABLE_PRIMARY_TICKS) : timeout;
    }

    private void startViewChange(int newView) {
        if (newView <= s.view) {
            return;
        }
        s.view = newView;
        s.ticksInView = 0;
        s.metrics.viewChangesStarted++;
        if (!s.isValidator()) {
            return;
        }
        ViewChange unsigned = new ViewChange(s.height, newView, s.prepared, s.self, new byte[0]);
        Hash preparedHash = s.prepared == null ? Hash.ZERO : s.prepared.blockHash(s.suite);
        ViewChange vc = new ViewChange(s.height, newView, s.prepared, s.self, s.sign(VoteKind.VIEW_CHANGE, newView, preparedHash, unsigned));
        s.emit(vc);
        s.viewChanges.computeIfAbsent(newView, v -> new LinkedHashMap<>()).put(s.self, vc);
        tryNewView(newView);
    }

    void onViewChange(NodeId from, ViewChange vc) {
        if (!future.atCurrentHeight(from, vc) || !s.passes(from, viewChangeValidator.validate(vc))) {
            return;
        }
        s.viewChanges.computeIfAbsent(vc.view(), v -> new LinkedHashMap<>()).put(vc.sender(), vc);
        // §4.5.2: f+1 replicas asking for later views include an honest one that timed out: join the smallest.
        Set<NodeId> ahead = new HashSet<>();
        for (Map<NodeId, ViewChange> set : s.viewChanges.tailMap(s.view, false).values()) {
            ahead.addAll(set.keySet());
        }
        if (ahead.size() >= Quorum.weak(s.validators.size())) {
            startViewChange(s.viewChanges.tailMap(s.view, false).firstKey());
        }
        tryNewView(vc.view());
    }

    /** The new primary, once a quorum asked for its view, sends NEW-VIEW (§4.4). */
    void tryNewView(int v) {
        if (v != s.view || v == 0 || !s.isValidator() || !s.isPrimary(v)) {
            return;
        }
        Slot slot = s.slot(v);
        LinkedHashMap<NodeId, ViewChange> set = s.viewChanges.get(v);
        if (slot.prePrepare != null || set == null || set.size() < s.validators.quorum()) {
            return;
        }
        List<ViewChange> chosen = new ArrayList<>(new TreeMap<>(set).values()).subList(0, s.validators.quorum());
        PreparedCertificate best = highestPrepared(chosen);
        // The prepared block was validated when its view change (or this replica's own pre-prepare) brought it.
        Block block = best != null ? s.knownBlocks.get(best.blockHash(s.suite)) : proposer.buildBlock(v);
        if (block == null) {
            return; // nothing prepared and nothing to propose yet: retried as transactions arrive
        }
        Hash h = block.hash(s.suite);
        PrePrepare pp = new PrePrepare(s.height, v, block, s.self,
                s.sign(VoteKind.PRE_PREPARE, v, h, new PrePrepare(s.height, v, block, s.self, new byte[0])));
        NewView unsigned = new NewView(s.height, v, chosen, pp, s.self, new byte[0]);
        NewView nv = new NewView(s.height, v, chosen, pp, s.self, s.sign(VoteKind.NEW_VIEW, v, h, unsigned));
        s.emit(nv);
        normal.accept(slot, pp);
    }

    static PreparedCertificate highestPrepared(List<ViewChange> vcs) {
        PreparedCertificate best = null;
        for (ViewChange vc : vcs) {
            if (vc.prepared() != null && (best == null || vc.prepared().view() > best.view())) {
                best = vc.prepared();
            }
        }
        return best;
    }

    void onNewView(NodeId from, NewView nv) {
        if (!future.atCurrentHeight(from, nv) || !s.passes(from, newViewValidator.validate(nv))) {
            return;
        }
        if (nv.view() > s.view) {
            s.view = nv.view();
            s.ticksInView = 0;
        }
        for (ViewChange vc : nv.viewChanges()) {
            s.viewChanges.computeIfAbsent(nv.view(), v -> new LinkedHashMap<>()).putIfAbsent(vc.sender(), vc);
        }
        normal.accept(s.slot(nv.view()), nv.prePrepare());
    }
}
