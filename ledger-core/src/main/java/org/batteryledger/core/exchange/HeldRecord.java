package org.batteryledger.core.exchange;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.merkle.InclusionProof;

/**
 * A record as its holder discloses it to another member: its canonical JSON (RFC 8785) and its place in an
 * anchored batch. The receiver needs nothing else: it holds the chain, so the batch root is checked against its
 * own committed state ({@link ReceivedRecords}), not against anything the holder says.
 *
 * @param seq the holder's intake order of the record: the holder's part of a paging cursor
 */
public record HeldRecord(byte[] canonical, InclusionProof path, Hash batchRoot, long seq) {
    public HeldRecord {
        canonical = canonical.clone();
    }

    @Override
    public byte[] canonical() {
        return canonical.clone();
    }

    void write(CanonicalWriter w) {
        w.bytes(canonical);
        path.write(w);
        w.raw(batchRoot.unsafeBytes()).u64(seq);
    }

    static HeldRecord read(CanonicalReader r) {
        return new HeldRecord(r.bytes(Intake.MAX_CANONICAL_BYTES), InclusionProof.read(r), ChainCodec.hash(r), r.uint("seq"));
    }

    /** Bytes on the wire, for the page size bound. */
    int encodedSize() {
        return 4 + canonical.length + 20 + path.auditPath().size() * Hash.LENGTH + Hash.LENGTH + 8;
    }
}
