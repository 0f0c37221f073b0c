package org.batteryledger.node.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.NodeIds;

import static org.batteryledger.node.net.Frames.frame;

import javax.net.ssl.SSLException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Links to the other nodes over mutual TLS (Netty). Each node dials every peer it knows an address for and sends
 * on that connection; it receives on the connections peers dial to it. Pipeline, in layers: TLS, then length-field
 * framing with a maximum frame size, then a handler that only hands bytes to the replica's queue. A frame is
 * {@code kind u8 ‖ payload}: a consensus message, or a ping/pong that measures the link's round-trip time.
 * Links reconnect with exponential backoff; a revoked peer is disconnected at once and never redialled.
 *
 * <p>Every link is bounded per peer. A link is kept only for a node the registry admits ({@link #admission}: active
 * nodes and pending registrations), checked right after the handshake and again whenever the registry changes; a
 * revoked node id or certificate serial (the node's or its agency CA's) and an expired certificate cut it. Inbound, a
 * peer reads at most {@link #MAX_INBOUND_BYTES_PER_SECOND} and {@link #MAX_INBOUND_FRAMES_PER_SECOND}: beyond them this
 * node stops reading its socket for a while (TCP backpressure, CometBFT's per-peer flow rate). Outbound, Netty's write
 * watermarks bound what waits for a peer: a frame for a peer that does not read is dropped (PBFT retransmits), and a
 * peer that reads nothing for {@link LinkLiveness#SLOW_READER_SECONDS} is disconnected.
 */
public final class PeerNetwork {
    private static final Logger LOG = Logger.getLogger(PeerNetwork.class.getName());
    static final int MAX_TELEMETRY_BYTES = 4096;
    /** A query is small (a battery code, a position, at most one standing record with its path). */
    public static final int MAX_RECORD_QUERY_BYTES = 32 * 1024;
    static final AttributeKey<NodeId> PEER = AttributeKey.valueOf("batteryledger.peer");
    private static final long PING_INTERVAL_MS = 2_000;
    private static final long MAX_BACKOFF_MS = 10_000;
    /** Inbound rate per peer: generous for consensus and block sync, a ceiling for a flood. */
    static final long MAX_INBOUND_BYTES_PER_SECOND = 32L * 1024 * 1024;
    static final long MAX_INBOUND_FRAMES_PER_SECOND = 5_000;
    /** Outbound bytes waiting per peer: above the high mark frames are dropped, below the low mark they flow again. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(2 * 1024 * 1024, 8 * 1024 * 1024);
    /**
     * Frames are assembled in heap buffers: their memory is then inside the heap's bound (and its per-peer shares),
     * not in direct memory beside it, where 16 MiB frames from a faulty peer pushed a node past 1 GB resident.
     */
    private static final io.netty.buffer.ByteBufAllocator ALLOCATOR = new io.netty.buffer.PooledByteBufAllocator(false);
    static final AttributeKey<PeerInfo> INFO = AttributeKey.valueOf("batteryledger.peer-info");

    /** Where received consensus messages go: the replica's queue. Must not block. */
    public interface Inbound {
        void received(NodeId from, byte[] message);
    }

    /**
     * The record exchange's side of the links: queries from peers (answered through {@code reply}, on the link they
     * came in on) and pages that answer this node's queries. Must not block the event loop.
     */
    public interface RecordExchange {
        void query(NodeId from, byte[] query, java.util.function.Consumer<byte[]> reply);

        void page(NodeId from, byte[] page);
    }

    /** Told, on a Netty event loop, when this node's link to a peer came up; must not block. */
    private volatile java.util.function.Consumer<NodeId> linkUp = peer -> {
    };

    /** Who hears of links that came up (the replica: it tells the peer its committed height at once). */
    public void onLinkUp(java.util.function.Consumer<NodeId> listener) {
        this.linkUp = listener;
    }

    /** Told, on a Netty event loop, when this node's link to a peer closed or a dial to it failed; must not block. */
    private volatile java.util.function.Consumer<NodeId> linkDown = peer -> {
    };

    /**
     * Who hears of links that went down (the replica: a view whose primary it cannot reach ends sooner). Told at each
     * failed dial too, about one every backoff (at most 10 s) while the peer stays away.
     */
    public void onLinkDown(java.util.function.Consumer<NodeId> listener) {
        this.linkDown = listener;
    }

    private final NodeId self;
    private final EcSuite suite;
    private final InetSocketAddress listen;
    private final Map<NodeId, List<InetSocketAddress>> addresses = new ConcurrentHashMap<>();
    // Package-private: the inbound side of each link (InboundFrames) counts, drops and hands on through them.
    final Map<NodeId, Link> links = new ConcurrentHashMap<>();
    private final Set<Channel> inboundChannels = ConcurrentHashMap.newKeySet();
    final Inbound inbound;
    private final int maxFrameBytes;
    final PeerTrustManager trust;
    private final PeerTls tls;
    final AtomicLong framesDropped = new AtomicLong();
    private EventLoopGroup group;
    private Channel server;
    private volatile boolean running;
    private volatile String lastHandshakeFailure;
    private volatile long outboundDelayMillis;
    final Map<NodeId, Telemetry> telemetry = new ConcurrentHashMap<>();
    volatile RecordExchange recordExchange;
    private final LinkGate gate = new LinkGate();

    /** What a peer last reported about itself, and when it arrived (this node's clock). */
    public record Telemetry(byte[] payload, long receivedAtMillis) {
    }

    public PeerNetwork(NodeId self, EcSuite suite, PrivateKey key, X509Certificate nodeCertificate, X509Certificate agencyCa,
                       X509Certificate chainCa, InetSocketAddress listen, Inbound inbound, int maxFrameBytes) throws SSLException {
        this.self = self;
        this.suite = suite;
        this.listen = listen;
        this.inbound = inbound;
        this.maxFrameBytes = maxFrameBytes;
        this.trust = new PeerTrustManager(suite, chainCa);
        this.tls = new PeerTls(key, new X509Certificate[]{nodeCertificate, agencyCa, chainCa}, trust);
    }

    /**
     * A mutual TLS handshake of this node with itself in memory ({@link TlsWarmUp}), so that the first real one is not
     * also the first to run the code: a clustered member's standby does it while it waits.
     */
    public String warmUp() throws javax.net.ssl.SSLException {
        return tls.warmUp();
    }

    /** {@link #warmUp} on a thread of its own (a clustered member's standby, off its deployment's thread); a failure is logged. */
    public void warmUpInBackground(java.util.concurrent.ThreadFactory threads) {
        TlsWarmUp.inBackground(this::warmUp, threads);
    }

    public void start() throws InterruptedException {
        // Nothing of an earlier start dials now: a dial begun off the event loop as that start stopped may never have
        // reported (the terminating loop refused its connect, and Netty drops a listener it cannot run), and its flag
        // would keep this start from ever dialling that peer: a member's server taking over again could not answer them.
        links.values().forEach(l -> {
            l.dialing.set(false);
            l.attempts = 0;
        });
        group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("peer-net", true), NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = tls.server.newHandler(ch.alloc());
                        pipeline(ch, ssl, null);
                        inboundChannels.add(ch);
                        ch.closeFuture().addListener(f -> inboundChannels.remove(ch));
                    }
                })
                .bind(listen).addListener(f -> {
                    if (!f.isSuccess()) {
                        group.shutdownGracefully(0, 2, TimeUnit.SECONDS); // no event loop left behind by a port in use
                    }
                }).sync().channel();
        // Running only now, with the port bound: a dial from another thread (the address book's) that sees it running
        // also sees this start's event loops (a volatile write after them), never the last start's terminated ones.
        running = true;
        group.scheduleAtFixedRate(this::heartbeat, PING_INTERVAL_MS, PING_INTERVAL_MS, TimeUnit.MILLISECONDS);
        LOG.info(() -> "peer links listening on " + listen + " (mutual TLS)");
        // Peers whose addresses came before the start (a clustered member's standby reads its address book long before it
        // takes over): dialled now, not at the address book's next reading; each dials back at once when it sees this one.
        addresses.keySet().forEach(id -> {
            Link link = links.computeIfAbsent(id, k -> new Link());
            if (link.outbound == null && !trust.isRevoked(id)) {
                dial(id, link);
            }
        });
    }

    /** Sets or updates the address of a peer and dials it if not linked yet. */
    public void peer(NodeId id, InetSocketAddress address) {
        peer(id, List.of(address));
    }

    /**
     * Sets or updates the addresses of a peer (a clustered member has one per server, only its active server answers)
     * and dials it if not linked yet: each dial tries the next address, and backs off only once every one failed.
     */
    public void peer(NodeId id, List<InetSocketAddress> peerAddresses) {
        if (id.equals(self) || trust.isRevoked(id) || peerAddresses.isEmpty()) {
            return;
        }
        addresses.put(id, List.copyOf(peerAddresses));
        Link link = links.computeIfAbsent(id, k -> new Link());
        if (running && link.outbound == null) {
            dial(id, link);
        }
    }

    private void pipeline(SocketChannel ch, SslHandler ssl, NodeId expected) {
        ch.pipeline().addLast("tls", ssl);
        // Frames the replica hands over together leave in one TLS record and one write: its thread posts each frame to
        // the link's event loop, where a flush per frame cost a record's seal and a system call each.
        ch.pipeline().addLast("flushes", new FlushConsolidationHandler(64, true));
        ch.pipeline().addLast("frame-decoder", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4));
        ch.pipeline().addLast("frame-encoder", new LengthFieldPrepender(4));
        ch.pipeline().addLast("frames", new InboundFrames(this));
        ssl.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                LOG.log(Level.FINE, "TLS handshake with " + ch.remoteAddress() + " failed", f.cause());
                lastHandshakeFailure = String.valueOf(f.cause());
                ch.close();
                return;
            }
            java.security.cert.Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            X509Certificate peerCert = (X509Certificate) chain[0];
            X509Certificate agencyCert = chain.length > 1 ? (X509Certificate) chain[1] : null;
            NodeId peer = NodeIds.fromCertificate(suite, peerCert);
            if (expected != null && !expected.equals(peer)) {
                LOG.warning(() -> "the node at " + ch.remoteAddress() + " is " + peer.shortId() + ", not " + expected.shortId());
                ch.close();
                return;
            }
            PeerInfo info = new PeerInfo(peerCert, agencyCert, System.nanoTime(), maxFrameBytes);
            if (!gate.admit(ch, peer, info)) {
                return;
            }
            ch.attr(INFO).set(info);
            ch.attr(PEER).set(peer);
            if (expected != null) {
                Link link = links.get(expected);
                link.lastPongNanos = System.nanoTime();
                link.connected = true;
                link.attempts = 0;
                LOG.info(() -> "peer link to " + peer.shortId() + " up (" + ch.remoteAddress() + ", " + ssl.engine().getSession().getCipherSuite() + ")");
                linkUp.accept(peer);
            } else {
                // A peer dialled in while this node's own link to it is down: it is back (restarted, or its member's other
                // server took over), so dial it now rather than when the backoff says.
                Link link = links.get(peer);
                if (link != null && link.outbound == null && running) {
                    link.attempts = 0;
                    dial(peer, link);
                }
            }
        });
    }

    /**
     * The registry changed: from now on links are kept only for {@code a.admitted()}, and open links of peers no
     * longer admitted, revoked (by node id or by a serial in their certificate chain) or expired are closed now.
     */
    public void admission(PeerAdmission.Admission a) {
        gate.admission(a);
        revocations(a.revokedNodes(), a.revokedSerials());
        recheckOpenLinks();
    }

    /** Closes every open link that would be refused now (admission, revocation, expiry). */
    private void recheckOpenLinks() {
        List<Channel> open = new ArrayList<>(inboundChannels);
        links.values().forEach(l -> {
            if (l.outbound != null) {
                open.add(l.outbound);
            }
        });
        gate.recheck(open);
    }

    private void dial(NodeId id, Link link) {
        List<InetSocketAddress> all = addresses.get(id);
        if (!running || all == null || trust.isRevoked(id)) {
            return;
        }
        if (!gate.admitted(id)) {
            redial(id, link); // not admitted yet (a registration may land): asked again later, not dialled now
            return;
        }
        if (link.outbound != null || !link.dialing.compareAndSet(false, true)) {
            return; // linked already, or a connect is under way (a backoff's dial that fires after an early one)
        }
        InetSocketAddress address = all.get(Math.floorMod(link.next, all.size()));
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline(ch, tls.client.newHandler(ch.alloc(), address.getHostString(), address.getPort()), id);
                    }
                })
                .connect(address).addListener(f -> {
                    link.dialing.set(false);
                    if (f.isSuccess()) {
                        Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                        link.outbound = ch;
                        ch.closeFuture().addListener(c -> {
                            if (link.outbound != ch) {
                                return; // a link of an earlier start of this network: a new one may be up already
                            }
                            link.outbound = null;
                            link.connected = false;
                            if (running) {
                                linkDown.accept(id);
                            }
                            redial(id, link);
                        });
                    } else {
                        if (running) {
                            linkDown.accept(id); // refused or timed out: a killed node's port answers no more
                        }
                        redial(id, link);
                    }
                });
    }

    private void redial(NodeId id, Link link) {
        if (!running || trust.isRevoked(id)) {
            return;
        }
        List<InetSocketAddress> all = addresses.get(id);
        int count = all == null ? 1 : all.size();
        // The next address at once-ish; the backoff grows only when a round over every address failed.
        long delay = ++link.next % count != 0 ? 200L : Math.min(MAX_BACKOFF_MS, 200L << Math.min(link.attempts++, 10));
        group.schedule(() -> dial(id, link), delay, TimeUnit.MILLISECONDS);
    }

    /** Sends a consensus message; dropped (and counted) when the link is down: PBFT retransmits. */
    public void send(NodeId to, byte[] message) {
        Link link = links.get(to);
        Channel ch = link == null ? null : sendable(link);
        if (ch == null) {
            framesDropped.incrementAndGet();
            return;
        }
        if (!ch.isWritable()) {
            // Above the high water mark: the peer does not read fast enough. PBFT retransmits what matters.
            framesDropped.incrementAndGet();
            link.slowDrops.incrementAndGet();
            return;
        }
        link.sent.addAndGet(message.length + 5L);
        write(ch, frame(Frames.KIND_MESSAGE, message));
    }

    /**
     * Holds every frame this node sends (pongs too) for {@code millis} before it goes out: a fault drill and test knob
     * ({@code p2p.delay.millis} in node.properties, {@code ./consortium slow}) that makes this node a sluggish one, as
     * a congested low-bandwidth link would. 0 (the default) sends at once.
     */
    public void outboundDelayMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("p2p.delay.millis must be 0 or more, not " + millis);
        }
        if (millis != outboundDelayMillis) {
            LOG.info(() -> millis == 0 ? "peer frames go out at once again" : "every peer frame is held " + millis + " ms before it goes out (p2p.delay.millis)");
        }
        outboundDelayMillis = millis;
    }

    /** The link's outbound channel if frames can go out on it now, else null. */
    private static Channel sendable(Link link) {
        Channel ch = link.outbound;
        return ch != null && link.connected && ch.isActive() ? ch : null;
    }

    void write(Channel ch, ByteBuf frame) {
        long delay = outboundDelayMillis;
        if (delay == 0) {
            ch.writeAndFlush(frame);
        } else {
            ch.eventLoop().schedule(() -> ch.writeAndFlush(frame), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** The peers with an open outbound link now. */
    public List<NodeId> linkedPeers() {
        List<NodeId> out = new ArrayList<>();
        links.forEach((id, l) -> {
            if (sendable(l) != null) {
                out.add(id);
            }
        });
        return out;
    }

    /** Whether a frame for {@code to} would go out now (linked, and its outbound buffer below the high water mark). */
    public boolean writable(NodeId to) {
        Link link = links.get(to);
        Channel ch = link == null ? null : sendable(link);
        return ch != null && ch.isWritable();
    }

    /** Connects the record exchange: until then, record queries and pages are dropped. */
    public void recordExchange(RecordExchange exchange) {
        this.recordExchange = exchange;
    }

    /** Sends a record query to a peer; false when there is no link to it now (the caller names it as not answering). */
    public boolean sendRecordQuery(NodeId to, byte[] query) {
        if (query.length > MAX_RECORD_QUERY_BYTES) {
            throw new IllegalArgumentException("a record query of " + query.length + " bytes exceeds " + MAX_RECORD_QUERY_BYTES);
        }
        Link link = links.get(to);
        Channel ch = link == null ? null : sendable(link);
        if (ch == null || !ch.isWritable()) {
            return false;
        }
        link.sent.addAndGet(query.length + 5L);
        write(ch, frame(Frames.KIND_RECORD_QUERY, query));
        return true;
    }

    /** Sends this node's telemetry to every linked peer; dropped where a link is down (the next report follows). */
    public void broadcastTelemetry(byte[] payload) {
        if (payload.length > MAX_TELEMETRY_BYTES) {
            throw new IllegalArgumentException("telemetry of " + payload.length + " bytes exceeds " + MAX_TELEMETRY_BYTES);
        }
        links.forEach((id, link) -> {
            Channel ch = sendable(link);
            if (ch != null && ch.isWritable()) {
                link.sent.addAndGet(payload.length + 5L);
                write(ch, frame(Frames.KIND_TELEMETRY, payload));
            }
        });
    }

    /** The latest telemetry of each peer that sent any. */
    public Map<NodeId, Telemetry> telemetry() {
        return Map.copyOf(telemetry);
    }

    /** The on-chain revocation list changed: revoked peers are cut off now, on open connections too. */
    public void revocations(Set<NodeId> nodes, Set<BigInteger> serials) {
        trust.revocations(nodes, serials);
        for (NodeId id : nodes) {
            Link link = links.remove(id);
            if (link != null && link.outbound != null) {
                link.outbound.close();
            }
        }
        for (Channel ch : inboundChannels) {
            NodeId peer = ch.attr(PEER).get();
            if (peer != null && nodes.contains(peer)) {
                LOG.info(() -> "closing the link of revoked node " + peer.shortId());
                ch.close();
            }
        }
    }

    /** Why the last TLS handshake failed, for operators and tests (null if none failed). */
    public String lastHandshakeFailure() {
        return lastHandshakeFailure;
    }

    public List<LinkStats> stats() {
        List<LinkStats> out = new ArrayList<>();
        links.forEach((id, l) -> out.add(new LinkStats(id.value(), l.connected, l.rttMillis, l.sent.get(), l.received.get(),
                l.sendRate, l.receiveRate, l.slowDrops.get(), l.throttled.get())));
        return out;
    }

    /** The port actually bound (useful when started on port 0). */
    public int boundPort() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public long framesDropped() {
        return framesDropped.get();
    }

    /** Links closed because their peer was not admitted, revoked or expired. */
    public long linksRefused() {
        return gate.refused();
    }

    /** Why the last link was closed after its handshake (null if none was). */
    public String lastRefusal() {
        return gate.lastRefusal();
    }

    private void heartbeat() {
        long now = System.nanoTime();
        LinkLiveness.measureRates(links, PING_INTERVAL_MS);
        links.forEach((id, l) -> {
            Channel ch = sendable(l);
            if (ch != null && ch.isWritable()) {
                write(ch, frame(Frames.KIND_PING, Unpooled.buffer(8).writeLong(now).array()));
            }
        });
        LinkLiveness.closeSlowReaders(links, now);
        LinkLiveness.closeSilentLinks(links, now);
        recheckOpenLinks(); // certificates expire on open links too
    }

    /** Closes the port and every link; {@link #start} may open them again (a member's server that took over again). */
    public void stop() {
        running = false;
        if (server != null) {
            server.close().awaitUninterruptibly(5, TimeUnit.SECONDS); // the port is free for a later start
        }
        links.values().forEach(l -> {
            Channel ch = l.outbound;
            l.outbound = null;
            l.connected = false;
            if (ch != null) {
                ch.close();
            }
        });
        if (group != null) {
            io.netty.util.concurrent.Future<?> ended = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            boolean onItsLoop = false;
            for (io.netty.util.concurrent.EventExecutor loop : group) {
                onItsLoop |= loop.inEventLoop();
            }
            if (!onItsLoop) {
                ended.awaitUninterruptibly(5, TimeUnit.SECONDS); // no listener of this start runs beside the next one
            }
        }
    }
}
