package org.batteryledger.core.exchange;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.record.RecordSchema;

import java.util.List;

/**
 * What one member asks another for over the peer links (a frame that never reaches the replica). Two kinds:
 * <ul>
 *   <li>{@link Battery}: the records of one battery the holder holds, of the given types, after the holder's intake
 *       position {@code afterSeq}, at most {@code limit}; {@code standing} is the asker's own anchored session of that
 *       battery, which shows the holder that the asker charged it (what the disclosure policy asks of a charging
 *       operator reading master data);</li>
 *   <li>{@link Proof}: where a record with this hash sits in the holder's anchored batches. The asker has the record
 *       already, so a proof discloses nothing new;</li>
 *   <li>{@link Batteries}: several {@link Battery} queries in one, answered by one {@link RecordPages}: what concurrent
 *       gatherings of one asker share, so that the holder answers them in one transaction and one frame.</li>
 * </ul>
 * Wire codes are stable. A holder of an earlier version does not know {@link Batteries} and refuses it as malformed
 * (with request id 0); an asker then asks that holder one battery at a time.
 */
public sealed interface RecordQuery {
    /** Records per page at most; a page also stops at {@link RecordPage#MAX_PAGE_BYTES}. */
    int MAX_LIMIT = 500;
    /** Batteries one {@link Batteries} query asks for at most. */
    int MAX_BATTERIES = 32;

    long requestId();

    record Battery(long requestId, String batteryCode, boolean masters, boolean sessions, long afterSeq, int limit, HeldRecord standing)
            implements RecordQuery {
        public Battery {
            if (!RecordSchema.BATTERY_CODE.matcher(batteryCode).matches()) {
                throw new DecodeException("not a battery code: " + batteryCode);
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new DecodeException("a page holds 1 to " + MAX_LIMIT + " records, not " + limit);
            }
            if (afterSeq < 0) {
                throw new DecodeException("a position is 0 or more");
            }
        }

        public Battery withRequestId(long id) {
            return new Battery(id, batteryCode, masters, sessions, afterSeq, limit, standing);
        }
    }

    record Proof(long requestId, Hash recordHash) implements RecordQuery {
    }

    /** Up to {@link #MAX_BATTERIES} battery queries; their own request ids are not sent (the answer keeps their order). */
    record Batteries(long requestId, List<Battery> batteries) implements RecordQuery {
        public Batteries {
            batteries = List.copyOf(batteries);
            if (batteries.isEmpty() || batteries.size() > MAX_BATTERIES) {
                throw new DecodeException("a query asks for 1 to " + MAX_BATTERIES + " batteries, not " + batteries.size());
            }
        }
    }

    default byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(128);
        if (this instanceof Battery b) {
            writeBattery(w.u8(1).u64(b.requestId()), b);
        } else if (this instanceof Proof p) {
            w.u8(2).u64(p.requestId()).raw(p.recordHash().unsafeBytes());
        } else if (this instanceof Batteries bs) {
            w.u8(3).u64(bs.requestId()).list(bs.batteries(), RecordQuery::writeBattery);
        }
        return w.toByteArray();
    }

    private static CanonicalWriter writeBattery(CanonicalWriter w, Battery b) {
        w.str(b.batteryCode()).bool(b.masters()).bool(b.sessions()).u64(b.afterSeq()).u32(b.limit()).bool(b.standing() != null);
        if (b.standing() != null) {
            b.standing().write(w);
        }
        return w;
    }

    private static Battery readBattery(CanonicalReader r, long id) {
        String code = r.str(64);
        boolean masters = r.bool();
        boolean sessions = r.bool();
        long after = r.uint("afterSeq");
        int limit = r.u32();
        HeldRecord standing = r.bool() ? HeldRecord.read(r) : null;
        return new Battery(id, code, masters, sessions, after, limit, standing);
    }

    /** @throws DecodeException for anything but one well-formed query */
    static RecordQuery decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int kind = r.u8();
        RecordQuery q = switch (kind) {
            case 1 -> readBattery(r, r.u64());
            case 2 -> new Proof(r.u64(), ChainCodec.hash(r));
            case 3 -> new Batteries(r.u64(), r.list(MAX_BATTERIES, rr -> readBattery(rr, 0)));
            default -> throw new DecodeException("unknown record query " + kind);
        };
        r.end();
        return q;
    }
}
