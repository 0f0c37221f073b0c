package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Block;
import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.snapshot.CheckpointCertificate;
import org.batteryledger.core.snapshot.SnapshotChunk;
import org.batteryledger.core.snapshot.SnapshotManifest;

import java.util.List;

/**
 * Every message replicas exchange: a closed set; dispatch over it ends in a loud failure, never a silent default
 * (Java 17 has no pattern switch, so dispatch is an instanceof chain ending in AssertionError). Wire codes
 * ({@link #wireCode()}) are stable; a retired code stays reserved. The table in the module README says who sends
 * each to whom in which phase.
 */
public sealed interface PbftMessage {
    int wireCode();

    /** A message that carries its sender's signature over {@link #signingBytes}. */
    sealed interface Signed extends PbftMessage {
        long height();

        int view();

        NodeId sender();

        byte[] signature();

        byte[] signingBytes(CryptoSuite suite, Hash chainId);
    }

    /** The primary's proposal of a block for (height, view): Castro & Liskov §4.2 pre-prepare phase. */
    record PrePrepare(long height, int view, Block block, NodeId sender, byte[] signature) implements Signed {
        public int wireCode() {
            return 1;
        }

        public byte[] signingBytes(CryptoSuite suite, Hash chainId) {
            return signingBytes(chainId, height, view, block.hash(suite));
        }

        static byte[] signingBytes(Hash chainId, long height, int view, Hash blockHash) {
            return new CanonicalWriter(96).u8(0x50).u8(1).raw(chainId.unsafeBytes()).u64(height).u32(view).raw(blockHash.unsafeBytes()).toByteArray();
        }
    }

    /** A backup accepted the pre-prepare of (height, view): prepare phase. The primary sends none. */
    record Prepare(long height, int view, Hash blockHash, NodeId sender, byte[] signature) implements Signed {
        public int wireCode() {
            return 2;
        }

        public byte[] signingBytes(CryptoSuite suite, Hash chainId) {
            return new CanonicalWriter(96).u8(0x52).u8(1).raw(chainId.unsafeBytes()).u64(height).u32(view).raw(blockHash.unsafeBytes()).toByteArray();
        }
    }

    /** The sender is prepared for (height, view, block): commit phase. Its signature is the block's commit seal. */
    record Commit(long height, int view, Hash blockHash, NodeId sender, byte[] signature) implements Signed {
        public int wireCode() {
            return 3;
        }

        public byte[] signingBytes(CryptoSuite suite, Hash chainId) {
            return CommitCertificate.commitSigningBytes(chainId, height, view, blockHash);
        }
    }

    /**
     * The sender moves to {@code view} at {@code height} and reports the highest block it prepared there
     * (Castro & Liskov §4.4: the view-change message carries the prepared certificate).
     */
    record ViewChange(long height, int view, PreparedCertificate prepared, NodeId sender, byte[] signature) implements Signed {
        public int wireCode() {
            return 4;
        }

        /**
         * The same view change with its prepared certificate by block hash: the pre-prepare keeps the block's header
         * (whose hash is the block's, so every signature still verifies) and drops the transactions. How view changes
         * travel inside a NEW-VIEW, which carries the one block it re-proposes in its own pre-prepare.
         */
        public ViewChange headerOnly() {
            if (prepared == null || prepared.prePrepare().block().transactions().isEmpty()) {
                return this;
            }
            PrePrepare pp = prepared.prePrepare();
            PrePrepare ref = new PrePrepare(pp.height(), pp.view(), new Block(pp.block().header(), List.of()), pp.sender(), pp.signature());
            return new ViewChange(height, view, new PreparedCertificate(ref, prepared.prepares()), sender, signature);
        }

        public byte[] signingBytes(CryptoSuite suite, Hash chainId) {
            CanonicalWriter w = new CanonicalWriter(128).u8(0x56).u8(1).raw(chainId.unsafeBytes()).u64(height).u32(view).bool(prepared != null);
            if (prepared != null) {
                w.u32(prepared.view()).raw(prepared.blockHash(suite).unsafeBytes());
            }
            return w.toByteArray();
        }
    }

