package org.batteryledger.core.contract;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.RevocationReason;

/**
 * A document signer the chain knows (state table {@code document-signer}, keyed by the fingerprint of its certificate):
 * the node it signs for, its agency and serial, the height it was registered at, and when it stopped: retired by a
 * newer signer of the same node (rotation; {@code retiredBy} is the newer one's fingerprint) or revoked with a reason.
 * A height of 0 means "not (yet)". The DER is kept so that anyone can rebuild the agency's CRL from the chain.
 */
public record SignerRecord(NodeId node, String agency, String serial, byte[] certificate, long registeredHeight,
                           long retiredHeight, String retiredBy, long revokedHeight, RevocationReason reason) {

    public boolean revoked() {
        return revokedHeight > 0;
    }

    public boolean retired() {
        return retiredHeight > 0;
    }

    SignerRecord retire(long height, String by) {
        return new SignerRecord(node, agency, serial, certificate, registeredHeight, height, by, revokedHeight, reason);
    }

    SignerRecord revoke(long height, RevocationReason why) {
        return new SignerRecord(node, agency, serial, certificate, registeredHeight, retiredHeight, retiredBy, height, why);
    }

    public byte[] encode() {
        return new CanonicalWriter(certificate.length + 256).u8(1).str(node.value()).str(agency).str(serial).bytes(certificate)
                .u64(registeredHeight).u64(retiredHeight).str(retiredBy).u64(revokedHeight)
                .u8(reason == null ? 255 : reason.code()).toByteArray();
    }

    public static SignerRecord decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        r.u8();
        NodeId node = ChainCodec.nodeId(r);
        String agency = r.str(Limits.MAX_NAME_BYTES);
        String serial = r.str(128);
        byte[] certificate = r.bytes(Limits.MAX_CERT_BYTES);
        long registered = r.u64();
        long retired = r.u64();
        String retiredBy = r.str(Limits.MAX_NAME_BYTES);
        long revoked = r.u64();
        int code = r.u8();
        r.end();
        return new SignerRecord(node, agency, serial, certificate, registered, retired, retiredBy, revoked,
                code == 255 ? null : RevocationReason.fromCode(code));
    }
}
