package org.batteryledger.core.snapshot;

/** A checkpoint a quorum signed, with this node's own snapshot of that state: what it serves to joining nodes. */
public record StableCheckpoint(CheckpointCertificate certificate, StateSnapshot snapshot) {
    public StableCheckpoint {
        if (certificate.height() != snapshot.height() || !certificate.stateDigest().equals(snapshot.digest())) {
            throw new IllegalArgumentException("the certificate of height " + certificate.height() + " is not for this snapshot");
        }
    }

    public long height() {
        return certificate.height();
    }
}
