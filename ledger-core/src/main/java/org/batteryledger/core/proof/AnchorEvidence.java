package org.batteryledger.core.proof;

import org.batteryledger.core.chain.BlockHeader;
import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.merkle.InclusionProof;

/**
 * Everything a verifier needs, besides the record and the validator set, to check a {@link RecordProof} without a
 * node: the header of the anchoring block, the anchoring transaction with its audit path to the header's
 * transaction root, and the block's commit certificate. A few hundred bytes plus two audit paths; the block's other
 * transactions are not needed.
 */
public record AnchorEvidence(RecordProof proof, BlockHeader header, Transaction anchorTx, InclusionProof txPath, CommitCertificate certificate) {
    /** Version byte of the encoding below. */
    private static final int VERSION = 1;

    public byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(1024);
        w.u8(VERSION);
        w.raw(proof.recordHash().unsafeBytes());
        proof.path().write(w);
        w.raw(proof.batchRoot().unsafeBytes());
        w.u64(proof.blockHeight());
        w.raw(proof.txHash().unsafeBytes());
        header.write(w);
        anchorTx.write(w);
        txPath.write(w);
        certificate.write(w);
        return w.toByteArray();
    }

    /** @throws org.batteryledger.core.codec.DecodeException for anything but a well-formed encoding */
    public static AnchorEvidence decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new org.batteryledger.core.codec.DecodeException("anchor evidence version " + version + " is not supported (expected " + VERSION + ")");
        }
        Hash recordHash = ChainCodec.hash(r);
        InclusionProof path = InclusionProof.read(r);
        Hash batchRoot = ChainCodec.hash(r);
        long height = r.u64();
        Hash txHash = ChainCodec.hash(r);
        AnchorEvidence e = new AnchorEvidence(new RecordProof(recordHash, path, batchRoot, height, txHash), BlockHeader.read(r),
                Transaction.read(r), InclusionProof.read(r), CommitCertificate.read(r));
        r.end();
        return e;
    }
}
