package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.CheckedSignatures;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proof that a block is final: a quorum of COMMIT signatures of one view over (chain, height, view, block hash).
 * Anyone holding the validator set of that height can check it offline (Castro & Liskov, OSDI 1999, §4.2:
 * a request is committed once 2f+1 matching commits of one view are accepted).
 */
public record CommitCertificate(long height, int view, Hash blockHash, List<CommitSeal> seals) {

    public CommitCertificate {
        seals = List.copyOf(seals);
    }

    /** The bytes a validator signs when it sends COMMIT: the same bytes make its seal. */
    public static byte[] commitSigningBytes(Hash chainId, long height, int view, Hash blockHash) {
        return new CanonicalWriter(96).u8(0x43).u8(1).raw(chainId.unsafeBytes()).u64(height).u32(view)
                .raw(blockHash.unsafeBytes()).toByteArray();
    }

    /**
     * @param validators public keys of the validators at {@code height}
     * @return null when the certificate is valid, else the reason it is not
     */
    public String verify(CryptoSuite suite, Hash chainId, Map<NodeId, byte[]> validators, int quorum) {
        return verify(suite, chainId, validators, quorum, CheckedSignatures.NONE);
    }

    /**
     * As {@link #verify(CryptoSuite, Hash, Map, int)}, without verifying again a seal's signature that {@code checked}
     * names as verified; whose seal it is, once, and the quorum are checked as always.
     */
    public String verify(CryptoSuite suite, Hash chainId, Map<NodeId, byte[]> validators, int quorum, CheckedSignatures checked) {
        byte[] message = commitSigningBytes(chainId, height, view, blockHash);
        Set<NodeId> seen = new HashSet<>();
        for (CommitSeal seal : seals) {
            byte[] key = validators.get(seal.nodeId());
            if (key == null) {
                return "seal from " + seal.nodeId().shortId() + ", not a validator at height " + height;
            }
            if (!seen.add(seal.nodeId())) {
                return "two seals from " + seal.nodeId().shortId();
            }
            if (!checked.checked(key, message, seal.signature()) && !suite.verify(key, message, seal.signature())) {
                return "invalid seal signature from " + seal.nodeId().shortId();
            }
        }
        if (seen.size() < quorum) {
            return "only " + seen.size() + " seals, quorum is " + quorum;
        }
        return null;
    }

    public boolean signedBy(NodeId id) {
        for (CommitSeal s : seals) {
            if (s.nodeId().equals(id)) {
                return true;
            }
        }
        return false;
    }

    public void write(CanonicalWriter w) {
        w.u64(height).u32(view).raw(blockHash.unsafeBytes()).list(seals, (ww, s) -> s.write(ww));
    }

    public static CommitCertificate read(CanonicalReader r) {
        return new CommitCertificate(r.uint("height"), r.u32(), ChainCodec.hash(r), r.list(Limits.MAX_VALIDATORS, CommitSeal::read));
    }
}
