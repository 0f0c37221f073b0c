package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.pbft.PbftMessage.Checkpoint;
import org.batteryledger.core.pbft.PbftMessage.ChunkRequest;
import org.batteryledger.core.pbft.PbftMessage.ChunkResponse;
import org.batteryledger.core.pbft.PbftMessage.Commit;
import org.batteryledger.core.pbft.PbftMessage.NewView;
import org.batteryledger.core.pbft.PbftMessage.PrePrepare;
import org.batteryledger.core.pbft.PbftMessage.Prepare;
import org.batteryledger.core.pbft.PbftMessage.SnapshotOffer;
import org.batteryledger.core.pbft.PbftMessage.SnapshotRequest;
import org.batteryledger.core.pbft.PbftMessage.Status;
import org.batteryledger.core.pbft.PbftMessage.SyncRequest;
import org.batteryledger.core.pbft.PbftMessage.SyncResponse;
import org.batteryledger.core.pbft.PbftMessage.TxBatch;
import org.batteryledger.core.pbft.PbftMessage.ViewChange;
import org.batteryledger.core.snapshot.CheckpointCertificate;
import org.batteryledger.core.snapshot.SnapshotChunk;
import org.batteryledger.core.snapshot.SnapshotManifest;

/**
 * The wire form of {@link PbftMessage}: {@code version u8 | wire code u8 | body}, bodies in the canonical
 * encoding. Decoding is total: any byte string either decodes to a message or raises {@link DecodeException}.
 */
public final class MessageCodec {
    public static final int VERSION = 1;
    private static final int MAX_VIEW_CHANGES = Limits.MAX_VALIDATORS;

    private MessageCodec() {
    }

    /**
     * A frame's wire code, read without decoding the rest (to route a frame before it is queued); -1 when the frame is
     * too short or of another version, which {@link #decode} then refuses.
     */
    public static int wireCode(byte[] frame) {
        return frame.length >= 2 && frame[0] == VERSION ? frame[1] : -1;
    }

    public static byte[] encode(PbftMessage m) {
        CanonicalWriter w = new CanonicalWriter(256).u8(VERSION).u8(m.wireCode());
        write(w, m);
        return w.toByteArray();
    }

    private static void write(CanonicalWriter w, PbftMessage m) {
        if (m instanceof PrePrepare p) {
            writePrePrepare(w, p);
        } else if (m instanceof Prepare p) {
            w.u64(p.height()).u32(p.view()).raw(p.blockHash().unsafeBytes()).str(p.sender().value()).bytes(p.signature());
        } else if (m instanceof Commit c) {
            w.u64(c.height()).u32(c.view()).raw(c.blockHash().unsafeBytes()).str(c.sender().value()).bytes(c.signature());
        } else if (m instanceof ViewChange v) {
            writeViewChange(w, v);
        } else if (m instanceof NewView n) {
            w.u64(n.height()).u32(n.view()).list(n.viewChanges(), MessageCodec::writeViewChange);
            writePrePrepare(w, n.prePrepare());
            w.str(n.sender().value()).bytes(n.signature());
        } else if (m instanceof TxBatch b) {
            w.list(b.transactions(), (ww, tx) -> tx.write(ww));
        } else if (m instanceof SyncRequest r) {
            w.u64(r.fromHeight()).u32(r.maxBlocks());
        } else if (m instanceof SyncResponse r) {
            w.list(r.blocks(), (ww, b) -> b.write(ww));
        } else if (m instanceof Status s) {
            w.u64(s.committedHeight()).raw(s.headHash().unsafeBytes());
        } else if (m instanceof Checkpoint c) {
            w.u64(c.height()).raw(c.blockHash().unsafeBytes()).raw(c.stateDigest().unsafeBytes()).str(c.sender().value()).bytes(c.signature());
        } else if (m instanceof SnapshotRequest r) {
            w.u64(r.minHeight());
        } else if (m instanceof SnapshotOffer o) {
            o.certificate().write(w);
            o.block().write(w);
            o.manifest().write(w);
        } else if (m instanceof PbftMessage.NoSnapshot n) {
            w.u64(n.committedHeight());
        } else if (m instanceof ChunkRequest r) {
            w.u64(r.height()).u32(r.index());
        } else if (m instanceof ChunkResponse r) {
            r.chunk().write(w);
        } else {
            throw new AssertionError("unhandled message " + m);
        }
    }

