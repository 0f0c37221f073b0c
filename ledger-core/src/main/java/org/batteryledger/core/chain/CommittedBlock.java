package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;

/** A final block with the certificate that proves it: what block sync carries and what a node stores. */
public record CommittedBlock(Block block, CommitCertificate certificate) {
    public void write(CanonicalWriter w) {
        block.write(w);
        certificate.write(w);
    }

    public static CommittedBlock read(CanonicalReader r) {
        return new CommittedBlock(Block.read(r), CommitCertificate.read(r));
    }
}
