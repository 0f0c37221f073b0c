package org.batteryledger.core.proof;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.merkle.InclusionProof;

/**
 * A record's place in an anchored batch, as CONTRACT.md gives it: the record hash, its RFC 6962 audit path to the
 * batch root, and the block height and transaction that anchored that root.
 */
public record RecordProof(Hash recordHash, InclusionProof path, Hash batchRoot, long blockHeight, Hash txHash) {
}
