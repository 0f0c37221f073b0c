package org.batteryledger.node.net;

import io.netty.channel.Channel;
import org.batteryledger.core.crypto.NodeId;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What the ping interval checks on the outbound links besides the ping itself: each link's send and receive rates,
 * peers that answer no ping (closed, so the redial tries the peer's next address), and peers that read nothing
 * (closed, so their frames stop filling this node's buffers). On the network's event loop.
 */
final class LinkLiveness {
    private static final Logger LOG = Logger.getLogger(PeerNetwork.class.getName());
    static final long SLOW_READER_SECONDS = 30;
    /**
     * A link whose peer answered no ping for this long is closed and redialled (the peer's next address first): a peer
     * that stopped without closing its sockets (SIGSTOP, a frozen host, a member's old server) holds the link open
     * while its member's other server has taken over.
     */
    static final long SILENT_LINK_SECONDS = 10;

    private LinkLiveness() {
    }

    /** Each link's bytes a second since the last interval, for its stats. */
    static void measureRates(Map<NodeId, Link> links, long intervalMillis) {
        links.forEach((id, l) -> {
            long s = l.sent.get();
            long r = l.received.get();
            l.sendRate = (s - l.sentAtMark) * 1000.0 / intervalMillis;
            l.receiveRate = (r - l.receivedAtMark) * 1000.0 / intervalMillis;
            l.sentAtMark = s;
            l.receivedAtMark = r;
        });
    }

    /** Closes each outbound link whose peer answered no ping for {@link #SILENT_LINK_SECONDS}; its redial tries the next address. */
    static void closeSilentLinks(Map<NodeId, Link> links, long nowNanos) {
        links.forEach((id, l) -> {
            Channel ch = l.outbound;
            if (ch != null && ch.isActive() && l.connected && nowNanos - l.lastPongNanos > TimeUnit.SECONDS.toNanos(SILENT_LINK_SECONDS)) {
                LOG.warning(() -> "peer " + id.shortId() + " answered no ping for " + SILENT_LINK_SECONDS + " s: link closed, redialled");
                ch.close();
            }
        });
    }

    /** A peer that has not read for {@link #SLOW_READER_SECONDS} is disconnected (it redials, or is redialled). */
    static void closeSlowReaders(Map<NodeId, Link> links, long nowNanos) {
        links.forEach((id, l) -> {
            Channel ch = l.outbound;
            PeerInfo info = ch == null ? null : ch.attr(PeerNetwork.INFO).get();
            if (info != null && info.unwritableSinceNanos != 0
                    && nowNanos - info.unwritableSinceNanos > TimeUnit.SECONDS.toNanos(SLOW_READER_SECONDS)) {
                LOG.warning(() -> "peer " + id.shortId() + " has read nothing for " + SLOW_READER_SECONDS + " s: link closed");
                ch.close();
            }
        });
    }
}
