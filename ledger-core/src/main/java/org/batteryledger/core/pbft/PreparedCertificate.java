package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.util.List;

/**
 * Proof that a block was prepared at (height, view): the primary's pre-prepare and quorum-1 matching prepares
 * from distinct backups, together 2f+1 replicas (Castro & Liskov §4.2, the "prepared" predicate).
 */
public record PreparedCertificate(PbftMessage.PrePrepare prePrepare, List<PbftMessage.Prepare> prepares) {
    public PreparedCertificate {
        prepares = List.copyOf(prepares);
    }

    public long height() {
        return prePrepare.height();
    }

    public int view() {
        return prePrepare.view();
    }

    public Hash blockHash(CryptoSuite suite) {
        return prePrepare.block().hash(suite);
    }
}
