package org.batteryledger.node.net;

import io.netty.channel.Channel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** This node's link to one peer, as {@link PeerNetwork} keeps it: the outbound channel, its dialling and its figures. */
final class Link {
    volatile Channel outbound;
    volatile boolean connected;
    /** When the outbound link was linked or last answered a ping. */
    volatile long lastPongNanos;
    /** A connect is under way: at most one at a time, whoever asks (the backoff, or a peer that dialled in). */
    final AtomicBoolean dialing = new AtomicBoolean();
    volatile double rttMillis = -1;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    /** Frames not sent because the peer did not read (its outbound buffer was above the high water mark). */
    final AtomicLong slowDrops = new AtomicLong();
    /** Times this node stopped reading the peer because it sent above its rate. */
    final AtomicLong throttled = new AtomicLong();
    volatile long sentAtMark;
    volatile long receivedAtMark;
    volatile double sendRate;
    volatile double receiveRate;
    int attempts;
    /** Which of the peer's addresses the next dial tries (a clustered member lists one per server). */
    int next;
}
