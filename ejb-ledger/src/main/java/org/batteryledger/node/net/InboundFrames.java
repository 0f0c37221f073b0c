package org.batteryledger.node.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.batteryledger.core.crypto.NodeId;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.batteryledger.node.net.Frames.frame;

/**
 * The last layer of a link's pipeline: each frame of a peer whose handshake passed is held to the peer's rate, then
 * handed on by its kind (consensus bytes to the replica's queue, queries and pages to the record exchange, pings
 * answered). Never blocks the event loop.
 */
final class InboundFrames extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = Logger.getLogger(InboundFrames.class.getName());
    private final PeerNetwork net;

    InboundFrames(PeerNetwork net) {
        this.net = net;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        NodeId peer = ctx.channel().attr(PeerNetwork.PEER).get();
        if (peer == null || frame.readableBytes() < 1) {
            return;
        }
        if (net.trust.isRevoked(peer)) {
            // Cut off at once: frames already in flight when the revocation landed are dropped too.
            net.framesDropped.incrementAndGet();
            ctx.close();
            return;
        }
        Channel channel = ctx.channel();
        PeerInfo info = channel.attr(PeerNetwork.INFO).get();
        if (info.refused) {
            net.framesDropped.incrementAndGet(); // read before the close took effect
            return;
        }
        Link link = net.links.get(peer);
        throttle(channel, info, link, frame.readableBytes());
        int kind = frame.readUnsignedByte();
        byte[] payload = new byte[frame.readableBytes()];
        frame.readBytes(payload);
        if (link != null) {
            link.received.addAndGet(payload.length + 5L);
        }
        if (!handOn(channel, peer, link, kind, payload)) {
            net.framesDropped.incrementAndGet();
        }
    }

    /** Over its rate, a peer is not read until it is within it again (its TCP window fills: CometBFT's flow rate). */
    private static void throttle(Channel channel, PeerInfo info, Link link, int frameBytes) {
        long now = System.nanoTime();
        long wait = Math.max(info.bytes.take(frameBytes + 4.0, now), info.frames.take(1, now));
        if (wait > 0 && channel.config().isAutoRead()) {
            if (link != null) {
                link.throttled.incrementAndGet();
            }
            channel.config().setAutoRead(false);
            channel.eventLoop().schedule(() -> {
                channel.config().setAutoRead(true);
            }, Math.min(wait, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
        }
    }

    /** False when the frame is dropped: an unknown kind, a size its kind never has, or nobody to take it. */
    private boolean handOn(Channel ch, NodeId peer, Link link, int kind, byte[] payload) {
        switch (kind) {
            case Frames.KIND_MESSAGE -> net.inbound.received(peer, payload);
            case Frames.KIND_PING -> {
                if (payload.length != 8 || !ch.isWritable()) {
                    return false;
                }
                net.write(ch, frame(Frames.KIND_PONG, payload)); // echoed only at the size a ping has
            }
            case Frames.KIND_PONG -> {
                if (link != null && payload.length == 8) {
                    link.lastPongNanos = System.nanoTime();
                    link.rttMillis = (System.nanoTime() - Unpooled.wrappedBuffer(payload).readLong()) / 1e6;
                }
            }
            case Frames.KIND_TELEMETRY -> {
                if (payload.length > PeerNetwork.MAX_TELEMETRY_BYTES) {
                    return false;
                }
                net.telemetry.put(peer, new PeerNetwork.Telemetry(payload, System.currentTimeMillis()));
            }
            case Frames.KIND_RECORD_QUERY -> {
                PeerNetwork.RecordExchange exchange = net.recordExchange;
                if (exchange == null || payload.length > PeerNetwork.MAX_RECORD_QUERY_BYTES) {
                    return false;
                }
                exchange.query(peer, payload, page -> {
                    if (ch.isActive()) {
                        net.write(ch, frame(Frames.KIND_RECORD_PAGE, page));
                    }
                });
            }
            case Frames.KIND_RECORD_PAGE -> {
                PeerNetwork.RecordExchange exchange = net.recordExchange;
                if (exchange == null) {
                    return false;
                }
                exchange.page(peer, payload);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        PeerInfo info = ctx.channel().attr(PeerNetwork.INFO).get();
        if (info != null) {
            info.unwritableSinceNanos = ctx.channel().isWritable() ? 0 : System.nanoTime();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "peer link " + ctx.channel().remoteAddress() + " failed", cause);
        ctx.close();
    }
}