    private static void writePrePrepare(CanonicalWriter w, PrePrepare p) {
        w.u64(p.height()).u32(p.view());
        p.block().write(w);
        w.str(p.sender().value()).bytes(p.signature());
    }

    private static void writeViewChange(CanonicalWriter w, ViewChange v) {
        w.u64(v.height()).u32(v.view()).bool(v.prepared() != null);
        if (v.prepared() != null) {
            writePrepared(w, v.prepared());
        }
        w.str(v.sender().value()).bytes(v.signature());
    }

    public static PbftMessage decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new DecodeException("unsupported message version " + version);
        }
        int code = r.u8();
        PbftMessage m = switch (code) {
            case 1 -> readPrePrepare(r);
            case 2 -> new Prepare(r.uint("height"), view(r), ChainCodec.hash(r), ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
            case 3 -> new Commit(r.uint("height"), view(r), ChainCodec.hash(r), ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
            case 4 -> readViewChange(r);
            case 5 -> new NewView(r.uint("height"), view(r), r.list(MAX_VIEW_CHANGES, MessageCodec::readViewChange), readPrePrepare(r),
                    ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
            case 6 -> new TxBatch(r.list(Limits.MAX_TXS_PER_BLOCK, Transaction::read));
            case 7 -> new SyncRequest(r.uint("fromHeight"), r.u32());
            case 8 -> new SyncResponse(r.list(Limits.MAX_BLOCKS_PER_SYNC, CommittedBlock::read));
            case 9 -> new Status(r.uint("committedHeight"), ChainCodec.hash(r));
            case 10 -> new Checkpoint(r.uint("height"), ChainCodec.hash(r), ChainCodec.hash(r), ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
            case 11 -> new SnapshotRequest(r.uint("minHeight"));
            case 12 -> new SnapshotOffer(CheckpointCertificate.read(r), CommittedBlock.read(r), SnapshotManifest.read(r));
            case 13 -> new ChunkRequest(r.uint("height"), chunkIndex(r));
            case 14 -> new ChunkResponse(SnapshotChunk.read(r));
            case 15 -> new PbftMessage.NoSnapshot(r.uint("committedHeight"));
            default -> throw new DecodeException("unknown message code " + code);
        };
        r.end();
        return m;
    }

    /** A prepared certificate alone, for the vote log. */
    public static byte[] encodePrepared(PreparedCertificate pc) {
        CanonicalWriter w = new CanonicalWriter(256).u8(VERSION);
        writePrepared(w, pc);
        return w.toByteArray();
    }

    public static PreparedCertificate decodePrepared(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        if (r.u8() != VERSION) {
            throw new DecodeException("unsupported prepared certificate version");
        }
        PreparedCertificate pc = readPrepared(r);
        r.end();
        return pc;
    }

    private static void writePrepared(CanonicalWriter w, PreparedCertificate pc) {
        writePrePrepare(w, pc.prePrepare());
        w.list(pc.prepares(), (ww, p) -> write(ww, p));
    }

    private static PreparedCertificate readPrepared(CanonicalReader r) {
        PrePrepare pp = readPrePrepare(r);
        return new PreparedCertificate(pp, r.list(Limits.MAX_VALIDATORS, rr -> new Prepare(rr.uint("height"), view(rr),
                ChainCodec.hash(rr), ChainCodec.nodeId(rr), rr.bytes(Limits.MAX_SIGNATURE_BYTES))));
    }

    private static int chunkIndex(CanonicalReader r) {
        int i = r.u32();
        if (i < 0) {
            throw new DecodeException("chunk index is negative");
        }
        return i;
    }

    private static int view(CanonicalReader r) {
        int v = r.u32();
        if (v < 0) {
            throw new DecodeException("view is negative");
        }
        return v;
    }

    private static PrePrepare readPrePrepare(CanonicalReader r) {
        return new PrePrepare(r.uint("height"), view(r), Block.read(r), ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
    }

    private static ViewChange readViewChange(CanonicalReader r) {
        long height = r.uint("height");
        int view = view(r);
        PreparedCertificate prepared = null;
        if (r.bool()) {
            prepared = readPrepared(r);
        }
        return new ViewChange(height, view, prepared, ChainCodec.nodeId(r), r.bytes(Limits.MAX_SIGNATURE_BYTES));
    }
}
