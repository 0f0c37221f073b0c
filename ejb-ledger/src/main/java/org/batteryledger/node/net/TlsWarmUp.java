package org.batteryledger.node.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * One mutual TLS handshake of this node with itself, in memory (two {@link SSLEngine}s handing each other their bytes;
 * no socket, no port): the code of a handshake runs once before the first real one. A clustered member's standby runs it
 * when it deploys: its first handshakes with the peers, at takeover, then took 1.3-1.5 s on a loaded machine against
 * 0.1-0.3 s for a server that had made one before, and they are what the member's return to consensus waits for.
 */
final class TlsWarmUp {
    private static final Logger LOG = Logger.getLogger(TlsWarmUp.class.getName());
    /** A handshake is a few round trips; more than this many turns means it is stuck. */
    private static final int MAX_TURNS = 64;

    private TlsWarmUp() {
    }

    /** A warm-up ({@link #handshake} with a node's contexts). */
    interface Run {
        Object run() throws SSLException;
    }

    /** Runs {@code warmUp} on a thread of its own, logging how long it took or why it failed. */
    static void inBackground(Run warmUp, ThreadFactory threads) {
        Thread t = threads.newThread(() -> {
            long started = System.nanoTime();
            try {
                warmUp.run();
                LOG.info(() -> "peer links warmed up for a takeover (one TLS handshake in memory, " + (System.nanoTime() - started) / 1_000_000 + " ms)");
            } catch (SSLException | RuntimeException e) {
                LOG.warning(() -> "the warm-up handshake failed (" + e + "): the first peer links after a takeover come up slower");
            }
        });
        t.setName("tls-warm-up");
        t.start();
    }

    /** Runs the handshake and one application record each way; answers the suite they agreed on, throws if it does not complete. */
    static String handshake(SslContext client, SslContext server) throws SSLException {
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "warm-up", 0);
        SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
        int size = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size * 4);
        ByteBuffer toClient = ByteBuffer.allocate(size * 4);
        ByteBuffer plain = ByteBuffer.allocate(Math.max(c.getSession().getApplicationBufferSize(), s.getSession().getApplicationBufferSize()) * 2);
        c.beginHandshake();
        s.beginHandshake();
        boolean clientSent = false;
        boolean serverSent = false;
        boolean clientGot = false;
        boolean serverGot = false;
        for (int turn = 0; turn < MAX_TURNS && !(clientGot && serverGot); turn++) {
            // Each side offers its one byte until an engine takes it (during the handshake a wrap takes none).
            clientSent |= step(c.wrap(ByteBuffer.wrap(clientSent ? new byte[0] : new byte[]{1}), toServer), c).bytesConsumed() > 0;
            serverSent |= step(s.wrap(ByteBuffer.wrap(serverSent ? new byte[0] : new byte[]{2}), toClient), s).bytesConsumed() > 0;
            toServer.flip();
            plain.clear();
            step(s.unwrap(toServer, plain), s);
            serverGot |= plain.position() > 0;
            toServer.compact();
            toClient.flip();
            plain.clear();
            step(c.unwrap(toClient, plain), c);
            clientGot |= plain.position() > 0;
            toClient.compact();
        }
        c.closeOutbound();
        s.closeOutbound();
        if (!(clientGot && serverGot)) {
            throw new SSLException("the warm-up handshake did not complete (client " + c.getHandshakeStatus() + ", server " + s.getHandshakeStatus() + ")");
        }
        return c.getSession().getCipherSuite();
    }

    /** Runs the tasks an engine delegates (key exchange, certificate checks) on this thread; returns {@code result}. */
    private static SSLEngineResult step(SSLEngineResult result, SSLEngine engine) {
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                task.run();
            }
        }
        return result;
    }
}
