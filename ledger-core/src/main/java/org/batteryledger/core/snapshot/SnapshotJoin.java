package org.batteryledger.core.snapshot;

import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node starting from a snapshot instead of replaying the chain: it takes the highest offer whose checkpoint
 * certificate carries a quorum of the validators it trusts, then chunks that match that offer's manifest, and hands
 * out the state and the block it follows. The caller persists them and starts its replica there; block sync brings
 * it from that height to the head.
 *
 * <p>Whom to trust is the caller's: a node that has only the genesis trusts the genesis validators. That is sound
 * while a quorum of them is honest (or, once they are replaced, kept their keys safe): the usual weak-subjectivity
 * assumption of starting from a checkpoint rather than from genesis.
 *
 * <p>Pure, like the replica: no I/O, no clock. Memory is the snapshot's size plus one manifest.
 */
public final class SnapshotJoin {
    /** What a completed join yields: the state after {@code block}, and the certificate that vouches for it. */
    public record Joined(CommittedBlock block, WorldState state, CheckpointCertificate certificate) {
    }

    private final CryptoSuite suite;
    private final Hash chainId;
    private final Map<NodeId, byte[]> trusted;
    private final int quorum;
    private CheckpointCertificate certificate;
    private CommittedBlock block;
    private SnapshotManifest manifest;
    private final LinkedHashSet<NodeId> sources = new LinkedHashSet<>();
    private final TreeMap<Integer, SnapshotChunk> chunks = new TreeMap<>();

    /**
     * @param trustedValidators the public keys of the validators this node trusts
     * @param quorum            how many of them must have signed a checkpoint
     */
    public SnapshotJoin(CryptoSuite suite, Hash chainId, Map<NodeId, byte[]> trustedValidators, int quorum) {
        this.suite = suite;
        this.chainId = chainId;
        this.trusted = Map.copyOf(trustedValidators);
        this.quorum = quorum;
    }

    /**
     * An offer from {@code from}: null when it is the checkpoint being fetched now (a higher valid one replaces a lower
     * one and the chunks fetched for it), else why it was refused or passed over.
     */
    public String offer(NodeId from, CheckpointCertificate cert, CommittedBlock offered, SnapshotManifest offeredManifest) {
        if (certificate != null && cert.height() < certificate.height()) {
            return "checkpoint " + cert.height() + " is below " + certificate.height() + ", the one being fetched";
        }
        if (certificate != null && cert.height() == certificate.height() && cert.blockHash().equals(certificate.blockHash())
                && cert.stateDigest().equals(certificate.stateDigest())) {
            sources.add(from); // the same checkpoint, verified already: one more peer to fetch chunks from
            return null;
        }
        String bad = cert.verify(suite, chainId, trusted, quorum);
        if (bad != null) {
            return bad;
        }
        if (offered.block().height() != cert.height() || !offered.block().hash(suite).equals(cert.blockHash())) {
            return "the offered block is not the one checkpoint " + cert.height() + " follows";
        }
        // The block is stored and served again: its own certificate must hold too, or this node would pass a forged one on.
        CommitCertificate cc = offered.certificate();
        if (cc.height() != cert.height() || !cc.blockHash().equals(cert.blockHash()) || CommitSeal.validSigners(suite,
                CommitCertificate.commitSigningBytes(chainId, cc.height(), cc.view(), cc.blockHash()), cc.seals(), trusted) < quorum) {
            return "the offered block's commit certificate is not a quorum of the trusted validators";
        }
        if (offeredManifest.height() != cert.height() || !offeredManifest.blockHash().equals(cert.blockHash())
                || !offeredManifest.digest(suite).equals(cert.stateDigest())) {
            return "the manifest does not have the digest the checkpoint certifies";
        }
        if (certificate != null && cert.height() == certificate.height()) {
            // A quorum of trusted validators signed two states after one height: more than f of them are faulty.
            return "conflicting certified checkpoints at height " + cert.height() + ": the trusted validators are compromised";
        }
        certificate = cert;
        block = offered;
        manifest = offeredManifest;
        sources.clear();
        sources.add(from);
        chunks.clear();
        return null;
    }

    /** The height of the checkpoint being fetched, or -1 before any offer was taken. */
    public long height() {
        return certificate == null ? -1 : certificate.height();
    }

    /** The peers that offered the checkpoint being fetched, in the order they offered it. */
    public List<NodeId> sources() {
        return List.copyOf(sources);
    }

    /** Stops asking {@code peer} for chunks (it sent a bad one, or none in time); an offer from it adds it again. */
    public void dropSource(NodeId peer) {
        sources.remove(peer);
    }

    /** Up to {@code max} chunk indices still missing, lowest first. */
    public List<Integer> missing(int max) {
        List<Integer> out = new ArrayList<>();
        if (manifest == null) {
            return out;
        }
        for (int i = 0; i < manifest.chunkHashes().size() && out.size() < max; i++) {
            if (!chunks.containsKey(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** A chunk: kept when it has the hash the manifest lists for it; else why not (the sender lied or is stale). */
    public String chunk(SnapshotChunk c) {
        if (manifest == null || c.height() != manifest.height()) {
            return "chunk of height " + c.height() + " is not of the snapshot being fetched";
        }
        if (c.index() >= manifest.chunkHashes().size()) {
            return "chunk " + c.index() + " beyond the manifest's " + manifest.chunkHashes().size();
        }
        if (!c.hash(suite).equals(manifest.chunkHashes().get(c.index()))) {
            return "chunk " + c.index() + " does not have the hash its manifest lists";
        }
        chunks.put(c.index(), c);
        return null;
    }

    public boolean complete() {
        return manifest != null && chunks.size() == manifest.chunkHashes().size();
    }

    /**
     * The state, once every chunk is here. The chunks' hashes pin their bytes to what a quorum signed; the checks below
     * (order, no deletes, the count) only make sure a bug on the signing side cannot build a state unlike its snapshot.
     */
    public Joined result() {
        if (!complete()) {
            throw new IllegalStateException("the snapshot is not complete: " + missing(Integer.MAX_VALUE).size() + " chunks missing");
        }
        WorldState state = new WorldState(Tables.LAYOUT);
        WriteSet.Entry previous = null;
        long count = 0;
        for (SnapshotChunk c : chunks.values()) {
            for (WriteSet.Entry e : c.entries()) {
                if (e.isDelete() || (previous != null && compare(previous, e) >= 0)) {
                    throw new IllegalStateException("snapshot entries out of order or a delete at " + e.table() + "/" + e.key());
                }
                previous = e;
            }
            count += c.entries().size();
            state.apply(new WriteSet(c.entries()));
        }
        if (count != manifest.entryCount()) {
            throw new IllegalStateException("snapshot holds " + count + " entries, its manifest says " + manifest.entryCount());
        }
        return new Joined(block, state, certificate);
    }

    private static int compare(WriteSet.Entry a, WriteSet.Entry b) {
        int t = a.table().compareTo(b.table());
        return t != 0 ? t : a.key().compareTo(b.key());
    }
}
