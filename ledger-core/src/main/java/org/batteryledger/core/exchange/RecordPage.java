package org.batteryledger.core.exchange;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;

import java.util.ArrayList;
import java.util.List;

/**
 * A holder's answer to a {@link RecordQuery}: the records it discloses, with their proofs, and for each record type it
 * will not disclose, the policy's reason. {@code more} says the holder has further records after the last one sent.
 * A query the holder could not answer at all is {@link Status#REFUSED} or {@link Status#BUSY} with a reason.
 */
public record RecordPage(long requestId, Status status, String reason, List<HeldRecord> records, List<String> refusals, boolean more) {
    /** A page's records take at most this many bytes: with the frame header it stays far below the peer frame limit. */
    public static final int MAX_PAGE_BYTES = 1024 * 1024;
    public static final int MAX_REASON_BYTES = 1024;

    public enum Status {
        /** Answered: {@code records} (possibly none) and {@code refusals}. */
        OK(0),
        /** The asker may not have what it asked for, or asked for nothing this node can answer. */
        REFUSED(1),
        /** Over this asker's share of the holder's capacity: ask again later. */
        BUSY(2);

        final int code;

        Status(int code) {
            this.code = code;
        }

        static Status fromCode(int code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new DecodeException("unknown page status " + code);
        }
    }

    public RecordPage {
        records = List.copyOf(records);
        refusals = List.copyOf(refusals);
    }

    /** The bytes its records take on the wire (what {@link #MAX_PAGE_BYTES} and {@link RecordPages#MAX_BYTES} bound). */
    public int recordBytes() {
        int bytes = 0;
        for (HeldRecord h : records) {
            bytes += h.encodedSize();
        }
        return bytes;
    }

    public static RecordPage refused(long requestId, Status status, String reason) {
        return new RecordPage(requestId, status, reason, List.of(), List.of(), false);
    }

    public byte[] encode() {
        int size = 64 + reason.length();
        for (HeldRecord h : records) {
            size += h.encodedSize();
        }
        CanonicalWriter w = new CanonicalWriter(size).u64(requestId).u8(status.code).str(reason);
        w.list(records, (ww, h) -> h.write(ww));
        w.list(refusals, CanonicalWriter::str);
        return w.bool(more).toByteArray();
    }

    public static RecordPage decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        RecordPage p = new RecordPage(r.u64(), Status.fromCode(r.u8()), r.str(MAX_REASON_BYTES),
                r.list(RecordQuery.MAX_LIMIT, HeldRecord::read), r.list(4, rr -> rr.str(MAX_REASON_BYTES)), r.bool());
        r.end();
        return p;
    }

    /**
     * Fills a page from the holder's records in order, stopping at {@code limit} records or {@link #MAX_PAGE_BYTES}:
     * {@code more} is set when a record was left for the next page.
     */
    public static RecordPage of(long requestId, List<HeldRecord> candidates, int limit, List<String> refusals, boolean moreBeyond) {
        return of(requestId, candidates, limit, refusals, moreBeyond, MAX_PAGE_BYTES);
    }

    /** As {@link #of(long, List, int, List, boolean)}, stopping at {@code maxBytes} of records (at most {@link #MAX_PAGE_BYTES}). */
    public static RecordPage of(long requestId, List<HeldRecord> candidates, int limit, List<String> refusals, boolean moreBeyond, int maxBytes) {
        int budget = Math.min(maxBytes, MAX_PAGE_BYTES);
        List<HeldRecord> out = new ArrayList<>();
        int bytes = 0;
        for (HeldRecord h : candidates) {
            if (out.size() == limit || bytes + h.encodedSize() > budget) {
                return new RecordPage(requestId, Status.OK, "", out, refusals, true);
            }
            out.add(h);
            bytes += h.encodedSize();
        }
        return new RecordPage(requestId, Status.OK, "", out, refusals, moreBeyond);
    }
}