    /**
     * The new primary's proof that a quorum moved to {@code view}, with its pre-prepare: the block prepared in the
     * highest view among the view changes, or a fresh block when none was prepared (§4.4). The view changes carry their
     * prepared certificates by block hash ({@link ViewChange#headerOnly}), so a NEW-VIEW holds one block, not one per
     * view change: with 7 validators and 4 MiB blocks it would otherwise exceed the frame limit, for every primary alike.
     */
    record NewView(long height, int view, List<ViewChange> viewChanges, PrePrepare prePrepare, NodeId sender, byte[] signature) implements Signed {
        public NewView {
            viewChanges = viewChanges.stream().map(ViewChange::headerOnly).toList();
        }

        public int wireCode() {
            return 5;
        }

        public byte[] signingBytes(CryptoSuite suite, Hash chainId) {
            CanonicalWriter w = new CanonicalWriter(256).u8(0x4e).u8(1).raw(chainId.unsafeBytes()).u64(height).u32(view)
                    .raw(prePrepare.block().hash(suite).unsafeBytes());
            w.list(viewChanges, (ww, vc) -> ww.str(vc.sender().value()));
            return w.toByteArray();
        }
    }

    /** Client transactions forwarded to the other replicas, so whoever is primary can propose them. */
    record TxBatch(List<Transaction> transactions) implements PbftMessage {
        public TxBatch {
            transactions = List.copyOf(transactions);
        }

        public int wireCode() {
            return 6;
        }
    }

    /** Asks a peer for committed blocks from {@code fromHeight} on. */
    record SyncRequest(long fromHeight, int maxBlocks) implements PbftMessage {
        public int wireCode() {
            return 7;
        }
    }

    /** Committed blocks with their commit certificates, in height order; each is verified before it is applied. */
    record SyncResponse(List<CommittedBlock> blocks) implements PbftMessage {
        public SyncResponse {
            blocks = List.copyOf(blocks);
        }

        public int wireCode() {
            return 8;
        }
    }

    /** Periodic heartbeat: the sender's committed height. A replica that hears of a higher one syncs. */
    record Status(long committedHeight, Hash headHash) implements PbftMessage {
        public int wireCode() {
            return 9;
        }
    }

    /**
     * The sender's signature over the digest of the state after block {@code height} (Castro & Liskov §4.3 CHECKPOINT):
     * sent by validators at every checkpoint height; a quorum of matching ones makes the checkpoint stable.
     */
    record Checkpoint(long height, Hash blockHash, Hash stateDigest, NodeId sender, byte[] signature) implements PbftMessage {
        public int wireCode() {
            return 10;
        }

        public byte[] signingBytes(Hash chainId) {
            return CheckpointCertificate.signingBytes(chainId, height, blockHash, stateDigest);
        }
    }

    /** Asks a peer for its latest stable checkpoint at or above {@code minHeight}: how a node starts from a snapshot. */
    record SnapshotRequest(long minHeight) implements PbftMessage {
        public int wireCode() {
            return 11;
        }
    }

    /** A stable checkpoint the sender can serve: its certificate, the block it follows, and the snapshot's manifest. */
    record SnapshotOffer(CheckpointCertificate certificate, CommittedBlock block, SnapshotManifest manifest) implements PbftMessage {
        public int wireCode() {
            return 12;
        }
    }

    /** The answer to a SNAPSHOT-REQUEST from a node that holds no stable checkpoint (yet, or since it restarted). */
    record NoSnapshot(long committedHeight) implements PbftMessage {
        public int wireCode() {
            return 15;
        }
    }

    /** Asks for chunk {@code index} of the snapshot after block {@code height}. */
    record ChunkRequest(long height, int index) implements PbftMessage {
        public int wireCode() {
            return 13;
        }
    }

    /** One chunk of a snapshot; the asker checks it against the manifest before it keeps it. */
    record ChunkResponse(SnapshotChunk chunk) implements PbftMessage {
        public int wireCode() {
            return 14;
        }
    }
}
