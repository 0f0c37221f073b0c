package org.batteryledger.core.valuation.certificate;

import org.batteryledger.core.crypto.Hash;

/** An input of a valuation and where the chain anchors it: leaf {@code leafIndex} of {@code treeSize} in a batch. */
public record AnchoredRecord(String recordId, Hash hash, long leafIndex, long treeSize, Hash batchRoot, long blockHeight, Hash txHash) {
}
