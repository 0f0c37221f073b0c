package org.batteryledger.node.net;

/**
 * What one peer link measured: whether it is up, the last round-trip time (transport ping), and bytes each way
 * with their rate over the last measurement interval. How sluggish nodes are found and shown. {@code slowDrops}: frames
 * not sent because the peer did not read them; {@code throttled}: times this node paused reading a peer that sent above
 * its rate.
 */
public record LinkStats(String peer, boolean connected, double rttMillis, long bytesSent, long bytesReceived,
                        double sendBytesPerSec, double receiveBytesPerSec, long slowDrops, long throttled) {
}
