package org.batteryledger.core.exchange;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;

import java.util.List;

/**
 * A holder's answer to a {@link RecordQuery.Batteries}: one {@link RecordPage} per battery asked for, in the query's
 * order, or the whole query refused ({@code status} not OK, no pages). The pages' records take at most
 * {@link #MAX_BYTES} together, so a battery the holder did not get to has an empty page with {@code more} set and the
 * policy's refusals: the asker asks for it again from the same position.
 */
public record RecordPages(long requestId, RecordPage.Status status, String reason, List<RecordPage> pages) {
    /** The records of all pages together at most: the frame stays a quarter of the peer frame limit. */
    public static final int MAX_BYTES = 4 * RecordPage.MAX_PAGE_BYTES;
    /** One page's encoding at most: its records, refusals and reason. */
    private static final int MAX_ENCODED_PAGE = RecordPage.MAX_PAGE_BYTES + 64 * 1024;

    public RecordPages {
        pages = List.copyOf(pages);
        if (status == RecordPage.Status.OK ? pages.isEmpty() || pages.size() > RecordQuery.MAX_BATTERIES : !pages.isEmpty()) {
            throw new DecodeException("an answer of " + status + " with " + pages.size() + " pages");
        }
    }

    public static RecordPages refused(long requestId, RecordPage.Status status, String reason) {
        return new RecordPages(requestId, status, reason, List.of());
    }

    public byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(64 + reason.length()).u64(requestId).u8(status.code).str(reason);
        return w.list(pages, (ww, p) -> ww.bytes(p.encode())).toByteArray();
    }

    /** @throws DecodeException for anything but one well-formed answer */
    public static RecordPages decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        RecordPages p = new RecordPages(r.u64(), RecordPage.Status.fromCode(r.u8()), r.str(RecordPage.MAX_REASON_BYTES),
                r.list(RecordQuery.MAX_BATTERIES, rr -> RecordPage.decode(rr.bytes(MAX_ENCODED_PAGE))));
        r.end();
        return p;
    }
}
