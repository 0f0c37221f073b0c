package org.batteryledger.core.pbft;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;

/**
 * What a replica must remember across a crash so it never contradicts itself: every message it signed, and
 * the prepared certificate it must report in a view change. Replayed by {@link Replica#recover}.
 */
public sealed interface VoteLogEntry {
    long height();

    /** A message this replica signed (pre-prepare, prepare, commit, view change, new view). */
    record Signed(PbftMessage.Signed message) implements VoteLogEntry {
        public long height() {
            return message.height();
        }
    }

    /** This replica became prepared: it must carry this certificate into any view change at this height. */
    record Prepared(PreparedCertificate certificate) implements VoteLogEntry {
        public long height() {
            return certificate.height();
        }
    }

    default byte[] encode() {
        if (this instanceof Prepared p) {
            return concat(2, MessageCodec.encodePrepared(p.certificate()));
        }
        return concat(1, MessageCodec.encode(((Signed) this).message()));
    }

    static VoteLogEntry decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int kind = r.u8();
        byte[] rest = r.raw(r.remaining());
        if (kind == 2) {
            return new Prepared(MessageCodec.decodePrepared(rest));
        }
        if (kind == 1 && MessageCodec.decode(rest) instanceof PbftMessage.Signed s) {
            return new Signed(s);
        }
        throw new DecodeException("malformed vote log entry of kind " + kind);
    }

    private static byte[] concat(int kind, byte[] body) {
        return new CanonicalWriter(body.length + 1).u8(kind).raw(body).toByteArray();
    }
}
