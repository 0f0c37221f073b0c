package org.batteryledger.core.snapshot;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.util.List;
import java.util.Map;

/**
 * Proof of a stable checkpoint (Castro & Liskov, OSDI 1999, §4.3): a quorum of validators signed that the state after
 * block {@code height} (hash {@code blockHash}) has the snapshot digest {@code stateDigest}. Anyone who trusts those
 * validators can take that state without replaying the chain up to it. Each signature is kept as a {@link CommitSeal}
 * (a node id and its signature), the same shape a commit certificate keeps.
 */
public record CheckpointCertificate(long height, Hash blockHash, Hash stateDigest, List<CommitSeal> signatures) {
    private static final int DOMAIN = 0x4b; // 'K'

    public CheckpointCertificate {
        signatures = List.copyOf(signatures);
    }

    /** What a validator signs in its CHECKPOINT. */
    public static byte[] signingBytes(Hash chainId, long height, Hash blockHash, Hash stateDigest) {
        return new CanonicalWriter(112).u8(DOMAIN).u8(1).raw(chainId.unsafeBytes()).u64(height).raw(blockHash.unsafeBytes())
                .raw(stateDigest.unsafeBytes()).toByteArray();
    }

    /**
     * @param validators public keys of the validators the verifier trusts
     * @return null when at least {@code quorum} distinct validators of that set signed validly, else why not. Signatures
     *         of other nodes are not counted, not refused: the verifier's set may be older than the one that signed.
     */
    public String verify(CryptoSuite suite, Hash chainId, Map<NodeId, byte[]> validators, int quorum) {
        int valid = CommitSeal.validSigners(suite, signingBytes(chainId, height, blockHash, stateDigest), signatures, validators);
        return valid >= quorum ? null : "only " + valid + " valid checkpoint signatures of trusted validators, quorum is " + quorum;
    }

    public void write(CanonicalWriter w) {
        w.u64(height).raw(blockHash.unsafeBytes()).raw(stateDigest.unsafeBytes()).list(signatures, (ww, s) -> s.write(ww));
    }

    public static CheckpointCertificate read(CanonicalReader r) {
        return new CheckpointCertificate(r.uint("height"), ChainCodec.hash(r), ChainCodec.hash(r), r.list(Limits.MAX_VALIDATORS, CommitSeal::read));
    }
}
