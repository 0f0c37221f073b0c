package org.batteryledger.core.pbft;

import org.batteryledger.core.contract.Params;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Votes for heights this replica has not reached yet, kept (not dropped) because they often arrive just before the
 * commit that gets it there. Only a validator's message whose signature verifies is kept, and each signer has a share
 * (messages and bytes): a faulty member can fill its own share and no one else's. Beyond the window, or beyond the
 * share, a message is dropped; PBFT retransmits and block sync fetches what was missed.
 */
final class FutureBuffer {
    static final int MAX_MESSAGES_PER_SENDER = 256;
    /** Slack for announcements that are late (every status interval) while the chain moves on. */
    static final long FAR_HEIGHTS = 1_000;

    private record Buffered(NodeId from, PbftMessage.Signed message, long height, long bytes) {
    }

    private static final class Share {
        int messages;
        long bytes;
    }

    private final ReplicaState s;
    private final MessageSignatures signatures;
    private final BlockSync sync;
    private final ArrayDeque<Buffered> queue = new ArrayDeque<>();
    private final Map<NodeId, Share> shares = new HashMap<>();

    FutureBuffer(ReplicaState s, MessageSignatures signatures, BlockSync sync) {
        this.s = s;
        this.signatures = signatures;
        this.sync = sync;
    }

    /** True when {@code m} is for the height being decided; else it is buffered or dropped, and counted. */
    boolean atCurrentHeight(NodeId from, PbftMessage.Signed m) {
        long h = m.height();
        if (h == s.height) {
            return true;
        }
        if (h < s.height) {
            s.reject(from, Rejection.COMMITTED_HEIGHT);
            return false;
        }
        Rejected bad = signatures.check(m);
        if (bad != null) {
            s.reject(from, bad.within("message for height " + h));
            return false;
        }
        if (h > s.height + s.config.futureHeightWindow()) {
            Long nearest = sync.highestAnnouncedByAllBut(m.sender());
            if (nearest != null && h - 1 > nearest + FAR_HEIGHTS) {
                s.reject(from, Rejected.of(Rejection.HEIGHT_BEYOND_CONSORTIUM, m.sender().shortId() + " votes at height " + h
                        + "; the other validators announce at most " + nearest));
                return false;
            }
            s.reject(from, Rejected.of(Rejection.TOO_FAR_AHEAD, "height " + h + " while deciding " + s.height));
            sync.noteAhead(from, h - 1);
            return false;
        }
        long bytes = sizeOf(m);
        Share share = shares.computeIfAbsent(m.sender(), k -> new Share());
        if (share.messages >= MAX_MESSAGES_PER_SENDER || share.bytes + bytes > maxBytesPerSender()) {
            s.reject(from, Rejected.of(Rejection.FUTURE_SHARE_FULL, m.sender().shortId() + " has " + share.messages + " messages, "
                    + share.bytes + " bytes buffered"));
            return false;
        }
        share.messages++;
        share.bytes += bytes;
        queue.addLast(new Buffered(from, m, h, bytes));
        if (h > s.height + 1) {
            sync.noteAhead(from, h - 1);
        }
        return false;
    }

    /** The buffered messages of the height now being decided, in arrival order; older ones leave, later ones stay. */
    List<Map.Entry<NodeId, PbftMessage.Signed>> takeCurrent() {
        List<Map.Entry<NodeId, PbftMessage.Signed>> out = new ArrayList<>();
        int n = queue.size();
        for (int i = 0; i < n; i++) {
            Buffered b = queue.pollFirst();
            if (b.height() > s.height && b.height() <= s.height + s.config.futureHeightWindow()) {
                queue.addLast(b);
                continue;
            }
            Share share = shares.get(b.message().sender());
            share.messages--;
            share.bytes -= b.bytes();
            if (share.messages == 0) {
                shares.remove(b.message().sender());
            }
            if (b.height() == s.height) {
                out.add(Map.entry(b.from(), b.message()));
            }
        }
        return out;
    }

    int size() {
        return queue.size();
    }

    /** Two of the largest blocks and a margin: enough for a proposal and a re-proposal a height ahead. */
    private long maxBytesPerSender() {
        return 2 * Params.get(s.state, Params.MAX_BLOCK_BYTES) + (1 << 20);
    }

    /** An upper estimate of the decoded message's weight, without encoding it again. */
    static long sizeOf(PbftMessage.Signed m) {
        if (m instanceof PrePrepare pp) {
            return 256L + pp.block().encodedSize();
        }
        if (m instanceof ViewChange vc) {
            return 256L + (vc.prepared() == null ? 0 : vc.prepared().prePrepare().block().encodedSize() + 256L * vc.prepared().prepares().size());
        }
        if (m instanceof NewView nv) {
            long bytes = sizeOf(nv.prePrepare());
            for (ViewChange vc : nv.viewChanges()) {
                bytes += sizeOf(vc);
            }
            return bytes;
        }
        return 256;
    }
}
