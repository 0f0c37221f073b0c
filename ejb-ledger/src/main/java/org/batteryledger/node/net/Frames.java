package org.batteryledger.node.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A peer link's frame: {@code kind u8 ‖ payload}, inside the length-field framing. The kinds are written by hand, as
 * every node of the chain must read them alike.
 */
final class Frames {
    static final int KIND_MESSAGE = 0;
    static final int KIND_PING = 1;
    static final int KIND_PONG = 2;
    /** A node's own operational figures (its storage), for the other nodes' consoles: informational, never consensus. */
    static final int KIND_TELEMETRY = 3;
    /** A member asks another for records and proofs (the record exchange): never consensus, never the replica. */
    static final int KIND_RECORD_QUERY = 4;
    /** The holder's answer to a record query, on the link the query came in on. */
    static final int KIND_RECORD_PAGE = 5;

    private Frames() {
    }

    static ByteBuf frame(int kind, byte[] payload) {
        return Unpooled.buffer(payload.length + 1).writeByte(kind).writeBytes(payload);
    }
}
