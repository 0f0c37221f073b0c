package org.batteryledger.node.net;

import org.batteryledger.core.crypto.NodeId;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What a link's handshake established about its peer (the serials of its certificate chain, when the chain expires)
 * and the peer's inbound rate. Whether the link may stay open is decided from it, after the handshake and again on
 * every registry change and heartbeat. Used on the channel's event loop, and read by the heartbeat.
 */
final class PeerInfo {
    final BigInteger leafSerial;
    final BigInteger agencySerial;
    final Instant notAfter;
    final TokenBucket bytes;
    final TokenBucket frames;
    volatile long unwritableSinceNanos;
    /** Set when the link was refused: frames already read from it are dropped, not handed on. */
    volatile boolean refused;

    PeerInfo(X509Certificate leaf, X509Certificate agency, long nowNanos, long maxFrameBytes) {
        this.leafSerial = leaf.getSerialNumber();
        this.agencySerial = agency == null ? null : agency.getSerialNumber();
        Instant end = leaf.getNotAfter().toInstant();
        this.notAfter = agency == null || end.isBefore(agency.getNotAfter().toInstant()) ? end : agency.getNotAfter().toInstant();
        this.bytes = new TokenBucket(PeerNetwork.MAX_INBOUND_BYTES_PER_SECOND,
                Math.max(PeerNetwork.MAX_INBOUND_BYTES_PER_SECOND, 2 * maxFrameBytes), nowNanos);
        this.frames = new TokenBucket(PeerNetwork.MAX_INBOUND_FRAMES_PER_SECOND, 2 * PeerNetwork.MAX_INBOUND_FRAMES_PER_SECOND, nowNanos);
    }

    /** Why {@code peer} may not hold a link now under {@code a}, or null when it may. */
    String refusal(NodeId peer, PeerAdmission.Admission a) {
        if (a.revokedNodes().contains(peer)) {
            return "node " + peer.shortId() + " is revoked";
        }
        if (a.revokedSerials().contains(leafSerial)) {
            return "the certificate of node " + peer.shortId() + " (serial " + leafSerial + ") is revoked";
        }
        if (agencySerial != null && a.revokedSerials().contains(agencySerial)) {
            return "the agency CA of node " + peer.shortId() + " (serial " + agencySerial + ") is revoked";
        }
        if (!a.admitted().contains(peer)) {
            return "node " + peer.shortId() + " is neither in the registry nor a pending registration";
        }
        if (Instant.now().isAfter(notAfter)) {
            return "the certificate of node " + peer.shortId() + " expired at " + notAfter;
        }
        return null;
    }
}
