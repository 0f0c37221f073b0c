package org.batteryledger.node.net;

import io.netty.channel.Channel;
import org.batteryledger.core.crypto.NodeId;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Who may hold a link after its handshake: a peer the registry admits, not revoked (by node id or by a serial in its
 * certificate chain), with certificates in their validity ({@link PeerInfo#refusal}). Checked at each handshake and
 * again on open links when the registry changes and at every ping interval (certificates expire on open links too).
 * A refused link is closed, counted and its reason kept, for operators and tests.
 */
final class LinkGate {
    private static final Logger LOG = Logger.getLogger(PeerNetwork.class.getName());

    /** Nobody is admitted until the registry says who is. */
    private volatile PeerAdmission.Admission admission = new PeerAdmission.Admission(Set.of(), Set.of(), Set.of());
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastRefusal;

    /** From now on links are kept only for {@code a.admitted()} (the caller rechecks the open ones). */
    void admission(PeerAdmission.Admission a) {
        this.admission = a;
    }

    /** Whether the registry admits {@code peer} now: a peer not admitted yet is not dialled. */
    boolean admitted(NodeId peer) {
        return admission.admitted().contains(peer);
    }

    /** A link whose handshake completed: true if it may stay, else it is closed here, counted and its reason kept. */
    boolean admit(Channel ch, NodeId peer, PeerInfo info) {
        String refusal = info.refusal(peer, admission);
        if (refusal == null) {
            return true;
        }
        refuse(ch, refusal);
        return false;
    }

    /** Closes every one of {@code open} (links past their handshake, each with its peer and info) refused now. */
    void recheck(Collection<Channel> open) {
        PeerAdmission.Admission a = admission;
        for (Channel ch : open) {
            NodeId peer = ch.attr(PeerNetwork.PEER).get();
            PeerInfo info = ch.attr(PeerNetwork.INFO).get();
            if (peer != null && info != null) {
                String refusal = info.refusal(peer, a);
                if (refusal != null) {
                    info.refused = true;
                    refuse(ch, refusal);
                }
            }
        }
    }

    private void refuse(Channel ch, String reason) {
        refused.incrementAndGet();
        lastRefusal = reason;
        LOG.warning(() -> "peer link " + ch.remoteAddress() + " closed: " + reason);
        ch.close();
    }

    /** Links closed because their peer was not admitted, revoked or expired. */
    long refused() {
        return refused.get();
    }

    /** Why the last link was closed after its handshake (null if none was). */
    String lastRefusal() {
        return lastRefusal;
    }
}
