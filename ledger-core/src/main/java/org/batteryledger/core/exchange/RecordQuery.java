package org.batteryledger.core.exchange;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.record.RecordSchema;

/**
 * What one member asks another for over the peer links (a frame that never reaches the replica). Two kinds:
 * <ul>
 *   <li>{@link Battery}: the records of one battery the holder holds, of the given types, after the holder's intake
 *       position {@code afterSeq}, at most {@code limit}; {@code standing} is the asker's own anchored session of that
 *       battery, which shows the holder that the asker charged it (what the disclosure policy asks of a charging
 *       operator reading master data);</li>
 *   <li>{@link Proof}: where a record with this hash sits in the holder's anchored batches. The asker has the record
 *       already, so a proof discloses nothing new.</li>
 * </ul>
 * Wire codes are stable.
 */
public sealed interface RecordQuery {
    /** Records per page at most; a page also stops at {@link RecordPage#MAX_PAGE_BYTES}. */
    int MAX_LIMIT = 500;

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
    }

    record Proof(long requestId, Hash recordHash) implements RecordQuery {
    }

    default byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(128);
        if (this instanceof Battery b) {
            w.u8(1).u64(b.requestId()).str(b.batteryCode()).bool(b.masters()).bool(b.sessions()).u64(b.afterSeq()).u32(b.limit())
                    .bool(b.standing() != null);
            if (b.standing() != null) {
                b.standing().write(w);
            }
        } else if (this instanceof Proof p) {
            w.u8(2).u64(p.requestId()).raw(p.recordHash().unsafeBytes());
        }
        return w.toByteArray();
    }

    /** @throws DecodeException for anything but one well-formed query */
    static RecordQuery decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int kind = r.u8();
        RecordQuery q = switch (kind) {
            case 1 -> {
                long id = r.u64();
                String code = r.str(64);
                boolean masters = r.bool();
                boolean sessions = r.bool();
                long after = r.uint("afterSeq");
                int limit = r.u32();
                HeldRecord standing = r.bool() ? HeldRecord.read(r) : null;
                yield new Battery(id, code, masters, sessions, after, limit, standing);
            }
            case 2 -> new Proof(r.u64(), ChainCodec.hash(r));
            default -> throw new DecodeException("unknown record query " + kind);
        };
        r.end();
        return q;
    }
}
