package org.batteryledger.node.net;

/**
 * What one peer link measured: whether it is up, the last round-trip time (transport ping), and bytes each way
 * with their rate over the last measurement interval. How sluggish nodes are found and shown.
 */
public record LinkStats(String peer, boolean connected, double rttMillis, long bytesSent, long bytesReceived,
                        double sendBytesPerSec, double receiveBytesPerSec) {
}
